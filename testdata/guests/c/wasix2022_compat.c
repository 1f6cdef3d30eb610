/*
 * wasix2022_compat.c - what programs of the 2022 wasix-libc expected of
 * the runtime (2022 Wasmer's behaviour).
 *
 * Usage: wasix2022_compat.wasm             the checks, then an exec of
 *                                          the command "compat2022"
 *        wasix2022_compat.wasm child FD..  (after the exec) check that
 *                                          each FD was closed by it
 * Exit status: 0 when every check passed, 1 otherwise.
 *
 * Like the 2022 libc, it imports everything from wasix_32v1, and it
 * imports neither thread_spawn nor proc_join nor thread_id: only the lack
 * of any wasi_snapshot_preview1 import tells the runtime it is a 2022
 * program and not one of the seed's.
 */
#include "legacy.h"

WX(fd_dup) int32_t wx_fd_dup(int32_t fd, uint32_t *out);
WX(fd_event) int32_t wx_fd_event(uint64_t initial, int32_t flags, uint32_t *out);
WX(fd_renumber) int32_t wx_fd_renumber(int32_t from, int32_t to);
WX(fd_fdstat_get) int32_t wx_fd_fdstat_get(int32_t fd, void *out);
WX(fd_prestat_get) int32_t wx_fd_prestat_get(int32_t fd, void *out);
WX(callback_signal) void wx_callback_signal(const char *name, uint32_t len);
WX(thread_signal) int32_t wx_thread_signal(int32_t tid, int32_t sig);
WX(proc_exec) _Noreturn void wx_proc_exec(const char *name, uint32_t name_len, const char *args, uint32_t args_len);

#define ERRNO_AGAIN 6
#define FILETYPE_CHARACTER_DEVICE 2
#define SIGHUP 1

struct wx_fdstat {
    uint8_t filetype;
    uint16_t flags;
    uint64_t base, inheriting;
};

static volatile int got_signal;

__attribute__((export_name("on_signal"))) void on_signal(int32_t sig) { got_signal = sig; }

static int is_open(int32_t fd) {
    struct wx_fdstat st;
    return wx_fd_fdstat_get(fd, &st) == 0;
}

/* parse a small decimal number */
static int32_t num(const char *s) {
    int32_t n = 0;
    while (*s >= '0' && *s <= '9')
        n = n * 10 + (*s++ - '0');
    return n;
}

static void fmt_num(char *out, uint32_t n) {
    char tmp[12];
    int i = 0;
    do {
        tmp[i++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    while (i)
        *out++ = tmp[--i];
    *out = 0;
}

static int child(int argc, char **argv) {
    for (int i = 2; i < argc; i++) {
        int32_t fd = num(argv[i]);
        expect(!is_open(fd), "exec closed a descriptor that was not stdio or a preopen", "fd %d is open",
               (int)fd);
    }
    uint8_t pre[8];
    expect(wx_fd_prestat_get(3, pre) == 0, "exec kept the preopen", "fd 3 is no preopen");
    pass("the exec'd program writes to the same stdout");
    return check_done();
}

static void test_pipes(void) {
    uint32_t a = 0, b = 0, d = 0;
    int32_t e = wx_fd_pipe(&a, &b), e2;
    if (!expect(e == 0, "fd_pipe", "errno %E", (unsigned)e))
        return;
    e = wx_fd_dup((int32_t)b, &d);
    expect(e == 0, "fd_dup of the second end", "errno %E", (unsigned)e);
    char buf[16];
    buf[0] = 0;
    int n = wx_write_str((int32_t)a, "ping", &e);
    int m = wx_readable(d, 1000000000ull) == 1 ? wx_read_str((int32_t)d, buf, sizeof(buf), &e2) : 0;
    expect(e == 0 && n == 4 && m == 4 && check_streq(buf, "ping"),
           "the first end writes and a dup of the second reads", "write errno %E wrote %d, read %d '%s'",
           (unsigned)e, n, m, buf);
    wx_fd_close((int32_t)a);
    wx_fd_close((int32_t)b);
    wx_fd_close((int32_t)d);
}

static void test_signal(void) {
    wx_callback_signal("on_signal", 9);
    int32_t e = wx_thread_signal(0, SIGHUP);
    expect(e == 0 && got_signal == SIGHUP, "thread_signal(0) reaches the main thread's handler",
           "errno %E, handler saw %d", (unsigned)e, got_signal);
}

static void test_event(void) {
    uint32_t fd = 0;
    int32_t e = wx_fd_event(0, 4 /* the libc's EFD_NONBLOCK */, &fd);
    if (!expect(e == 0, "fd_event with EFD_NONBLOCK", "errno %E", (unsigned)e))
        return;
    uint64_t v = 0;
    struct wx_iovec iov = {&v, 8};
    uint32_t n = 0;
    e = wx_fd_read((int32_t)fd, &iov, 1, &n);
    expect(e == ERRNO_AGAIN, "reading an empty non-blocking event counter gives EAGAIN", "errno %E",
           (unsigned)e);
    wx_fd_close((int32_t)fd);
    e = wx_fd_event(1, 0x100, &fd);
    expect(e == 0, "fd_event ignores flag bits it does not know", "errno %E", (unsigned)e);
    if (e == 0)
        wx_fd_close((int32_t)fd);
}

static void test_stdio(void) {
    for (int32_t fd = 0; fd <= 2; fd++) {
        struct wx_fdstat st;
        int32_t e = wx_fd_fdstat_get(fd, &st);
        expect(e == 0 && st.filetype == FILETYPE_CHARACTER_DEVICE, "stdio is a character device",
               "fd %d errno %E filetype %u", (int)fd, (unsigned)e, st.filetype);
    }
}

static void test_renumber(void) {
    uint32_t a = 0, b = 0;
    if (wx_fd_pipe(&a, &b) != 0)
        return;
    int32_t e = wx_fd_renumber((int32_t)a, 200);
    expect(e == 0 && !is_open((int32_t)a) && is_open(200), "fd_renumber onto a free number moves the descriptor",
           "errno %E", (unsigned)e);
    e = wx_fd_renumber(200, (int32_t)b);
    expect(e == 0 && !is_open(200) && is_open((int32_t)b), "fd_renumber onto an open number moves the descriptor",
           "errno %E", (unsigned)e);
    wx_fd_close((int32_t)b);
}

static int guest_main(int argc, char **argv) {
    if (argc > 1 && check_streq(argv[1], "child"))
        return child(argc, argv);
    test_pipes();
    test_signal();
    test_event();
    test_stdio();
    test_renumber();

    /* Descriptors without close-on-exec (the 2022 libc never set it) that
     * exec must close anyway: a pipe's two ends. */
    uint32_t a = 0, b = 0;
    if (!expect(wx_fd_pipe(&a, &b) == 0, "fd_pipe for exec", "failed"))
        return check_done();
    static char args[64] = "compat2022\nchild\n";
    char *p = args + check_strlen(args);
    fmt_num(p, a);
    p += check_strlen(p);
    *p++ = '\n';
    fmt_num(p, b);
    note("exec with fds %u %u open", a, b);
    wx_proc_exec("compat2022", 10, args, check_strlen(args));
}
