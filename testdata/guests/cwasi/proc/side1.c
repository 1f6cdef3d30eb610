/* libside1.so: after Wasmer's c-wasi-tests side1.c. It needs
 * libside2.so, exports data and a function, and keeps local_function
 * private. */
#include <stdio.h>

int data_export = 42;

extern int data_export2;
extern int func_export2(void);

__attribute__((constructor)) static void side1_ctor(void) { printf("side1 constructor\n"); }

static void local_function(int *i) { printf("local_function(%d)\n", *i); }

int func_export(void) {
  int x = 123;
  local_function(&x);
  int (*p)(void) = &func_export2;
  printf("func_export2() = %d, through a pointer %d, data_export2 = %d\n", func_export2(), p(), data_export2);
  return 234;
}
