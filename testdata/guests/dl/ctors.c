/*
 * ctors - constructors and destructors across modules, after Wasmer's
 * dlclose-executes-destructors. dltest.wasm needs libctora.so, which
 * needs libctorb.so: constructors run deepest library first, then the
 * main program's. libdtor.so is dlopened (its constructor runs then) and
 * dlclosed. The words of the constructors that ran before main are kept
 * in a log; from then on each step writes its word at once, so the order
 * printed is the order things ran. Destructors run at exit.
 */
#include <dlfcn.h>
#include <string.h>
#include <unistd.h>

extern void a_say(const char *);
extern const char *a_said(void);
extern void a_say_directly(void);

__attribute__((constructor)) static void main_ctor(void) { a_say("main-ctor"); }
__attribute__((destructor)) static void main_dtor(void) { a_say("main-dtor"); }

int test_ctors(void) {
    const char *log = a_said();
    write(1, log, strlen(log));
    a_say_directly();
    a_say("main");
    void *h = dlopen("./libdtor.so", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        a_say(dlerror());
        return 1;
    }
    a_say(dlclose(h) == 0 ? "dlclosed" : "dlclose-failed");
    return 0;
}
