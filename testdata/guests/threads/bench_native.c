/*
 * bench_native.c - the native side of the thread benchmarks, built for the
 * host with gcc by the benchmark itself:
 *
 *   bench_native spawn N      pthread_create + pthread_join, N times
 *   bench_native pingpong N   a token passed N round trips between two
 *                             threads through Linux futex wait and wake
 *
 * Each prints "# ns <nanoseconds per operation>", as the guest does.
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *nothing(void *arg) { return arg; }

static _Atomic uint32_t turn;
static unsigned rounds;

static void pass_token(uint32_t me) {
    for (unsigned i = 0; i < rounds; i++) {
        uint32_t v;
        while ((v = atomic_load(&turn)) != me)
            syscall(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, v, NULL, NULL, 0);
        atomic_store(&turn, 1 - me);
        syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    }
}

static void *pong(void *arg) {
    pass_token(1);
    return arg;
}

int main(int argc, char **argv) {
    if (argc < 3)
        return 2;
    unsigned n = (unsigned)atoi(argv[2]);
    pthread_t t;
    uint64_t t0 = now_ns();
    if (strcmp(argv[1], "spawn") == 0) {
        for (unsigned i = 0; i < n; i++) {
            pthread_create(&t, NULL, nothing, NULL);
            pthread_join(t, NULL);
        }
    } else if (strcmp(argv[1], "pingpong") == 0) {
        rounds = n;
        pthread_create(&t, NULL, pong, NULL);
        pass_token(0);
        pthread_join(t, NULL);
    } else {
        return 2;
    }
    printf("# ns %llu\n", (unsigned long long)((now_ns() - t0) / n));
    return 0;
}
