/* consentry sim: the native side of a sim app.
 *
 * Built several times from this one source: libsimprop.so (the app's own native code) and
 * lib<sdk>_sim.so copies with SDK-like names (libumeng_sim.so, ...), so that native stack traces
 * name the SDK module that made the call, as they would on a device.
 *
 *  - __system_property_get(name, value): Android's bionic export, answered from the key=value
 *    file named by $CONSENTRY_SIM_PROPS (written by the sim runtime from the device's getprop),
 *    else from $CONSENTRY_SIM_PROP_<name with '.' as '_'>.
 *  - sdk_collect_file / sdk_collect_prop: what an SDK's native helper does; they call libc
 *    open/read and __system_property_get themselves.
 *
 * The app's Java calls do not come through here: they run on a real JVM (simruntime.c).
 *
 * Compiled -O0 with frame pointers so that a backtrace from a hook on open() walks through the
 * SDK's frame instead of losing it to a tail call. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef SIM_MODULE
#define SIM_MODULE "simprop"
#endif
#define PROP_VALUE_MAX 92
#define MAX_FILE (256 * 1024)

static int lookup_file(const char *path, const char *key, char *out, size_t outlen) {
    if (!path || !*path || outlen == 0) return -1;
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    char *buf = malloc(MAX_FILE + 1);
    if (!buf) { close(fd); return -1; }
    size_t len = 0;
    ssize_t n;
    while (len < MAX_FILE && (n = read(fd, buf + len, MAX_FILE - len)) > 0) len += (size_t)n;
    close(fd);
    buf[len] = 0;
    size_t klen = strlen(key);
    int found = -1;
    char *line = buf;
    while (line && *line) {
        char *next = strchr(line, '\n');
        if (next) *next++ = 0;
        if (strncmp(line, key, klen) == 0 && line[klen] == '=') {
            const char *v = line + klen + 1;
            size_t vlen = strlen(v);
            if (vlen >= outlen) vlen = outlen - 1;
            memcpy(out, v, vlen);
            out[vlen] = 0;
            found = (int)vlen;
            break;
        }
        line = next;
    }
    free(buf);
    return found;
}

int __system_property_get(const char *name, char *value) {
    value[0] = 0;
    if (lookup_file(getenv("CONSENTRY_SIM_PROPS"), name, value, PROP_VALUE_MAX) >= 0) return (int)strlen(value);
    char env[160] = "CONSENTRY_SIM_PROP_";
    size_t off = strlen(env);
    for (size_t i = 0; name[i] && off < sizeof(env) - 1; i++) env[off++] = name[i] == '.' ? '_' : name[i];
    env[off] = 0;
    const char *v = getenv(env);
    if (v) {
        strncpy(value, v, PROP_VALUE_MAX - 1);
        value[PROP_VALUE_MAX - 1] = 0;
    }
    return (int)strlen(value);
}

int sdk_collect_file(const char *path, char *out, size_t outlen) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    ssize_t n = read(fd, out, outlen ? outlen - 1 : 0);
    close(fd);
    if (n < 0) return -1;
    out[n] = 0;
    return (int)n;
}

int sdk_collect_prop(const char *name, char *out) {
    int n = __system_property_get(name, out);
    return n;
}

const char *sim_module_name(void) { return SIM_MODULE; }
