/*
 * scope - which symbols a lookup sees: RTLD_LOCAL keeps a library's
 * symbols out of the global scope (dlsym(RTLD_DEFAULT) and later
 * libraries do not see them), RTLD_NOLOAD|RTLD_GLOBAL promotes a loaded
 * library, dlopen(NULL) is the main program, and a function has one
 * address whichever module takes it.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

int main_only(void) { return 5; }

static const char *err(void) {
    const char *e = dlerror();
    return e ? (strstr(e, "local_value") ? "names local_value" : e) : "(none)";
}

int test_scope(void) {
    void *loc = dlopen("./libscopelocal.so", RTLD_NOW | RTLD_LOCAL);
    if (!loc) {
        printf("dlopen libscopelocal: %s\n", dlerror());
        return 1;
    }
    void *lv = dlsym(loc, "local_value");
    printf("dlsym(local handle) %s\n", lv ? "found" : "missing");
    printf("dlsym(RTLD_DEFAULT) of a RTLD_LOCAL symbol: %s\n", dlsym(RTLD_DEFAULT, "local_value") ? "found" : "not found");
    dlerror();
    void *user = dlopen("./libscopeuser.so", RTLD_NOW);
    printf("dlopen of a library needing it: %s\n", user ? "loaded" : "failed");
    if (!user)
        printf("dlerror %s\n", err());
    void *again = dlopen("./libscopelocal.so", RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL);
    printf("RTLD_NOLOAD|RTLD_GLOBAL gives the same handle: %s\n", again == loc ? "yes" : "no");
    printf("dlsym(RTLD_DEFAULT) now: %s\n", dlsym(RTLD_DEFAULT, "local_value") ? "found" : "not found");
    user = dlopen("./libscopeuser.so", RTLD_NOW);
    if (!user) {
        printf("dlopen libscopeuser: %s\n", dlerror());
        return 1;
    }
    int (*uv)(void) = (int (*)(void))dlsym(user, "user_value");
    void *(*up)(void) = (void *(*)(void))dlsym(user, "user_pointer");
    printf("user_value() = %d\n", uv());
    void *(*self_ptr)(void) = (void *(*)(void))dlsym(loc, "local_self");
    printf("one address for local_value: %s\n",
           up() == lv && dlsym(RTLD_DEFAULT, "local_value") == lv && self_ptr() == lv ? "yes" : "no");
    void *self = dlopen(0, RTLD_NOW);
    int (*mo)(void) = (int (*)(void))dlsym(self, "main_only");
    printf("dlopen(NULL): main_only %s\n", mo == main_only ? "is the main's" : "differs");
    printf("dlsym(NULL handle) of a global library's symbol: %s\n", dlsym(self, "local_value") == lv ? "found" : "not found");
    printf("dlsym of a missing symbol: %s\n", dlsym(loc, "no_such_symbol") ? "found" : "not found");
    const char *e = dlerror();
    printf("dlerror names it: %s\n", e && strstr(e, "no_such_symbol") ? "yes" : "no");
    printf("dlerror after reading: %s\n", dlerror() ? "set" : "cleared");
    void *nope = dlopen("./libnonexistent.so", RTLD_NOW);
    e = dlerror();
    printf("missing library: %s, dlerror names it: %s\n", nope ? "loaded" : "failed",
           e && strstr(e, "libnonexistent.so") ? "yes" : "no");
    return 0;
}
