/*
 * forkbench MODE COUNT - times COUNT rounds of MODE and prints
 * "MODE N ns/op": fork (fork, the child exits at once, join), vfork (the
 * same without copying memory) or spawn (proc_spawn of "true", join).
 * Built twice: with a 1 MiB and a 64 MiB array, so that the program's
 * memory is about that size.
 */
#include "wasixproc.h"
#include <time.h>

#ifndef BALLAST
#define BALLAST (1 << 20)
#endif
static char ballast[BALLAST];

static uint64_t now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "fork";
    int count = argc > 2 ? atoi(argv[2]) : 100;
    /* touch the ballast so that it is really memory */
    volatile char *b = ballast; /* volatile: the stores must stay */
    for (size_t i = 0; i < sizeof ballast; i += 4096) b[i] = (char)(i >> 12);
    uint64_t t0 = now();
    for (int i = 0; i < count; i++) {
        int32_t pid;
        if (!strcmp(mode, "spawn")) {
            struct wx_handles h;
            wx_check(wx_proc_spawn("true", 4, 0, "true", 4, "", 0, WX_NULL, WX_NULL, WX_NULL, "", 0, &h), "spawn");
            pid = (int32_t)h.pid;
        } else {
            pid = !strcmp(mode, "vfork") ? wx_vfork() : wx_fork();
            if (pid == 0) _Exit(0);
            if (pid < 0) wx_check(-pid, "fork");
        }
        if (wx_wait_status((uint32_t)pid) != 0) { fprintf(stderr, "child failed\n"); return 1; }
    }
    uint64_t t1 = now();
    printf("%s %d %llu ns/op\n", mode, count, (unsigned long long)((t1 - t0) / (uint64_t)count));
    return 0;
}
