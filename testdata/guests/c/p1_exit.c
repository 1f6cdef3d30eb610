/*
 * p1_exit.c - proc_exit with the code given as argv[1].
 *
 * Usage: p1_exit.wasm CODE
 *   CODE is a decimal number (0..4294967295); missing or junk means 0.
 * Expected: exit status CODE. The program prints "# exiting with CODE" and
 * calls proc_exit straight away (no libc exit handlers, no stdio flush).
 * Codes above 255 are passed through unchanged by the guest; what a shell
 * or CLI shows for them (usually CODE & 255) is the runtime's business.
 */
#include "check.h"

int main(int argc, char **argv) {
    uint32_t code = 0;
    if (argc > 1) {
        for (const char *p = argv[1]; *p >= '0' && *p <= '9'; p++)
            code = code * 10 + (uint32_t)(*p - '0');
    }
    note("exiting with %u", code);
    __wasi_proc_exit(code);
}
