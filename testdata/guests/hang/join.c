/*
 * join.c - a wasix-libc program whose main thread waits in pthread_join
 * while its thread, by argv[1], calls exit(7) ("exit"), traps ("trap") or
 * blocks in pthread_cond_wait for good ("block", ended from outside: a
 * signal, the context, Close). Both waits are memory.atomic.wait32 inside
 * wasix-libc: the runtime must reach them when the process ends.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

static void *waiter(void *arg) {
    const char *mode = arg;
    if (strcmp(mode, "exit") == 0) { usleep(20000); exit(7); }
    if (strcmp(mode, "trap") == 0) { usleep(20000); __builtin_trap(); }
    pthread_mutex_lock(&mu);
    for (;;) pthread_cond_wait(&cv, &mu);
    return NULL;
}

int main(int argc, char **argv) {
    pthread_t t;
    const char *mode = argc > 1 ? argv[1] : "block";
    if (pthread_create(&t, NULL, waiter, (void *)mode) != 0) { perror("pthread_create"); return 2; }
    printf("ready\n"); fflush(stdout);
    pthread_join(t, NULL);
    return 0;
}
