/*
 * p1_misc.c - preview1 args, environ, clocks, random, sched_yield, poll_oneoff.
 *
 * Usage: p1_misc.wasm alpha "beta gamma" "" δ
 *   exactly these four arguments after argv[0] (the last one is the UTF-8
 *   bytes CE B4), with FOO=bar in the environment, and at least one
 *   writable preopened directory (a scratch file is made in the first one
 *   and removed again).
 * Exit status: 0 when every check passed, 1 otherwise.
 *
 * CPU-time clocks: the seed's clock_res_get says "For unsupported clocks,
 * return errno::inval", so for the process and thread CPU-time clocks this
 * program accepts either a working clock (non-zero resolution, time that
 * does not go backwards) or EINVAL from both calls, and nothing else.
 */
#include "p1util.h"

static const char *const want_args[] = {"alpha", "beta gamma", "", "\xce\xb4"};
#define WANT_ARGC 5

#define MS 1000000ull

static uint64_t mono(void) {
    __wasi_timestamp_t t = 0;
    if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t) != 0)
        return 0;
    return t;
}

static void test_args(void) {
    __wasi_size_t argc = 0, size = 0;
    __wasi_errno_t e = __wasi_args_sizes_get(&argc, &size);
    expect(e == 0 && argc == WANT_ARGC, "args_sizes_get counts the arguments", "errno %E argc %u, want %u", e,
           argc, WANT_ARGC);
    if (e || argc == 0 || argc > 64 || size > 4096) {
        fail("args_get", "cannot read the arguments (argc %u size %u)", argc, size);
        return;
    }
    static uint8_t *argv[65];
    static uint8_t buf[4097];
    memset(buf, 0x5A, sizeof(buf));
    e = __wasi_args_get(argv, buf);
    if (!expect_ok(e, "args_get"))
        return;
    /* Pointers are inside the buffer, strings are NUL-terminated and packed. */
    unsigned total = 0;
    int inside = 1;
    for (unsigned i = 0; i < argc; i++) {
        if (argv[i] < buf || argv[i] >= buf + size) {
            inside = 0;
            break;
        }
        total += strlen((char *)argv[i]) + 1;
    }
    expect(inside && total == size, "args_get strings fill exactly args_sizes_get's buffer size",
           "inside %d total %u size %u", inside, total, size);
    expect(buf[size] == 0x5A, "args_get writes nothing past the buffer size", "byte %x", buf[size]);
    if (!inside)
        return;
    note("argv[0] = '%s'", (char *)argv[0]);
    int same = argc == WANT_ARGC;
    for (unsigned i = 1; same && i < argc; i++)
        same = strcmp((char *)argv[i], want_args[i - 1]) == 0;
    expect(same, "args_get returns the arguments given, empty and UTF-8 ones included",
           "argc %u, argv[1] '%s'", argc, argc > 1 ? (char *)argv[1] : "");
}

static void test_environ(void) {
    __wasi_size_t count = 0, size = 0;
    __wasi_errno_t e = __wasi_environ_sizes_get(&count, &size);
    expect(e == 0 && count >= 1, "environ_sizes_get", "errno %E count %u", e, count);
    if (e || count > 256 || size > 16384) {
        fail("environ_get", "cannot read the environment (count %u size %u)", count, size);
        return;
    }
    static uint8_t *env[257];
    static uint8_t buf[16385];
    e = __wasi_environ_get(env, buf);
    if (!expect_ok(e, "environ_get"))
        return;
    unsigned total = 0, foo = 0, noeq = 0;
    for (unsigned i = 0; i < count; i++) {
        if (env[i] < buf || env[i] >= buf + size) {
            fail("environ_get pointers are inside the buffer", "entry %u", i);
            return;
        }
        const char *s = (const char *)env[i];
        total += strlen(s) + 1;
        if (!strchr(s, '='))
            noeq++;
        if (strcmp(s, "FOO=bar") == 0)
            foo++;
    }
    expect(total == size, "environ_get strings fill exactly environ_sizes_get's size", "total %u size %u", total,
           size);
    expect(noeq == 0, "every environment entry has an =", "%u without", noeq);
    expect(foo == 1, "the environment holds FOO=bar once", "found %u times", foo);
}

static void test_clocks(void) {
    __wasi_timestamp_t res = 0, t = 0;
    __wasi_errno_t e = __wasi_clock_res_get(__WASI_CLOCKID_REALTIME, &res);
    expect(e == 0 && res > 0 && res <= 1000 * MS, "clock_res_get realtime is between 1ns and 1s", "errno %E res %U",
           e, res);
    e = __wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, &res);
    expect(e == 0 && res > 0 && res <= 1000 * MS, "clock_res_get monotonic is between 1ns and 1s",
           "errno %E res %U", e, res);
    e = __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t);
    const uint64_t y2020 = 1577836800ull * 1000 * MS, y2100 = 4102444800ull * 1000 * MS;
    expect(e == 0 && t > y2020 && t < y2100, "clock_time_get realtime is a date between 2020 and 2100",
           "errno %E time %U", e, t);
    uint64_t prev = mono(), first = prev;
    int backwards = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t now = mono();
        if (now < prev)
            backwards++;
        prev = now;
    }
    expect(first > 0 && backwards == 0, "clock_time_get monotonic never goes backwards",
           "first %U, went backwards %d times", first, backwards);

    static const char *const names[2] = {"process", "thread"};
    for (int i = 0; i < 2; i++) {
        __wasi_clockid_t id = i == 0 ? __WASI_CLOCKID_PROCESS_CPUTIME_ID : __WASI_CLOCKID_THREAD_CPUTIME_ID;
        __wasi_timestamp_t r = 0, a = 0, b = 0;
        __wasi_errno_t er = __wasi_clock_res_get(id, &r);
        __wasi_errno_t ea = __wasi_clock_time_get(id, 1, &a);
        /* burn a little CPU */
        volatile uint32_t x = 1;
        for (int k = 0; k < 200000; k++)
            x = x * 1664525u + 1013904223u;
        __wasi_errno_t eb = __wasi_clock_time_get(id, 1, &b);
        char what[96];
        strcpy(what, "clock ");
        strcat(what, names[i]);
        strcat(what, " cputime works or gives EINVAL");
        int works = er == 0 && ea == 0 && eb == 0 && r > 0 && b >= a;
        int inval = er == __WASI_ERRNO_INVAL && ea == __WASI_ERRNO_INVAL;
        expect(works || inval, what, "res errno %E res %U, time errno %E/%E %U -> %U", er, r, ea, eb, a, b);
        note("%s cputime: %s", names[i], works ? "supported" : inval ? "EINVAL" : "broken");
    }
    expect_errno(__wasi_clock_res_get(99, &res), __WASI_ERRNO_INVAL, "clock_res_get of an unknown clock gives EINVAL");
    expect_errno(__wasi_clock_time_get(99, 1, &t), __WASI_ERRNO_INVAL,
                 "clock_time_get of an unknown clock gives EINVAL");
}

static void test_random(void) {
    uint8_t a[32], b[32];
    memset(a, 0, sizeof(a));
    memset(b, 0, sizeof(b));
    __wasi_errno_t e1 = __wasi_random_get(a, sizeof(a));
    __wasi_errno_t e2 = __wasi_random_get(b, sizeof(b));
    int nonzero = 0;
    for (unsigned i = 0; i < sizeof(a); i++)
        nonzero |= a[i];
    expect(e1 == 0 && nonzero, "random_get fills the buffer", "errno %E all zero %d", e1, !nonzero);
    expect(e2 == 0 && memcmp(a, b, sizeof(a)) != 0, "random_get twice gives different bytes", "errno %E", e2);
    expect_ok(__wasi_random_get(a, 0), "random_get of 0 bytes");
    expect_ok(__wasi_sched_yield(), "sched_yield");
}

/* ----------------------------------------------------------- poll_oneoff */

static __wasi_subscription_t clock_sub(uint64_t ud, __wasi_clockid_t id, uint64_t timeout, int abs) {
    __wasi_subscription_t s;
    memset(&s, 0, sizeof(s));
    s.userdata = ud;
    s.u.tag = __WASI_EVENTTYPE_CLOCK;
    s.u.u.clock.id = id;
    s.u.u.clock.timeout = timeout;
    s.u.u.clock.precision = 0;
    s.u.u.clock.flags = abs ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
    return s;
}

static __wasi_subscription_t fd_sub(uint64_t ud, __wasi_eventtype_t type, __wasi_fd_t fd) {
    __wasi_subscription_t s;
    memset(&s, 0, sizeof(s));
    s.userdata = ud;
    s.u.tag = type;
    if (type == __WASI_EVENTTYPE_FD_READ)
        s.u.u.fd_read.file_descriptor = fd;
    else
        s.u.u.fd_write.file_descriptor = fd;
    return s;
}

static const __wasi_event_t *find_event(const __wasi_event_t *ev, unsigned n, uint64_t ud) {
    for (unsigned i = 0; i < n; i++)
        if (ev[i].userdata == ud)
            return &ev[i];
    return 0;
}

static void test_poll(void) {
    __wasi_subscription_t in[4];
    __wasi_event_t out[4];
    __wasi_size_t n = 0;
    __wasi_errno_t e;

    /* relative sleep of 20ms on the monotonic clock */
    in[0] = clock_sub(0x1234, __WASI_CLOCKID_MONOTONIC, 20 * MS, 0);
    uint64_t t0 = mono();
    memset(out, 0, sizeof(out));
    e = __wasi_poll_oneoff(in, out, 1, &n);
    uint64_t dt = mono() - t0;
    expect(e == 0 && dt >= 20 * MS, "poll_oneoff relative 20ms clock sleeps at least 20ms",
           "errno %E slept %U ns", e, dt);
    expect(n == 1 && out[0].userdata == 0x1234 && out[0].type == __WASI_EVENTTYPE_CLOCK && out[0].error == 0,
           "poll_oneoff reports the clock event", "n %u userdata %X type %u error %E", n, out[0].userdata,
           out[0].type, out[0].error);

    /* relative sleep on the realtime clock */
    in[0] = clock_sub(7, __WASI_CLOCKID_REALTIME, 20 * MS, 0);
    t0 = mono();
    e = __wasi_poll_oneoff(in, out, 1, &n);
    dt = mono() - t0;
    expect(e == 0 && n == 1 && dt >= 20 * MS, "poll_oneoff relative 20ms realtime clock sleeps at least 20ms",
           "errno %E n %u slept %U ns", e, n, dt);

    /* two clocks: the shorter one fires first */
    in[0] = clock_sub(1, __WASI_CLOCKID_MONOTONIC, 300 * MS, 0);
    in[1] = clock_sub(2, __WASI_CLOCKID_MONOTONIC, 10 * MS, 0);
    t0 = mono();
    memset(out, 0, sizeof(out));
    e = __wasi_poll_oneoff(in, out, 2, &n);
    dt = mono() - t0;
    const __wasi_event_t *ev2 = find_event(out, n, 2), *ev1 = find_event(out, n, 1);
    expect(e == 0 && ev2 && dt >= 10 * MS && (!ev1 || dt >= 300 * MS),
           "poll_oneoff with two clocks returns the shorter one", "errno %E n %u slept %U ns (short %d long %d)", e,
           n, dt, ev2 != 0, ev1 != 0);

    /* regular files are always ready */
    const char *rel;
    int pre = find_preopen("/", &rel);
    if (pre < 0) {
        for (int fd = 3; fd < 64 && pre < 0; fd++) {
            __wasi_prestat_t ps;
            if (__wasi_fd_prestat_get(fd, &ps) == 0)
                pre = fd;
        }
    }
    char name[32] = "p1misc-";
    random_hex(name + 7);
    __wasi_fd_t f;
    if (pre < 0 || put_file(pre, name, "some data") != 0 || open_file(pre, name, 0, 0, &f) != 0) {
        fail("poll_oneoff on a regular file", "needs a writable preopened directory");
    } else {
        in[0] = fd_sub(10, __WASI_EVENTTYPE_FD_READ, f);
        in[1] = clock_sub(11, __WASI_CLOCKID_MONOTONIC, 5000 * MS, 0);
        t0 = mono();
        memset(out, 0, sizeof(out));
        e = __wasi_poll_oneoff(in, out, 2, &n);
        dt = mono() - t0;
        const __wasi_event_t *r = find_event(out, n, 10);
        expect(e == 0 && r && r->type == __WASI_EVENTTYPE_FD_READ && r->error == 0 && dt < 2000 * MS,
               "poll_oneoff fd_read on a regular file is ready at once", "errno %E n %u event %d took %U ns", e, n,
               r != 0, dt);
        if (r)
            note("fd_read event on a regular file: nbytes %U flags %u", r->fd_readwrite.nbytes,
                 r->fd_readwrite.flags);
        expect(find_event(out, n, 11) == 0, "the 5s clock did not fire", "it did");

        in[0] = fd_sub(20, __WASI_EVENTTYPE_FD_READ, f);
        in[1] = fd_sub(21, __WASI_EVENTTYPE_FD_WRITE, f);
        in[2] = clock_sub(22, __WASI_CLOCKID_MONOTONIC, 5000 * MS, 0);
        memset(out, 0, sizeof(out));
        e = __wasi_poll_oneoff(in, out, 3, &n);
        const __wasi_event_t *rr = find_event(out, n, 20), *ww = find_event(out, n, 21);
        expect(e == 0 && n == 2 && rr && ww && ww->type == __WASI_EVENTTYPE_FD_WRITE && ww->error == 0,
               "poll_oneoff reports fd_read and fd_write of a file together", "errno %E n %u read %d write %d", e,
               n, rr != 0, ww != 0);
        (void)__wasi_fd_close(f);
        (void)__wasi_path_unlink_file(pre, name);
    }

    e = __wasi_poll_oneoff(in, out, 0, &n);
    expect_errno(e, __WASI_ERRNO_INVAL, "poll_oneoff with no subscriptions gives EINVAL");
}

/* Last, because Node 20 takes an absolute deadline for a relative timeout
 * and sleeps for (uptime) nanoseconds: everything else has run by then. */
static void test_poll_abstime(void) {
    __wasi_subscription_t in[1];
    __wasi_event_t out[1];
    __wasi_size_t n = 0;
    __wasi_errno_t e;
    uint64_t t0, dt;
    /* absolute deadline on the monotonic clock */
    uint64_t deadline = mono() + 20 * MS;
    in[0] = clock_sub(0x55, __WASI_CLOCKID_MONOTONIC, deadline, 1);
    e = __wasi_poll_oneoff(in, out, 1, &n);
    uint64_t after = mono();
    expect(e == 0 && n == 1 && out[0].userdata == 0x55 && after >= deadline,
           "poll_oneoff absolute monotonic deadline waits until it", "errno %E n %u woke %D ns before the deadline",
           e, n, (int64_t)(deadline - after));
    /* 1ns after the clock's origin: always in the past */
    in[0] = clock_sub(0x56, __WASI_CLOCKID_MONOTONIC, 1, 1);
    t0 = mono();
    e = __wasi_poll_oneoff(in, out, 1, &n);
    dt = mono() - t0;
    expect(e == 0 && n == 1 && dt < 1000 * MS, "poll_oneoff absolute deadline in the past returns at once",
           "errno %E n %u took %U ns", e, n, dt);
}

int main(void) {
    test_args();
    test_environ();
    test_clocks();
    test_random();
    test_poll();
    test_poll_abstime();
    return check_done();
}
