/*
 * dlopen - Wasmer's tests/wasix/dlopen: dlopen a library by a path
 * relative to the working directory, dlsym and call a function of it,
 * dlclose it, and dlclose a handle that names nothing (an error with a
 * dlerror message). The printf at the end needs the main program's data
 * relocations.
 */
#include <dlfcn.h>
#include <stdio.h>

int test_dlopen(void) {
    void *h = dlopen("./libdlside.so", RTLD_NOW | RTLD_GLOBAL);
    if (!h) {
        printf("dlopen: %s\n", dlerror());
        return 1;
    }
    int (*twice)(int) = (int (*)(int))dlsym(h, "side_twice");
    if (!twice) {
        printf("dlsym: %s\n", dlerror());
        return 1;
    }
    printf("side_twice(42) = %d\n", twice(42));
    printf("dlclose(handle) = %d\n", dlclose(h));
    int bad = dlclose((void *)0xffffff);
    const char *msg = dlerror();
    printf("dlclose(bad handle) = %d, dlerror %s\n", bad, msg && *msg ? "set" : "empty");
    printf("dlerror again: %s\n", dlerror() ? "set" : "cleared");
    return 0;
}
