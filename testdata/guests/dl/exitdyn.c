/*
 * exitdyn - Wasmer's exit-*-in-dyncall-thread and exit-*-in-fficall:
 * exit() in a function called through wasix_call_dynamic ends the whole
 * process with that status, from the main thread ("main") or from a
 * second thread ("thread").
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasix/call_dynamic.h>

static void called(void) {
    printf("Dyncall in %s\n", getenv("WHERE") ? getenv("WHERE") : "?");
    exit(99);
}

static void *thread(void *arg) {
    wasix_call_dynamic((wasix_function_pointer_t)called, 0, 0, 0, 0, true);
    return 0;
}

int test_exitdyn(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "thread") == 0) {
        setenv("WHERE", "thread", 1);
        pthread_t th;
        if (pthread_create(&th, 0, thread, 0) != 0)
            return 2;
        pthread_join(th, 0);
        sleep(1);
        return 1;
    }
    setenv("WHERE", "main", 1);
    wasix_call_dynamic((wasix_function_pointer_t)called, 0, 0, 0, 0, true);
    return 1;
}
