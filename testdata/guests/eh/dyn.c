/*
 * dyn - a -pie main linked against libneed.so (loaded at start) that
 * dlopens libplug.so (which needs libdep.so) and checks what a program
 * sees of dynamic linking: constructors and static data of side modules,
 * function pointers both ways, dlsym of functions and data, the same
 * library opened twice, dlerror for a missing library or symbol, and a
 * signal handler.
 */
#include <dlfcn.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include "../c/check.h"

extern int need_counter;
extern int need_twice(int);
extern int (*need_fp)(int);
extern int need_sum(void);
extern int need_apply(int (*)(int), int);
extern int need_catch(void (*)(jmp_buf *));

static void jump_back(jmp_buf *jb) { longjmp(*jb, 33); }

static int main_square(int x) { return x * x; }

static volatile sig_atomic_t caught;
static void on_usr1(int sig) { caught = sig; }

int main(void) {
    expect(need_counter == 7, "constructor of a needed library ran once", "need_counter %d", need_counter);
    expect(need_twice(21) == 42, "call into a needed library", "got %d", need_twice(21));
    expect(need_sum() == 9, "static data of a needed library", "sum %d", need_sum());
    int (*f)(int) = need_twice;
    expect(f(5) == 10, "side module function through a function pointer of the main", "got %d", f(5));
    expect(need_fp != 0 && need_fp(3) == 6, "relocated function pointer in a library's data", "");
    expect(need_apply(main_square, 4) == 17, "library calls the main program through a pointer", "got %d",
           need_apply(main_square, 4));

    expect(need_catch(jump_back) == 33, "longjmp from the main program to a setjmp in a library", "");

    /* libc registers its handler export (__wasm_signal) by name: in a
       -pie program the runtime finds it among the hidden exports. */
    signal(SIGUSR1, on_usr1);
    raise(SIGUSR1);
    expect(caught == SIGUSR1, "a signal handler runs in a -pie program", "caught %d", (int)caught);

    void *h = dlopen("libplug.so", RTLD_NOW);
    if (!expect(h != 0, "dlopen a library that needs another", "%s", dlerror()))
        return check_done();
    void *h2 = dlopen("libplug.so", RTLD_NOW);
    expect(h2 == h, "the same library opened twice gives the same handle", "%x vs %x", (unsigned)(long)h,
           (unsigned)(long)h2);
    int (*pv)(int) = (int (*)(int))dlsym(h, "plug_value");
    expect(pv != 0 && pv(1) == 202, "dlsym a function and call it (through the needed libdep)", "");
    int *ready = (int *)dlsym(h, "plug_ready");
    expect(ready != 0 && *ready == 42, "dlsym data set by the library's constructor", "");
    int *nested = (int *)dlsym(h, "plug_nested");
    expect(nested != 0 && *nested == 1, "a library's constructor may dlopen", "");
    const char *(*pm)(int) = (const char *(*)(int))dlsym(h, "plug_message");
    expect(pm != 0 && strcmp(pm(2), "plug two 3") == 0, "library calls the main program's libc", "%s",
           pm ? pm(2) : "(null)");
    int *base = (int *)dlsym(h, "dep_base");
    expect(base != 0 && *base == 100, "dlsym finds a symbol of a library the handle needs", "");

    void *none = dlsym(h, "no_such_symbol");
    const char *err = dlerror();
    expect(none == 0 && err != 0 && strstr(err, "no_such_symbol") != 0, "a missing symbol is a dlerror", "%s",
           err ? err : "(no error)");
    void *nolib = dlopen("libnothere.so", RTLD_NOW);
    err = dlerror();
    expect(nolib == 0 && err != 0 && strstr(err, "libnothere.so") != 0, "a missing library is a dlerror", "%s",
           err ? err : "(no error)");
    expect(dlsym(RTLD_DEFAULT, "plug_value") == 0, "RTLD_LOCAL keeps symbols out of the global scope", "");
    dlerror();
    void *g = dlsym(RTLD_DEFAULT, "need_twice");
    expect(g != 0 && ((int (*)(int))g)(8) == 16, "dlsym(RTLD_DEFAULT) finds a needed library's function", "");
    expect(dlclose(h) == 0, "dlclose", "");
    return check_done();
}
