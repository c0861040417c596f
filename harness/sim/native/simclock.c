/*
 * The sim device's wall clock for one app process, with a fault switch: the device's clock
 * jumping (NTP/NITZ correction, a user changing the date). Preloaded (LD_PRELOAD) into an app
 * process only when the fault is armed, so that the process -- the app's own code, its native
 * libraries and the Frida agent inside it, which all read CLOCK_REALTIME through libc -- sees the
 * device's clock, while the host's clock (the harness, the proxy, other processes) does not move.
 *
 *   CONSENTRY_SIM_CLOCK_FILE=PATH   8 bytes, little-endian int64: the device clock's offset from
 *                                   the host's, in ns. The sim device rewrites it (setprop
 *                                   consentry.fault.clock_offset_s); the process maps it shared,
 *                                   so a change is seen at the next read, without a syscall.
 *
 * Only CLOCK_REALTIME (and gettimeofday/time, which read it) moves: CLOCK_MONOTONIC never jumps
 * on a device either.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

typedef int (*clock_gettime_fn)(clockid_t, struct timespec *);

static clock_gettime_fn real_clock_gettime;
static volatile const int64_t *offset_map;  /* NULL: no fault armed */

__attribute__((constructor)) static void simclock_init(void)
{
    real_clock_gettime = (clock_gettime_fn)dlsym(RTLD_NEXT, "clock_gettime");
    const char *path = getenv("CONSENTRY_SIM_CLOCK_FILE");
    if (path == NULL)
        return;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    void *m = mmap(NULL, sizeof(int64_t), PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (m != MAP_FAILED)
        offset_map = (volatile const int64_t *)m;
}

static long long offset_now(void)
{
    return offset_map == NULL ? 0 : (long long)*offset_map;
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
    if (real_clock_gettime == NULL)
        real_clock_gettime = (clock_gettime_fn)dlsym(RTLD_NEXT, "clock_gettime");
    int rc = real_clock_gettime(id, ts);
    if (rc != 0 || ts == NULL || (id != CLOCK_REALTIME && id != CLOCK_REALTIME_COARSE))
        return rc;
    long long off = offset_now();
    if (off != 0) {
        long long ns = (long long)ts->tv_sec * 1000000000LL + ts->tv_nsec + off;
        ts->tv_sec = (time_t)(ns / 1000000000LL);
        ts->tv_nsec = (long)(ns % 1000000000LL);
        if (ts->tv_nsec < 0) {
            ts->tv_nsec += 1000000000L;
            ts->tv_sec -= 1;
        }
    }
    return rc;
}

int gettimeofday(struct timeval *tv, void *tz)
{
    (void)tz;
    struct timespec ts;
    int rc = clock_gettime(CLOCK_REALTIME, &ts);
    if (rc == 0 && tv != NULL) {
        tv->tv_sec = ts.tv_sec;
        tv->tv_usec = ts.tv_nsec / 1000;
    }
    return rc;
}

time_t time(time_t *out)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (out != NULL)
        *out = ts.tv_sec;
    return ts.tv_sec;
}
