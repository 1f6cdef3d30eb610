/*
 * needed - Wasmer's tests/wasix/dl-needed: a main that needs a library
 * at start (libneedmain.so) and, with a second thread alive, dlopens
 * libneedside.so, which needs libneedsideneed.so through its own rpath
 * ($ORIGIN is the library's directory). Both side libraries keep in
 * their data a pointer to a function of the main program (a GOT.func
 * import resolved while the other library is being loaded) and compare a
 * pointer to their own function.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

extern int main_needed_func(int);

int main_exported(void) { return 85; }

static volatile int stop;

static void *idle(void *arg) {
    while (!stop)
        usleep(1000);
    return arg;
}

int test_needed(void) {
    pthread_t th;
    if (pthread_create(&th, 0, idle, 0) != 0) {
        printf("pthread_create failed\n");
        return 1;
    }
    printf("main_needed_func(42) = %d\n", main_needed_func(42));
    void *h = dlopen("./libneedside.so", RTLD_NOW | RTLD_GLOBAL);
    if (!h) {
        printf("dlopen: %s\n", dlerror());
        return 1;
    }
    int (*side)(int) = (int (*)(int))dlsym(h, "side_func");
    if (!side) {
        printf("dlsym: %s\n", dlerror());
        return 1;
    }
    printf("side_func(42) = %d\n", side(42));
    int (**pp)(void) = (int (**)(void))dlsym(h, "side_main_ptr");
    int (*mine)(void) = main_exported;
    printf("main_exported has one address in every module: %s\n", pp && *pp == mine ? "yes" : "no");
    printf("dlclose = %d\n", dlclose(h));
    stop = 1;
    pthread_join(th, 0);
    printf("All tests passed successfully!\n");
    return 0;
}
