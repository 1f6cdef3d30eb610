/* libneedside.so: dlopened by needed.wasm; needs libneedsideneed.so. */
#include <stdio.h>

extern int side_needed_func(int);
extern int main_exported(void);

int (*side_main_ptr)(void) = main_exported;

int side_func(int x) {
    int (*self)(int) = side_func;
    if (self != side_func) {
        printf("side_func: pointer to itself differs\n");
        return -1;
    }
    if (side_main_ptr() != 85) {
        printf("side_func: main_exported through the data pointer gave %d\n", side_main_ptr());
        return -1;
    }
    return side_needed_func(x) * 2;
}
