// p1_dwarf traps in a function of its own, built with DWARF (-g) so that a
// runtime reading debug info can name this file and line in the trap's
// stack (host TestDebugInfo).
#include <stdio.h>

__attribute__((noinline)) static void crash(volatile int *p) {
  *p = 1;
  __builtin_trap();
}

int main(void) {
  static int x;
  puts("about to trap");
  crash(&x);
  return 0;
}
