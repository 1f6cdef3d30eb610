/*
 * dlbench MODE COUNT - what the dynamic-linking benchmarks time.
 *   start:   call each of the three libraries' functions once (start-up);
 *   direct:  COUNT calls of b1_work, imported directly;
 *   pointer: COUNT calls of b1_work through a pointer from one dlsym;
 *   dlsym:   COUNT times dlsym(RTLD_DEFAULT, "b1_work") and a call.
 * Built as a -pie main needing libb1.so, libb2.so and libb3.so, and as a
 * static program from the same sources (start and direct only).
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

extern int b1_work(int), b2_work(int), b3_work(int);

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "start";
    long count = argc > 2 ? atol(argv[2]) : 1;
    volatile int acc = 0;
    if (strcmp(mode, "start") == 0) {
        acc = b1_work(1) + b2_work(2) + b3_work(3);
        return acc == 1 + 1 + 10 + 2 + 2 + 20 + 3 + 3 + 30 ? 0 : 1;
    }
    if (strcmp(mode, "direct") == 0) {
        for (long i = 0; i < count; i++)
            acc += b1_work((int)i);
        return 0;
    }
    if (strcmp(mode, "pointer") == 0) {
        int (*f)(int) = (int (*)(int))dlsym(RTLD_DEFAULT, "b1_work");
        if (!f)
            return 2;
        for (long i = 0; i < count; i++)
            acc += f((int)i);
        return 0;
    }
    if (strcmp(mode, "dlsym") == 0) {
        for (long i = 0; i < count; i++) {
            int (*f)(int) = (int (*)(int))dlsym(RTLD_DEFAULT, "b1_work");
            if (!f)
                return 2;
            acc += f((int)i);
        }
        return 0;
    }
    return 3;
}
