/*
 * The host's own fork+waitpid and posix_spawn+waitpid, the native side of
 * scripts/bench_proc.sh. Built with gcc by the script:
 *   forkbench MODE COUNT BALLAST_MIB   (MODE: fork, vfork, spawn)
 * prints "MODE N ns/op" like the guest of the same name.
 */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static uint64_t now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "fork";
    int count = argc > 2 ? atoi(argv[2]) : 100;
    size_t mib = argc > 3 ? (size_t)atoi(argv[3]) : 1;
    volatile char *ballast = malloc(mib << 20);
    for (size_t i = 0; i < (mib << 20); i += 4096) ballast[i] = (char)(i >> 12);
    char *tru[] = {"true", NULL};
    uint64_t t0 = now();
    for (int i = 0; i < count; i++) {
        pid_t pid;
        if (!strcmp(mode, "spawn")) {
            if (posix_spawnp(&pid, "true", NULL, NULL, tru, environ)) { perror("posix_spawn"); return 1; }
        } else {
            pid = !strcmp(mode, "vfork") ? vfork() : fork();
            if (pid == 0) _exit(0);
            if (pid < 0) { perror("fork"); return 1; }
        }
        int st;
        waitpid(pid, &st, 0);
    }
    uint64_t t1 = now();
    printf("%s %d %llu ns/op\n", mode, count, (unsigned long long)((t1 - t0) / (uint64_t)count));
    return 0;
}
