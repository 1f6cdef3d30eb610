/*
 * simple - Wasmer's simple-dynamic-lib: dlopen a library by its bare
 * name (found in /lib), dlsym, call, dlclose.
 */
#include <dlfcn.h>
#include <stdio.h>

int test_simple(void) {
    void *h = dlopen("libsimple.so", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        printf("dlopen: %s\n", dlerror());
        return 1;
    }
    int (*get)(void) = (int (*)(void))dlsym(h, "get_value");
    if (!get) {
        printf("dlsym: %s\n", dlerror());
        return 1;
    }
    printf("The shared library returned: %i\n", get());
    return dlclose(h) == 0 ? 0 : 2;
}
