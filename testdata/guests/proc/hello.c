/* hello - the start-up benchmark's program (scripts/bench_start.sh). */
#include <stdio.h>

int main(void) {
    puts("hello, world");
    return 0;
}
