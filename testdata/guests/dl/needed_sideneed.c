/* libneedsideneed.so: needed by libneedside.so, found through its rpath. */
#include <stdio.h>

extern int main_exported(void);

int (*side_needed_main_ptr)(void) = main_exported;

int side_needed_func(int x) {
    int (*self)(int) = side_needed_func;
    if (self != side_needed_func) {
        printf("side_needed_func: pointer to itself differs\n");
        return -1;
    }
    if (side_needed_main_ptr() != 85) {
        printf("side_needed_func: main_exported gave %d\n", side_needed_main_ptr());
        return -1;
    }
    return x + 4;
}
