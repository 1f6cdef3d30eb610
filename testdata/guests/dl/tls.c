/*
 * tls - after Wasmer's tests/wasix/dl-tls: thread-local data of the main
 * program and of a library it needs (libtlsside.so), in the main thread
 * and in a second one. Each thread has its own copy in every module;
 * thread-local pointers to static data are relocated in every thread;
 * the four thread-local blocks (main program and library, two threads)
 * are distinct; dlsym of a thread-local variable gives the calling
 * thread's copy. (Wasmer's test also shares one thread-local variable
 * between modules; clang 22 cannot build that: it addresses thread-local
 * data only relative to the module's own block.)
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

extern int side_set(int slot, int value);
extern int side_get(void);
extern int *side_var_address(void);
extern int tls_bases[4];

int static_int = 1;
_Thread_local int *tls_ptr = &static_int;
_Thread_local int main_var;

static int check(const char *who, int main_slot, int side_slot, int first, int second) {
    tls_bases[main_slot] = (int)__builtin_wasm_tls_base();
    int bad = 0;
    if (tls_ptr != &static_int) {
        printf("%s: thread-local pointer not relocated\n", who);
        bad = 1;
    }
    if (main_var != 0 || side_get() != 0) {
        printf("%s: thread-local variables start at %d and %d\n", who, main_var, side_get());
        bad = 1;
    }
    main_var = first;
    if (side_set(side_slot, second) != 0) {
        printf("%s: the library's check failed\n", who);
        bad = 1;
    }
    if (main_var != first || side_get() != second) {
        printf("%s: thread-local variables are %d and %d, want %d and %d\n", who, main_var, side_get(), first,
               second);
        bad = 1;
    }
    int *p = (int *)dlsym(RTLD_DEFAULT, "side_var");
    if (p != side_var_address()) {
        printf("%s: dlsym of a thread-local variable is not this thread's copy\n", who);
        bad = 1;
    }
    return bad;
}

static void *thread(void *arg) { return (void *)(long)check("thread", 2, 3, 50, 100); }

int test_tls(void) {
    pthread_t th;
    void *ret;
    int bad = check("main", 0, 1, 20, 40);
    if (pthread_create(&th, 0, thread, 0) != 0 || pthread_join(th, &ret) != 0) {
        printf("thread failed\n");
        return 1;
    }
    bad |= ret != 0;
    printf("main thread's copies after the thread ran: %d and %d\n", main_var, side_get());
    for (int i = 0; i < 4; i++)
        for (int j = i + 1; j < 4; j++)
            if (tls_bases[i] == tls_bases[j] || tls_bases[i] == 0) {
                printf("thread-local blocks %d and %d are the same\n", i, j);
                bad = 1;
            }
    printf("%s\n", bad ? "FAILED" : "thread-local data is per thread and per module");
    return bad;
}
