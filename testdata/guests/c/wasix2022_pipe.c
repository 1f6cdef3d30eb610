/*
 * wasix2022_pipe.c - a program of the 2022 generation: bidirectional pipes.
 *
 * Usage: wasix2022_pipe.wasm   (no arguments, no mounts)
 * Exit status: 0 when every check passed, 1 otherwise.
 *
 * Every import comes from wasix_32v1, preview1 calls included, and the
 * program imports thread_spawn and proc_join with their 2022 core
 * signatures:
 *   thread_spawn (user_data:u64, stack_base:u64, stack_start:u64, reactor:bool) -> tid
 *                core (i64 i64 i64 i32 i32) -> i32
 *   proc_join    (pid:pointer<pid>) -> exitcode
 *                core (i32 i32) -> i32
 * which is what tells a runtime this is a 2022 program. Neither is called
 * (they sit behind a branch that never runs).
 *
 * In 2022, fd_pipe made a bidirectional pipe: what one end writes the
 * other end reads, both ways.
 *
 * Built twice: wasix2022_pipe.wasm exports its memory;
 * wasix2022_pipe_shm.wasm imports a shared env.memory (min 16 pages, max 256),
 * the way real WASIX binaries of the time did, so the runtime must provide it.
 */
#include "legacy.h"

WX(thread_spawn)
int32_t wx2022_thread_spawn(int64_t user_data, int64_t stack_base, int64_t stack_start, int32_t reactor,
                            uint32_t *tid);
WX(proc_join) int32_t wx2022_proc_join(uint32_t *pid, uint32_t *exitcode);

static int guest_main(int argc, char **argv) {
    if (legacy_never) {
        uint32_t tid = 0, pid = 0, code = 0;
        (void)wx2022_thread_spawn(0, 0, 0, 0, &tid);
        (void)wx2022_proc_join(&pid, &code);
    }
    uint32_t pid = 0;
    int32_t e = wx_proc_id(&pid);
    expect(e == 0 && pid >= 1, "proc_id through the 2022 module", "errno %E pid %u", (unsigned)e, pid);

    uint32_t a = 0, b = 0;
    e = wx_fd_pipe(&a, &b);
    if (!expect(e == 0 && a != b && a > 2 && b > 2, "fd_pipe gives two new fds", "errno %E fds %u %u",
                (unsigned)e, a, b))
        return check_done();

    char buf[64];
    int32_t e2;
    int n = wx_write_str(a, "from a", &e);
    int m = 0;
    e2 = 0;
    buf[0] = 0;
    if (wx_readable(b, 1000000000ull) == 1) /* never block if the data went nowhere */
        m = wx_read_str(b, buf, sizeof(buf), &e2);
    expect(e == 0 && n == 6 && e2 == 0 && m == 6 && check_streq(buf, "from a"),
           "the first end writes, the second reads", "errno %E/%E wrote %d read %d '%s'", (unsigned)e, (unsigned)e2,
           n, m, buf);
    n = wx_write_str(b, "from b", &e);
    /* guard against a one-way pipe: do not block reading a when nothing came */
    int ready = wx_readable(a, 1000000000ull);
    m = ready == 1 ? wx_read_str(a, buf, sizeof(buf), &e2) : 0;
    expect(e == 0 && n == 6 && ready == 1 && m == 6 && check_streq(buf, "from b"),
           "the second end writes, the first reads (2022 pipes are bidirectional)",
           "write errno %E wrote %d, readable %d, read %d '%s'", (unsigned)e, n, ready, m, buf);

    /* both directions at once keep their data apart */
    wx_write_str(a, "A1", &e);
    wx_write_str(b, "B1", &e2);
    char x[8], y[8];
    x[0] = y[0] = 0;
    if (wx_readable(b, 1000000000ull) == 1)
        wx_read_str(b, x, sizeof(x), &e);
    if (wx_readable(a, 1000000000ull) == 1)
        wx_read_str(a, y, sizeof(y), &e2);
    expect(check_streq(x, "A1") && check_streq(y, "B1"), "the two directions do not mix",
           "b read '%s', a read '%s'", x, y);

    /* closing one end is end-of-file for the other */
    expect_ok((unsigned)wx_fd_close(a), "close the first end");
    ready = wx_readable(b, 1000000000ull);
    m = ready == 1 ? wx_read_str(b, buf, sizeof(buf), &e) : -1;
    expect(ready == 1 && m == 0 && e == 0, "after one end is closed the other reads end-of-file",
           "readable %d read %d errno %E", ready, m, (unsigned)e);
    expect_ok((unsigned)wx_fd_close(b), "close the second end");
    return check_done();
}
