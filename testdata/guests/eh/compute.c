/*
 * compute ROUNDS - a compute-bound loop with no exceptions and no host
 * calls but the final print: the benchmark that shows enabling wasm
 * exception handling costs nothing to programs that do not use it.
 */
#include <stdint.h>
#include <stdlib.h>
#include "../c/check.h"

static uint32_t buf[4096];

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 100;
    uint32_t h = 2166136261u;
    for (int i = 0; i < 4096; i++)
        buf[i] = (uint32_t)i * 2654435761u;
    for (int r = 0; r < rounds; r++)
        for (int i = 0; i < 4096; i++) {
            h = (h ^ buf[i]) * 16777619u;
            buf[i] = h ^ (buf[(i + 1) & 4095] >> 3);
        }
    note("hash %x", h);
    return 0;
}
