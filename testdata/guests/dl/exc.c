/*
 * exc - Wasmer's exception tests across modules (exceptions-across-
 * modules: static or shared thrower times static or shared catcher,
 * catch-all in a shared library, a throw passing through a shared
 * library's frames), with the wasm C++ exception tag (__cpp_exception)
 * thrown and caught as clang's C++ code does; and longjmp from a library
 * to a setjmp in the main program.
 */
#include <setjmp.h>
#include <stdio.h>
#include "exc.h"

extern void lib_throw(void *);
extern void lib_proxy(void *);
extern const char *lib_catch(exc_fn fn, void *arg);
extern int lib_catch_all(void);
extern void lib_longjmp(jmp_buf *jb, int v);

static void main_throw(void *arg) { CXX_THROW("thrown by main"); }

static void via_proxy(void *arg) { lib_proxy((void *)main_throw); }

static void nothing(void *arg) {}

static void show(const char *what, int payload) {
    printf("%s: %s\n", what, payload ? (const char *)payload : "(nothing caught)");
}

int test_exc(void) {
    show("static thrower, static catcher", cxx_try(main_throw, 0));
    show("shared thrower, static catcher", cxx_try(lib_throw, 0));
    const char *m = lib_catch(main_throw, 0);
    printf("static thrower, shared catcher: %s\n", m ? m : "(nothing caught)");
    m = lib_catch(lib_throw, 0);
    printf("shared thrower, shared catcher: %s\n", m ? m : "(nothing caught)");
    printf("catch-all in a shared library: %d\n", lib_catch_all());
    show("static thrower via shared proxy, static catcher", cxx_try(via_proxy, 0));
    show("no throw", cxx_try(nothing, 0));
    jmp_buf jb;
    volatile int n = 0;
    int v = setjmp(jb);
    if (v == 0) {
        n++;
        lib_longjmp(&jb, 7);
        printf("lib_longjmp returned\n");
    }
    printf("longjmp from a library: setjmp returned %d after %d call\n", v, n);
    return 0;
}
