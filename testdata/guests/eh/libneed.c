/*
 * libneed.so: a side module the main program needs at start (its
 * dylink.0 "needed" list), found through rpath $ORIGIN.
 */
#include <setjmp.h>

int need_counter;                       /* set by the constructor */
static int table[4] = {3, 1, 4, 1};     /* static data */

__attribute__((constructor)) static void need_init(void) { need_counter += 7; }

int need_twice(int x) { return 2 * x; }

int (*need_fp)(int) = need_twice;       /* a function pointer in data, relocated */

int need_sum(void) { return table[0] + table[1] + table[2] + table[3]; }

/* Calls a function pointer the main program passes: a call back into it. */
int need_apply(int (*f)(int), int x) { return f(x) + 1; }

/* setjmp here, longjmp from the main program (through f): the exception
   crosses modules, so both must share the __c_longjmp tag. */
int need_catch(void (*f)(jmp_buf *)) {
    jmp_buf jb;
    int v = setjmp(jb);
    if (v == 0) {
        f(&jb);
        return -1;
    }
    return v;
}
