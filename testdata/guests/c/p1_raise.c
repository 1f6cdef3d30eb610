/*
 * p1_raise.c - proc_raise(SIGTERM) with no handler must end the program.
 *
 * Usage: p1_raise.wasm   (no arguments, no mounts)
 * Expected: the program is terminated by the signal. The host reports it as
 * "killed by SIGTERM": exit status 143 (128 + 15) in a shell or a CLI, or
 * the equivalent in an embedding API. Nothing after the raise may run, so
 * stdout ends with the "# raising SIGTERM" line.
 *
 * Why: preview1 has no way to install a signal handler, so the default
 * action applies, and the default action of SIGTERM is to terminate.
 * If proc_raise returns, the program prints a "not ok" line and exits 1;
 * if it returned success, that line says so too.
 *
 * proc_raise is no longer declared by wasi-libc's <wasi/api.h>, so it is
 * imported here by hand with its preview1 core signature (i32) -> i32.
 */
#include "check.h"

__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")))
int32_t p1_proc_raise(int32_t sig);

int main(void) {
    note("raising SIGTERM");
    int32_t e = p1_proc_raise(15);
    fail("proc_raise(SIGTERM) terminates the program", "it returned errno %E", (unsigned)e);
    return check_done();
}
