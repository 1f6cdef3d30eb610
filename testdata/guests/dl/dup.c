/*
 * dup - Wasmer's duplicate-dynamic-lib: two libraries of the same file
 * name in two directories (a/libdup.so, b/libdup.so) are two libraries.
 */
#include <dlfcn.h>
#include <stdio.h>

static void show(const char *path, const char *what) {
    void *h = dlopen(path, RTLD_NOW);
    if (!h) {
        printf("dlopen %s: %s\n", path, dlerror());
        return;
    }
    const char *(*name)(void) = (const char *(*)(void))dlsym(h, "module_name");
    if (!name) {
        printf("dlsym: %s\n", dlerror());
        return;
    }
    printf("Module %s returned: %s\n", what, name());
}

int test_dup(void) {
    show("./a/libdup.so", "A");
    show("./b/libdup.so", "B");
    return 0;
}
