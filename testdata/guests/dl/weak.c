/*
 * weak - Wasmer's weak-symbol-defined, weak-symbol-undefined and
 * extern-variable, across modules: a weak function defined nowhere is a
 * null pointer; a weak function and a variable the main program declares
 * are found in a library it needs.
 */
#include <stdio.h>

__attribute__((weak)) extern int missing_func(void);
__attribute__((weak)) extern int other_func(void);
extern int erryes;

int test_weak(void) {
    if (!missing_func)
        printf("missing_func is not defined, but the program still linked\n");
    else
        printf("missing_func is defined?\n");
    if (other_func)
        printf("other_func returned %i\n", other_func());
    else
        printf("other_func is not defined\n");
    printf("error number: %i\n", erryes);
    return 0;
}
