/*
 * cache - Wasmer's tests/wasix/dl-cache: two libraries that define the
 * same function name, both opened RTLD_GLOBAL: dlsym on each handle finds
 * that library's own function.
 */
#include <dlfcn.h>
#include <stdio.h>

int test_cache(void) {
    void *h1 = dlopen("./libcache1.so", RTLD_NOW | RTLD_GLOBAL);
    void *h2 = dlopen("./libcache2.so", RTLD_NOW | RTLD_GLOBAL);
    if (!h1 || !h2) {
        printf("dlopen: %s\n", dlerror());
        return 1;
    }
    int (*f1)(int) = (int (*)(int))dlsym(h1, "side_func");
    int (*f2)(int) = (int (*)(int))dlsym(h2, "side_func");
    int (*fd)(int) = (int (*)(int))dlsym(RTLD_DEFAULT, "side_func");
    if (!f1 || !f2) {
        printf("dlsym: %s\n", dlerror());
        return 1;
    }
    printf("libcache1 side_func(2) = %d\n", f1(2));
    printf("libcache2 side_func(2) = %d\n", f2(2));
    printf("pointers %s\n", f1 != f2 ? "differ" : "are the same");
    printf("RTLD_DEFAULT finds %s\n", fd == f1 ? "the first" : fd == f2 ? "the second" : "neither");
    dlclose(h1);
    dlclose(h2);
    return 0;
}
