/* consentry sim: an SDK's native code running shell commands, as device-fingerprint SDKs do to read
 * identifiers without the Java API (getprop ro.serialno, cat /sys/class/net/wlan0/address,
 * settings get secure android_id, ip addr, pm list packages).
 *
 * sdk_shell(cmd, via, out, outlen): runs `cmd` through libc, the way `via` names:
 *   0 popen(cmd, "r")                                 (the commonest)
 *   1 posix_spawn("/system/bin/sh", ["sh","-c",cmd])  (the sim device's sh: $CONSENTRY_SIM_ROOT + path)
 *   2 system(cmd)                                     (output not captured)
 * and returns the number of output bytes read into `out` (NUL-terminated), or -1. The shell that
 * runs is the sim device's (simsh.c): popen's /bin/sh finds the device's tools first in PATH. */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int read_all(int fd, char *out, size_t outlen) {
    size_t got = 0;
    ssize_t n;
    while (outlen && got < outlen - 1 && (n = read(fd, out + got, outlen - 1 - got)) > 0) got += (size_t)n;
    if (outlen) out[got] = 0;
    return (int)got;
}

int sdk_shell(const char *cmd, int via, char *out, size_t outlen) {
    if (outlen) out[0] = 0;
    if (via == 0) {
        FILE *f = popen(cmd, "r");
        if (!f) return -1;
        int n = read_all(fileno(f), out, outlen);
        pclose(f);
        return n;
    }
    if (via == 2) return system(cmd) == -1 ? -1 : 0;
    char sh[4096];
    const char *root = getenv("CONSENTRY_SIM_ROOT");
    snprintf(sh, sizeof(sh), "%s/system/bin/sh", root ? root : "");
    int pipefd[2];
    if (pipe(pipefd) != 0) return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
    posix_spawn_file_actions_addclose(&fa, pipefd[0]);
    char *argv[] = {"sh", "-c", (char *)cmd, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, sh, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    if (rc != 0) { close(pipefd[0]); return -1; }
    int n = read_all(pipefd[0], out, outlen);
    close(pipefd[0]);
    int status;
    waitpid(pid, &status, 0);
    return n;
}
