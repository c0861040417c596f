/* consentry sim: the device's /system/bin/sh and toolbox for sim app processes.
 *
 * A sim app is a host process, so a command it runs (popen, posix_spawn of /system/bin/sh) would
 * otherwise read the host's world. This program stands at the sim root's /system/bin/sh and, under
 * every tool name the sim shell knows (getprop, cat, settings, ip, pm...), in the app's PATH: it
 * sends its command line to the sim device's shell service (the Unix socket named by
 * $CONSENTRY_SIM_SHELL) and relays the answer, so the command runs against the sim device's
 * properties, settings and file tree, as it would on the device.
 *
 * Request: the command line, then NUL. Reply: stdout bytes, then a 5-byte trailer
 * "\0" + status as 4 bytes little-endian, read at the end of the stream. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void append_quoted(char *buf, size_t cap, size_t *len, const char *arg) {
    if (*len + 3 >= cap) return;
    if (*len) buf[(*len)++] = ' ';
    buf[(*len)++] = '\'';
    for (const char *p = arg; *p && *len + 6 < cap; p++) {
        if (*p == '\'') { memcpy(buf + *len, "'\\''", 4); *len += 4; }
        else buf[(*len)++] = *p;
    }
    buf[(*len)++] = '\'';
}

int main(int argc, char **argv) {
    static char line[65536];
    size_t len = 0;
    const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    if (strcmp(name, "sh") == 0) {
        if (argc >= 3 && strcmp(argv[1], "-c") == 0) {
            len = strlen(argv[2]) < sizeof(line) - 1 ? strlen(argv[2]) : sizeof(line) - 1;
            memcpy(line, argv[2], len);
        } else {
            fprintf(stderr, "sh: only `sh -c COMMAND` is supported here\n");
            return 2;
        }
    } else {
        append_quoted(line, sizeof(line), &len, name);
        for (int i = 1; i < argc; i++) append_quoted(line, sizeof(line), &len, argv[i]);
    }
    line[len] = 0;
    const char *path = getenv("CONSENTRY_SIM_SHELL");
    if (!path || strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
        fprintf(stderr, "%s: no sim shell service ($CONSENTRY_SIM_SHELL)\n", name);
        return 127;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {0};
    sa.sun_family = AF_UNIX;
    socklen_t sa_len = sizeof(sa);
    if (path[0] == '@') {
        /* Linux abstract namespace: no file on disk, the name ends where the address ends */
        memcpy(sa.sun_path + 1, path + 1, strlen(path) - 1);
        sa_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
    } else {
        strcpy(sa.sun_path, path);
    }
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sa_len) != 0) {
        fprintf(stderr, "%s: sim shell service unreachable\n", name);
        return 127;
    }
    if (write(fd, line, len + 1) != (ssize_t)(len + 1)) return 127;
    static char buf[1 << 20];
    size_t got = 0;
    ssize_t n;
    while (got < sizeof(buf) && (n = read(fd, buf + got, sizeof(buf) - got)) > 0) got += (size_t)n;
    close(fd);
    if (got < 5) return 127;
    int status = (unsigned char)buf[got - 4] | ((unsigned char)buf[got - 3] << 8);
    fwrite(buf, 1, got - 5, stdout);
    return status;
}
