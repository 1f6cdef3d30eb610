/*
 * dup - Wasmer's duplicate-dynamic-lib: two libraries of the same file
 * name in two directories (a/libdup.so, b/libdup.so) are two libraries;
 * so is "./libdup.so" opened from each of the two directories.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <unistd.h>

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
    if (chdir("a") != 0)
        return 1;
    show("./libdup.so", "./libdup.so in a");
    if (chdir("../b") != 0)
        return 1;
    show("./libdup.so", "./libdup.so in b");
    return 0;
}
