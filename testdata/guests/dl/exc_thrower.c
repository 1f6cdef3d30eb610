/* libthrower.so: throws, passes a throw through, longjmps. */
#include <setjmp.h>
#include <stdio.h>
#include "exc.h"

void lib_throw(void *arg) { CXX_THROW("thrown by libthrower"); }

/* Calls fn (a throwing function of the main program): the exception goes
 * through this frame. */
void lib_proxy(void *fn) {
    ((void (*)(void *))fn)(0);
    printf("lib_proxy: fn returned\n");
}

void lib_longjmp(jmp_buf *jb, int v) { longjmp(*jb, v); }
