/*
 * libneed.so: a side module the main program needs at start (its
 * dylink.0 "needed" list), found through rpath $ORIGIN.
 */
int need_counter;                       /* set by the constructor */
static int table[4] = {3, 1, 4, 1};     /* static data */

__attribute__((constructor)) static void need_init(void) { need_counter += 7; }

int need_twice(int x) { return 2 * x; }

int (*need_fp)(int) = need_twice;       /* a function pointer in data, relocated */

int need_sum(void) { return table[0] + table[1] + table[2] + table[3]; }

/* Calls a function pointer the main program passes: a call back into it. */
int need_apply(int (*f)(int), int x) { return f(x) + 1; }
