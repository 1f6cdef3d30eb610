/*
 * vforkexec COUNT - times COUNT rounds of vfork, exec of "true" in the
 * child, and join, and prints "vforkexec N ns/op".
 * Built with an imported shared memory, as WASIX toolchains build
 * programs, twice: vforkexec_4g.wasm may grow to 4 GiB (wasixcc's
 * default), vforkexec_64m.wasm to 64 MiB. Exec must cost the same in
 * both: it must not touch the parent's whole reservation.
 */
#include "wasixproc.h"
#include <time.h>

static uint64_t now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv) {
    int count = argc > 1 ? atoi(argv[1]) : 100;
    char *targv[] = {"true", NULL};
    uint64_t t0 = now();
    for (int i = 0; i < count; i++) {
        int32_t pid = wx_vfork();
        if (pid == 0) {
            wx_execvp("true", targv);
            _Exit(127);
        }
        if (pid < 0) wx_check(-pid, "vfork");
        if (wx_wait_status((uint32_t)pid) != 0) { fprintf(stderr, "child failed\n"); return 1; }
    }
    uint64_t t1 = now();
    printf("vforkexec %d %llu ns/op\n", count, (unsigned long long)((t1 - t0) / (uint64_t)count));
    return 0;
}
