/*
 * wasixseed_basic.c - a program of the seed generation: getcwd, chdir,
 * one-way fd_pipe, a non-blocking proc_join.
 *
 * Usage: wasixseed_basic.wasm [DIR]
 *   DIR (default /tmp) is an existing directory, an absolute guest path
 *   that is not "/" (e.g. a mount point).
 * Exit status: 0 when every check passed, 1 otherwise.
 *
 * Every import comes from wasix_32v1, preview1 calls included, and the
 * program imports thread_spawn and proc_join with the seed's core
 * signatures:
 *   thread_spawn (args:pointer<thread_start>) -> tid      core (i32 i32) -> i32
 *   proc_join    (pid:pointer<option_pid>, flags:join_flags) -> join_status
 *                                                          core (i32 i32 i32) -> i32
 * which is what tells a runtime this is a seed program (2022 differs in
 * both; current has no fd_write etc. in wasix_32v1). thread_spawn is never
 * called; proc_join is, with no pid and NON_BLOCKING, and no children.
 *
 * Seed semantics checked (from the seed's docs):
 *   - getcwd into a too-small buffer: EOVERFLOW, and path_len set to the
 *     size needed (the path length, with or without the NUL);
 *   - fd_pipe is one-way here: the first fd reads, the second writes.
 */
#include "legacy.h"

WX(thread_spawn) int32_t wxseed_thread_spawn(const void *thread_start, uint32_t *tid);
WX(proc_join) int32_t wxseed_proc_join(void *option_pid, int32_t flags, void *join_status);

#define JOIN_FLAGS_NON_BLOCKING 1

static int cwd(char *buf, uint32_t cap, int32_t *e) {
    uint32_t len = cap;
    memset(buf, 0, cap);
    *e = wx_getcwd(buf, &len);
    if (*e)
        return -1;
    if (len < cap)
        buf[len] = 0;
    buf[cap - 1] = 0;
    return (int)len;
}

static int guest_main(int argc, char **argv) {
    if (legacy_never) {
        uint32_t tid = 0;
        (void)wxseed_thread_spawn(0, &tid);
    }
    const char *dir = argc > 1 ? argv[1] : "/tmp";
    char buf[512], want[512];
    int32_t e;

    /* proc_join: no children, non-blocking */
    struct {
        uint8_t tag;
        uint8_t pad[3];
        uint32_t pid;
    } opt = {0, {0, 0, 0}, 0};
    uint8_t status[8];
    memset(status, 0xEE, sizeof(status));
    e = wxseed_proc_join(&opt, JOIN_FLAGS_NON_BLOCKING, status);
    expect((e == 0 && status[0] == 0) || e == __WASI_ERRNO_CHILD,
           "proc_join (seed form) with no children says nothing or ECHILD", "errno %E status tag %u", (unsigned)e,
           status[0]);

    int n = cwd(buf, sizeof(buf), &e);
    expect(e == 0 && n > 0 && buf[0] == '/', "getcwd gives an absolute path", "errno %E '%s'", (unsigned)e, buf);
    note("initial cwd '%s'", buf);

    int32_t ce = wx_chdir(dir, check_strlen(dir));
    cwd(buf, sizeof(buf), &e);
    expect(ce == 0 && e == 0 && check_streq(buf, dir), "chdir to DIR, getcwd returns it",
           "chdir errno %E, getcwd errno %E cwd '%s' want '%s'", (unsigned)ce, (unsigned)e, buf, dir);

    /* the parent of DIR, as a string */
    wx_strcpy(want, dir);
    unsigned l = check_strlen(want);
    while (l > 1 && want[l - 1] != '/')
        l--;
    if (l > 1)
        l--; /* drop the slash unless it is the root */
    want[l] = 0;
    ce = wx_chdir("..", 2);
    cwd(buf, sizeof(buf), &e);
    expect(ce == 0 && e == 0 && check_streq(buf, want), "a relative chdir .. goes to the parent",
           "chdir errno %E, getcwd errno %E cwd '%s' want '%s'", (unsigned)ce, (unsigned)e, buf, want);
    e = wx_chdir(dir, check_strlen(dir));
    e = wx_chdir("/no-such-dir-here", 17);
    expect_errno((unsigned)e, __WASI_ERRNO_NOENT, "chdir to a missing directory gives ENOENT");
    cwd(buf, sizeof(buf), &e);
    expect(check_streq(buf, dir), "a failed chdir leaves the cwd alone", "cwd '%s'", buf);

    char small[2];
    uint32_t slen = sizeof(small);
    e = wx_getcwd(small, &slen);
    uint32_t need = check_strlen(dir);
    expect_errno((unsigned)e, __WASI_ERRNO_OVERFLOW, "getcwd into a too-small buffer gives EOVERFLOW");
    expect(slen == need || slen == need + 1, "getcwd into a too-small buffer writes back the size needed",
           "size %u, path length %u", slen, need);

    /* one-way pipe: first fd reads, second writes */
    uint32_t r = 0, w = 0;
    e = wx_fd_pipe(&r, &w);
    if (!expect(e == 0 && r != w, "fd_pipe gives two fds", "errno %E fds %u %u", (unsigned)e, r, w))
        return check_done();
    int32_t e2;
    int wrote = wx_write_str(w, "seed", &e);
    int got = 0;
    e2 = 0;
    buf[0] = 0;
    if (wx_readable(r, 1000000000ull) == 1) /* never block if the data went nowhere */
        got = wx_read_str(r, buf, sizeof(buf), &e2);
    expect(e == 0 && wrote == 4 && e2 == 0 && got == 4 && check_streq(buf, "seed"),
           "data written to the second fd is read from the first", "errno %E/%E wrote %d read %d '%s'", (unsigned)e,
           (unsigned)e2, wrote, got, buf);
    /* Writing the read end first: if that (wrongly) works, the read below
     * finds data and cannot block. */
    wx_write_str(r, "back", &e);
    expect_fail((unsigned)e, "writing the read end of a pipe fails");
    note("write to the read end: errno %E", (unsigned)e);
    wx_read_str(w, buf, sizeof(buf), &e);
    expect_fail((unsigned)e, "reading the write end of a pipe fails");
    note("read from the write end: errno %E", (unsigned)e);
    expect_ok((unsigned)wx_fd_close(w), "close the write end");
    int ready = wx_readable(r, 1000000000ull);
    got = ready == 1 ? wx_read_str(r, buf, sizeof(buf), &e) : -1;
    expect(ready == 1 && got == 0 && e == 0, "reading a pipe whose write end is closed gives EOF",
           "readable %d read %d errno %E", ready, got, (unsigned)e);
    (void)wx_fd_close(r);
    return check_done();
}
