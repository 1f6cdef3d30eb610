/*
 * wasix_fd.c - current-generation WASIX: wasi-libc (preview1) plus
 * wasix_32v1 imports for fd_dup, fd_dup2, fd_event, fd_pipe,
 * fd_fdflags_get/set, path_open2, chdir/getcwd, clock_time_set,
 * tty_get/tty_set, proc_id, proc_parent, thread_id, thread_parallelism.
 *
 * Usage: wasix_fd.wasm [DIR]
 *   DIR (default /tmp) is a writable directory inside a preopen; the program
 *   makes DIR/wasixfd-XXXXXXXX and removes it at the end.
 *   It must be the first program of its runtime (proc_id 1), and stdin must
 *   not be a terminal (tty_get must say stdin_tty false).
 * Exit status: 0 when every check passed, 1 otherwise.
 *
 * Choices the runtime must agree with (see README.md):
 *   - getcwd into a too-small buffer fails with EOVERFLOW (the seed's docs)
 *     or ERANGE (what Wasmer and wasix-libc use today); either passes. The
 *     needed size written back is the path length, with or without the NUL.
 *   - fd_dup2 is F_DUPFD(_CLOEXEC): the lowest free fd >= min_result_fd.
 *   - fd_pipe is one-way: the first fd reads, the second writes; reading
 *     the write end or writing the read end fails (any errno).
 *   - proc_parent of an unknown pid fails with ESRCH or EBADF (Wasmer).
 *   - a write to a pipe without reader gives EPIPE and raises SIGPIPE,
 *     caught by a handler registered with callback_signal (checked last).
 *   - fd_event semaphore mode is Linux's EFD_SEMAPHORE: each read gives 1
 *     and takes 1 off the counter.
 *   - clock_time_set is refused with EPERM unless the embedder allows it.
 */
#include "p1util.h"
#include "wasix.h"

static __wasi_fd_t wd;
static char base[256];
static char workname[32];

static uint64_t mono(void) {
    __wasi_timestamp_t t = 0;
    (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
    return t;
}

static unsigned read_some(uint32_t fd, char *buf, unsigned n, __wasi_errno_t *e) {
    __wasi_iovec_t iov = {(uint8_t *)buf, n};
    __wasi_size_t got = 0;
    *e = __wasi_fd_read(fd, &iov, 1, &got);
    buf[*e ? 0 : got] = 0;
    return got;
}

static __wasi_errno_t write_u64(uint32_t fd, uint64_t v) {
    __wasi_ciovec_t iov = {(const uint8_t *)&v, 8};
    __wasi_size_t n = 0;
    __wasi_errno_t e = __wasi_fd_write(fd, &iov, 1, &n);
    return e ? e : n == 8 ? 0 : __WASI_ERRNO_IO;
}

static uint64_t read_u64(uint32_t fd, __wasi_errno_t *e) {
    uint64_t v = 0;
    __wasi_iovec_t iov = {(uint8_t *)&v, 8};
    __wasi_size_t n = 0;
    *e = __wasi_fd_read(fd, &iov, 1, &n);
    if (*e == 0 && n != 8)
        *e = __WASI_ERRNO_IO;
    return v;
}

/* readable polls fd for reading with a timeout; 1 ready, 0 timed out, -1 error */
static int readable(uint32_t fd, uint64_t timeout_ns) {
    __wasi_subscription_t in[2];
    memset(in, 0, sizeof(in));
    in[0].userdata = 1;
    in[0].u.tag = __WASI_EVENTTYPE_FD_READ;
    in[0].u.u.fd_read.file_descriptor = fd;
    in[1].userdata = 2;
    in[1].u.tag = __WASI_EVENTTYPE_CLOCK;
    in[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    in[1].u.u.clock.timeout = timeout_ns;
    __wasi_event_t out[2];
    __wasi_size_t n = 0;
    if (__wasi_poll_oneoff(in, out, 2, &n) != 0)
        return -1;
    for (unsigned i = 0; i < n; i++)
        if (out[i].userdata == 1 && out[i].error == 0)
            return 1;
    return 0;
}

/* ------------------------------------------------------------ identity */

static void test_ids(void) {
    uint32_t pid = 0, parent = 0, tid = 0, tid2 = 0, par = 0;
    int32_t e = wasix_proc_id(&pid);
    expect(e == 0 && pid == 1, "proc_id of the first program is 1", "errno %E pid %u", (unsigned)e, pid);
    e = wasix_proc_parent(pid, &parent);
    expect(e == 0 && parent != pid, "proc_parent of itself names another process", "errno %E parent %u",
           (unsigned)e, parent);
    note("proc_id %u, proc_parent %u", pid, parent);
    e = wasix_proc_parent(99999, &parent);
    expect_errno2((unsigned)e, __WASI_ERRNO_SRCH, __WASI_ERRNO_BADF, "proc_parent of an unknown pid fails");
    e = wasix_thread_id(&tid);
    int32_t e2 = wasix_thread_id(&tid2);
    expect(e == 0 && e2 == 0 && tid == tid2, "thread_id of the main thread is stable", "errno %E/%E tid %u/%u",
           (unsigned)e, (unsigned)e2, tid, tid2);
    note("main thread_id %u", tid);
    e = wasix_thread_parallelism(&par);
    expect(e == 0 && par >= 1, "thread_parallelism is at least 1", "errno %E n %u", (unsigned)e, par);
    __wasi_timestamp_t now = 0;
    (void)__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &now);
    e = wasix_clock_time_set(__WASI_CLOCKID_REALTIME, (int64_t)now);
    expect_errno((unsigned)e, __WASI_ERRNO_PERM, "clock_time_set gives EPERM by default");
}

/* ----------------------------------------------------------------- tty */

static void test_tty(void) {
    struct wasix_tty t, t2, orig;
    memset(&t, 0xEE, sizeof(t));
    int32_t e = wasix_tty_get(&t);
    expect(e == 0 && t.cols > 0 && t.rows > 0 && t.cols < 100000 && t.rows < 100000,
           "tty_get without a terminal gives sane cols and rows", "errno %E cols %u rows %u", (unsigned)e, t.cols,
           t.rows);
    expect(e == 0 && t.stdin_tty == 0, "tty_get says stdin is not a terminal", "stdin_tty %u", t.stdin_tty);
    note("tty: %ux%u stdin %u stdout %u stderr %u echo %u line_buffered %u", t.cols, t.rows, t.stdin_tty,
         t.stdout_tty, t.stderr_tty, t.echo, t.line_buffered);
    if (e)
        return;
    orig = t;
    t.cols = 100;
    t.rows = 40;
    t.echo = 0;
    e = wasix_tty_set(&t);
    memset(&t2, 0, sizeof(t2));
    int32_t e2 = wasix_tty_get(&t2);
    expect(e == 0 && e2 == 0 && t2.cols == 100 && t2.rows == 40 && t2.echo == 0,
           "tty_set then tty_get returns what was set", "errno %E/%E cols %u rows %u echo %u", (unsigned)e,
           (unsigned)e2, t2.cols, t2.rows, t2.echo);
    expect_ok((unsigned)wasix_tty_set(&orig), "tty_set restores the original state");
}

/* ------------------------------------------------------- chdir, getcwd */

static int getcwd_str(char *buf, uint32_t cap, int32_t *err) {
    uint32_t len = cap;
    memset(buf, 0, cap);
    *err = wasix_getcwd(buf, &len);
    if (*err)
        return -1;
    if (len < cap)
        buf[len] = 0;
    buf[cap - 1] = 0;
    return (int)len;
}

static void test_cwd(void) {
    char cwd[512], want[512];
    int32_t e;
    int len = getcwd_str(cwd, sizeof(cwd), &e);
    expect(e == 0 && len > 0 && cwd[0] == '/', "getcwd gives an absolute path", "errno %E len %d '%s'",
           (unsigned)e, len, cwd);
    note("initial cwd '%s'", cwd);
    char orig[512];
    strcpy(orig, cwd);

    int32_t ce = wasix_chdir(base, strlen(base));
    len = getcwd_str(cwd, sizeof(cwd), &e);
    expect(ce == 0 && e == 0 && strcmp(cwd, base) == 0, "chdir to an absolute path, getcwd returns it",
           "chdir errno %E, getcwd errno %E cwd '%s'", (unsigned)ce, (unsigned)e, cwd);
    e = wasix_chdir(workname, strlen(workname));
    expect_ok((unsigned)e, "chdir to a relative path");
    strcpy(want, base);
    strcat(want, "/");
    strcat(want, workname);
    len = getcwd_str(cwd, sizeof(cwd), &e);
    expect(e == 0 && strcmp(cwd, want) == 0, "a relative chdir resolves against the current directory",
           "errno %E cwd '%s', want '%s'", (unsigned)e, cwd, want);

    /* too small: EOVERFLOW (seed docs) or ERANGE (Wasmer), with the size */
    char small[4] = {0};
    uint32_t slen = sizeof(small);
    e = wasix_getcwd(small, &slen);
    uint32_t need = strlen(want);
    expect(e == __WASI_ERRNO_OVERFLOW || e == __WASI_ERRNO_RANGE, "getcwd into a too-small buffer fails",
           "errno %E", (unsigned)e);
    expect(slen == need || slen == need + 1, "getcwd into a too-small buffer writes back the size needed",
           "size %u, path length %u", slen, need);
    note("getcwd too small: errno %E, size %u for a %u-byte path", (unsigned)e, slen, need);
    /* a buffer of the reported size (+1 for the NUL) then works */
    uint32_t blen = slen + 1;
    char exact[512];
    memset(exact, 0, sizeof(exact));
    e = wasix_getcwd(exact, &blen);
    expect(e == 0 && memcmp(exact, want, need) == 0, "getcwd into a buffer of the reported size works",
           "errno %E '%s'", (unsigned)e, exact);

    (void)put_file(wd, "plain", "x");
    e = wasix_chdir("plain", 5);
    expect_errno((unsigned)e, __WASI_ERRNO_NOTDIR, "chdir to a file gives ENOTDIR");
    e = wasix_chdir("missing-dir", 11);
    expect_errno((unsigned)e, __WASI_ERRNO_NOENT, "chdir to a missing directory gives ENOENT");
    len = getcwd_str(cwd, sizeof(cwd), &e);
    expect(e == 0 && strcmp(cwd, want) == 0, "failed chdir calls leave the cwd alone", "cwd '%s'", cwd);
    (void)__wasi_path_create_directory(wd, "sub");
    ce = wasix_chdir("sub/..", 6);
    len = getcwd_str(cwd, sizeof(cwd), &e);
    expect(ce == 0 && e == 0 && strcmp(cwd, want) == 0, "chdir sub/.. comes back and getcwd is normalized",
           "chdir errno %E, getcwd errno %E cwd '%s'", (unsigned)ce, (unsigned)e, cwd);
    ce = wasix_chdir("..", 2);
    len = getcwd_str(cwd, sizeof(cwd), &e);
    expect(ce == 0 && e == 0 && strcmp(cwd, base) == 0, "chdir .. goes to the parent",
           "chdir errno %E, getcwd errno %E cwd '%s'", (unsigned)ce, (unsigned)e, cwd);
    e = wasix_chdir(orig, strlen(orig));
    expect_ok((unsigned)e, "chdir back to the initial directory");
}

/* ------------------------------------------- dup, dup2, fdflags, open2 */

static void test_dup(void) {
    __wasi_fd_t fd;
    __wasi_errno_t e;
    (void)put_file(wd, "dup", "0123456789");
    if (!expect_ok(open_file(wd, "dup", 0, 0, &fd), "open a file to duplicate"))
        return;
    uint32_t fd2 = 0;
    int32_t r = wasix_fd_dup(fd, &fd2);
    expect(r == 0 && fd2 != (uint32_t)fd, "fd_dup gives a new fd", "errno %E fd %u", (unsigned)r, fd2);
    char a[8], b[8];
    read_some(fd, a, 3, &e);
    read_some(fd2, b, 3, &e);
    expect(strcmp(a, "012") == 0 && strcmp(b, "345") == 0, "fd_dup shares the file offset",
           "read '%s' then '%s'", a, b);
    __wasi_filesize_t pos = 0;
    (void)__wasi_fd_tell(fd, &pos);
    expect_u64(pos, 6, "the original fd sees the offset moved through the duplicate");
    expect_ok(__wasi_fd_close(fd), "close the original");
    read_some(fd2, b, 3, &e);
    expect(e == 0 && strcmp(b, "678") == 0, "the duplicate works after the original is closed",
           "errno %E read '%s'", e, b);
    r = wasix_fd_dup(1234, &fd2);
    expect_errno((unsigned)r, __WASI_ERRNO_BADF, "fd_dup of a closed fd gives EBADF");

    /* fd_dup2, current form: (fd, min_result_fd, cloexec) */
    uint32_t d1 = 0, d2 = 0;
    r = wasix_fd_dup2(fd2, 100, 1, &d1);
    expect(r == 0 && d1 >= 100, "fd_dup2 gives an fd at or above min_result_fd", "errno %E fd %u", (unsigned)r,
           d1);
    expect(d1 == 100, "fd_dup2 gives the lowest free fd at or above min_result_fd", "fd %u", d1);
    uint16_t fl = 0xFFFF;
    r = wasix_fd_fdflags_get(d1, &fl);
    expect(r == 0 && fl == WASIX_FDFLAGSEXT_CLOEXEC, "fd_dup2 with cloexec sets cloexec", "errno %E flags %u",
           (unsigned)r, fl);
    r = wasix_fd_dup2(fd2, 100, 0, &d2);
    expect(r == 0 && d2 >= 100 && d2 != d1, "fd_dup2 onto a taken min_result_fd picks another fd",
           "errno %E fd %u (first %u)", (unsigned)r, d2, d1);
    fl = 0xFFFF;
    r = wasix_fd_fdflags_get(d2, &fl);
    expect(r == 0 && fl == 0, "fd_dup2 without cloexec leaves it clear", "errno %E flags %u", (unsigned)r, fl);
    __wasi_filesize_t p1 = 0, p2 = 0;
    (void)__wasi_fd_seek(d1, 2, __WASI_WHENCE_SET, &p1);
    (void)__wasi_fd_tell(d2, &p2);
    expect_u64(p2, 2, "fd_dup2 copies share the file offset");
    r = wasix_fd_dup2(1234, 100, 0, &d2);
    expect_errno((unsigned)r, __WASI_ERRNO_BADF, "fd_dup2 of a closed fd gives EBADF");

    /* fd_fdflags_get / set */
    fl = 0xFFFF;
    r = wasix_fd_fdflags_get(fd2, &fl);
    expect(r == 0 && fl == 0, "fd_fdflags_get of a plain fd is 0", "errno %E flags %u", (unsigned)r, fl);
    r = wasix_fd_fdflags_set(fd2, WASIX_FDFLAGSEXT_CLOEXEC);
    fl = 0;
    int32_t r2 = wasix_fd_fdflags_get(fd2, &fl);
    expect(r == 0 && r2 == 0 && fl == WASIX_FDFLAGSEXT_CLOEXEC, "fd_fdflags_set cloexec sticks",
           "errno %E/%E flags %u", (unsigned)r, (unsigned)r2, fl);
    r = wasix_fd_fdflags_set(fd2, 0);
    fl = 0xFFFF;
    r2 = wasix_fd_fdflags_get(fd2, &fl);
    expect(r == 0 && r2 == 0 && fl == 0, "fd_fdflags_set 0 clears cloexec", "errno %E/%E flags %u", (unsigned)r,
           (unsigned)r2, fl);
    expect_errno((unsigned)wasix_fd_fdflags_get(1234, &fl), __WASI_ERRNO_BADF, "fd_fdflags_get of a closed fd gives EBADF");
    expect_errno((unsigned)wasix_fd_fdflags_set(1234, 0), __WASI_ERRNO_BADF, "fd_fdflags_set of a closed fd gives EBADF");
    (void)__wasi_fd_close(fd2);
    (void)__wasi_fd_close(d1);
    (void)__wasi_fd_close(d2);

    /* path_open2 with fdflagsext */
    __wasi_rights_t inh = inheriting_of(wd);
    uint32_t o1 = 0, o2 = 0;
    r = wasix_path_open2(wd, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "open2", 5, __WASI_OFLAGS_CREAT,
                         (int64_t)(RIGHTS_FILE & inh), (int64_t)inh, 0, WASIX_FDFLAGSEXT_CLOEXEC, &o1);
    fl = 0;
    r2 = wasix_fd_fdflags_get(o1, &fl);
    expect(r == 0 && r2 == 0 && fl == WASIX_FDFLAGSEXT_CLOEXEC, "path_open2 with cloexec opens with cloexec set",
           "errno %E/%E flags %u", (unsigned)r, (unsigned)r2, fl);
    e = write_str(o1, "via open2");
    char got[32];
    get_file(wd, "open2", got, sizeof(got));
    expect(e == 0 && strcmp(got, "via open2") == 0, "an fd from path_open2 reads and writes like any other",
           "errno %E content '%s'", e, got);
    r = wasix_path_open2(wd, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "open2", 5, 0, (int64_t)(RIGHTS_FILE & inh),
                         (int64_t)inh, __WASI_FDFLAGS_APPEND, 0, &o2);
    fl = 0xFFFF;
    r2 = wasix_fd_fdflags_get(o2, &fl);
    __wasi_fdstat_t fs;
    __wasi_errno_t e3 = __wasi_fd_fdstat_get(o2, &fs);
    expect(r == 0 && r2 == 0 && fl == 0 && e3 == 0 && (fs.fs_flags & __WASI_FDFLAGS_APPEND),
           "path_open2 without cloexec, with append", "errno %E/%E flags %u fdflags %u", (unsigned)r, (unsigned)r2,
           fl, fs.fs_flags);
    r = wasix_path_open2(wd, 0, "open2", 5, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, (int64_t)(RIGHTS_FILE & inh),
                         (int64_t)inh, 0, 0, &o2);
    expect_errno((unsigned)r, __WASI_ERRNO_EXIST, "path_open2 creat|excl on an existing file gives EEXIST");
    r = wasix_path_open2(1234, 0, "open2", 5, 0, (int64_t)RIGHTS_FILE, 0, 0, 0, &o2);
    expect_errno((unsigned)r, __WASI_ERRNO_BADF, "path_open2 relative to a closed fd gives EBADF");
    (void)__wasi_fd_close(o1);
}

/* ------------------------------------------------------------ fd_event */

static void test_event(void) {
    uint32_t efd = 0;
    __wasi_errno_t e;
    int32_t r = wasix_fd_event(0, 0, &efd);
    if (!expect_ok((unsigned)r, "fd_event creates a counter"))
        return;
    e = write_u64(efd, 3);
    __wasi_errno_t e2 = write_u64(efd, 4);
    expect(e == 0 && e2 == 0, "writing 8-byte values to an event fd works", "errno %E/%E", e, e2);
    expect(readable(efd, 1000000000ull) == 1, "an event fd with a non-zero counter polls readable", "it does not");
    uint64_t v = read_u64(efd, &e);
    expect(e == 0 && v == 7, "reading a counter event fd returns the sum of the writes", "errno %E value %U", e, v);
    expect(readable(efd, 50000000ull) == 0, "after the read the counter is zero and does not poll readable",
           "it polls readable");
    e = __wasi_fd_fdstat_set_flags(efd, __WASI_FDFLAGS_NONBLOCK);
    expect_ok(e, "fd_fdstat_set_flags nonblock on an event fd");
    v = read_u64(efd, &e);
    expect_errno(e, __WASI_ERRNO_AGAIN, "reading a zero counter without blocking gives EAGAIN");
    (void)__wasi_fd_close(efd);

    r = wasix_fd_event(5, 0, &efd);
    e = __WASI_ERRNO_AGAIN;
    v = 0;
    if (readable(efd, 1000000000ull) == 1)
        v = read_u64(efd, &e);
    expect(r == 0 && e == 0 && v == 5, "fd_event's initial value is read back", "errno %E/%E value %U",
           (unsigned)r, e, v);
    (void)__wasi_fd_close(efd);

    r = wasix_fd_event(3, WASIX_EVENTFD_SEMAPHORE, &efd);
    if (!expect_ok((unsigned)r, "fd_event creates a semaphore"))
        return;
    int ones = 0;
    for (int i = 0; i < 3; i++) {
        if (readable(efd, 1000000000ull) != 1)
            break; /* never block on a wrongly emptied semaphore */
        v = read_u64(efd, &e);
        if (e == 0 && v == 1)
            ones++;
    }
    expect(ones == 3, "a semaphore event fd of 3 reads 1 three times", "%d reads gave 1", ones);
    (void)__wasi_fd_fdstat_set_flags(efd, __WASI_FDFLAGS_NONBLOCK);
    int ready = readable(efd, 50000000ull);
    if (ready == 0) {
        v = read_u64(efd, &e);
        expect_errno(e, __WASI_ERRNO_AGAIN, "the exhausted semaphore gives EAGAIN without blocking");
    } else {
        fail("the exhausted semaphore gives EAGAIN without blocking", "it still polls readable (%d)", ready);
    }
    e = write_u64(efd, 2);
    v = 0;
    if (readable(efd, 1000000000ull) == 1)
        v = read_u64(efd, &e);
    else
        e = __WASI_ERRNO_AGAIN;
    expect(e == 0 && v == 1, "a write of 2 to the semaphore makes it readable by 1", "errno %E value %U", e, v);
    (void)__wasi_fd_close(efd);
}

/* ------------------------------------------------------------- fd_pipe */

static void test_pipe(void) {
    uint32_t rfd = 0, wfd = 0;
    __wasi_errno_t e;
    int32_t r = wasix_fd_pipe(&rfd, &wfd);
    if (!expect(r == 0 && rfd != wfd, "fd_pipe gives two fds", "errno %E fds %u %u", (unsigned)r, rfd, wfd))
        return;
    expect(readable(rfd, 50000000ull) == 0, "an empty pipe does not poll readable", "it does");
    e = write_str(wfd, "ping");
    char buf[32];
    unsigned n = 0;
    buf[0] = 0;
    if (readable(rfd, 1000000000ull) == 1) /* never block if the data went nowhere */
        n = read_some(rfd, buf, sizeof(buf) - 1, &e);
    else
        e = __WASI_ERRNO_AGAIN;
    expect(e == 0 && n == 4 && strcmp(buf, "ping") == 0, "data written to the second fd is read from the first",
           "errno %E read %u '%s'", e, n, buf);
    /* one-way: writing the read end fails; then reading the write end
     * fails too (and cannot block: had the write succeeded, data is there) */
    e = write_str(rfd, "back");
    expect_fail(e, "writing the read end of a pipe fails");
    note("write to the read end: errno %E", e);
    n = read_some(wfd, buf, sizeof(buf) - 1, &e);
    expect_fail(e, "reading the write end of a pipe fails");
    note("read from the write end: errno %E", e);
    __wasi_fdstat_t fs;
    if (__wasi_fd_fdstat_get(rfd, &fs) == 0)
        note("pipe read end: filetype %u", fs.fs_filetype);
    expect_ok(__wasi_fd_close(wfd), "close the write end");
    int ready = readable(rfd, 1000000000ull); /* end-of-file polls readable */
    n = 99;
    if (ready == 1)
        n = read_some(rfd, buf, sizeof(buf) - 1, &e);
    expect(ready == 1 && e == 0 && n == 0, "reading a pipe whose write end is closed gives EOF",
           "readable %d errno %E read %u", ready, e, n);
    (void)__wasi_fd_close(rfd);

}

/* SIGPIPE: today's WASIX (as the wasix-libc toolchain expects) raises it
 * on a write to a pipe without reader, besides failing with EPIPE; its
 * default action would end the program, so a handler is registered
 * first, through callback_signal, and must run once. */
static volatile int sigpipes;

__attribute__((export_name("wasix_fd_on_signal"))) void on_signal(int sig) {
    if (sig == 13)
        sigpipes++;
}

static void test_pipe_epipe(void) {
    uint32_t rfd = 0, wfd = 0;
    int32_t r = wasix_fd_pipe(&rfd, &wfd);
    if (!expect_ok((unsigned)r, "fd_pipe for the EPIPE check"))
        return;
    (void)__wasi_fd_close(rfd);
    static const char name[] = "wasix_fd_on_signal";
    wasix_callback_signal(name, sizeof(name) - 1);
    note("writing a pipe with no reader: EPIPE comes back, SIGPIPE goes to the handler");
    __wasi_errno_t e = write_str(wfd, "lost");
    expect_errno(e, __WASI_ERRNO_PIPE, "writing a pipe whose read end is closed gives EPIPE");
    expect(sigpipes == 1, "and raises SIGPIPE once", "%d", sigpipes);
    (void)__wasi_fd_close(wfd);
}

/* ---------------------------------------------- fd_renumber is dup2 */

/* Today's wasix-libc builds dup2 on fd_renumber and expects Wasmer's
 * answer: the source stays open, the target need not be, a preopen cannot
 * be replaced, and the target's close-on-exec is clear. */
static void test_renumber(void) {
    uint32_t rfd = 0, wfd = 0;
    if (!expect_ok((unsigned)wasix_fd_pipe(&rfd, &wfd), "fd_pipe for fd_renumber"))
        return;
    (void)wasix_fd_fdflags_set(rfd, WASIX_FDFLAGSEXT_CLOEXEC);
    __wasi_errno_t e = __wasi_fd_renumber(rfd, 150);
    __wasi_fdstat_t st;
    expect(e == 0 && __wasi_fd_fdstat_get(rfd, &st) == 0 && __wasi_fd_fdstat_get(150, &st) == 0,
           "fd_renumber onto a free number keeps the source open", "errno %E", e);
    uint16_t fl = 1;
    int32_t r = wasix_fd_fdflags_get(150, &fl);
    expect(r == 0 && fl == 0, "fd_renumber clears close-on-exec on the target", "errno %E flags %u", (unsigned)r, fl);
    (void)write_str(wfd, "dup");
    char buf[8] = {0};
    __wasi_iovec_t iov = {(uint8_t *)buf, 7};
    __wasi_size_t n = 0;
    e = readable(150, 1000000000ull) == 1 ? __wasi_fd_read(150, &iov, 1, &n) : __WASI_ERRNO_AGAIN;
    expect(e == 0 && n == 3 && strcmp(buf, "dup") == 0, "the target reads the source's pipe", "errno %E n %u", e, n);
    __wasi_prestat_t ps;
    if (__wasi_fd_prestat_get(3, &ps) == 0) {
        expect_errno(__wasi_fd_renumber(150, 3), __WASI_ERRNO_NOTSUP, "fd_renumber onto a preopen gives ENOTSUP");
        expect_ok(__wasi_fd_prestat_get(3, &ps), "the preopen stays");
    }
    (void)__wasi_fd_close(rfd);
    (void)__wasi_fd_close(wfd);
    (void)__wasi_fd_close(150);
}

int main(int argc, char **argv) {
    const char *b = argc > 1 ? argv[1] : "/tmp";
    if (strlen(b) >= sizeof(base) - 40)
        b = "/tmp";
    strcpy(base, b);
    __wasi_fd_t basefd;
    if (!expect_ok(open_dir(base, &basefd), "open the base directory"))
        return check_done();
    strcpy(workname, "wasixfd-");
    random_hex(workname + 8);
    expect_ok(__wasi_path_create_directory(basefd, workname), "make the work directory");
    if (!expect_ok(open_subdir(basefd, workname, &wd), "open the work directory"))
        return check_done();

    test_ids();
    test_tty();
    test_cwd();
    test_dup();
    test_event();
    test_pipe();
    test_renumber();

    (void)__wasi_fd_close(wd);
    remove_tree(basefd, workname, 0);
    test_pipe_epipe();
    return check_done();
}
