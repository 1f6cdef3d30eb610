/*
 * threads.c - threads, futexes, thread-locals and signals, for one WASIX
 * generation (see rt.h). The first argument picks what runs:
 *
 *   basic            spawn/join/ids, futex wait/wake/timeout, thread-locals
 *                    with destructors, signal handlers and EINTR; exit 0
 *   stress T N       T threads add 1 N times under a futex lock; prints
 *                    "# total <n>" and checks it is T*N
 *   limit            spawns until EAGAIN; prints "# spawned <n>"
 *   stdin-intr       a thread blocked reading stdin gets EINTR from a signal
 *   exit             a thread calls proc_exit(42) while main waits in join
 *   trap             a thread traps while main waits in join
 *   raise-term       a thread raises SIGTERM without a handler (status 143)
 *   main-exit        main calls thread_exit; the last thread exits with 5
 *   wait-signal H    prints "# ready" and waits in futex_wait until a signal
 *                    comes; with H = "handler" a handler exits with 42
 *   spin             prints "# ready" and computes forever
 *   exec             starts a thread blocked in futex_wait, one printing
 *                    "# tick" every millisecond and one computing, prints
 *                    "# exec" and execs "threads after" (the command
 *                    "threads"), which the other threads must not outlive
 *   after            prints "# after", sleeps 50 ms, prints "# done"
 *   bench-spawn N    spawns and joins N threads one after the other
 *   bench-pingpong N passes a token N round trips between two threads
 *                    through futex wait and wake
 * The benchmarks print "# ns <nanoseconds per operation>".
 */
#include "rt.h"

#define SIGINT 2
#define SIGUSR1 10
#define SIGUSR2 12
#define SIGALRM 14
#define SIGTERM 15
#define EINTR 27
#define EAGAIN 6

static uint32_t self_tid(void) {
    uint32_t t = 0;
    rt_thread_id(&t);
    return t;
}

static int streq(const char *a, const char *b) { return check_streq(a, b); }

static unsigned atou(const char *s) {
    unsigned v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (unsigned)(*s++ - '0');
    return v;
}

/* ---- signals ---- */

static volatile uint32_t sig_count[32];
static volatile uint32_t sig_last_tid;
static volatile uint32_t exit_on_signal;

__attribute__((export_name("on_signal"))) void on_signal(int32_t sig) {
    if (sig > 0 && sig < 32)
        __atomic_fetch_add(&sig_count[sig], 1, __ATOMIC_SEQ_CST);
    sig_last_tid = self_tid();
    if (exit_on_signal)
        rt_proc_exit(40 + (uint32_t)sig);
}

static void use_handler(void) { rt_callback_signal("on_signal", 9); }

/* ---- a futex lock: 0 free, 1 held, 2 held with waiters ---- */

static const struct opt_ts no_timeout = {0, 0};

static void lock(volatile uint32_t *m) {
    uint32_t c = 0;
    uint8_t woken;
    if (__atomic_compare_exchange_n(m, &c, 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        return;
    if (c != 2)
        c = __atomic_exchange_n(m, 2, __ATOMIC_SEQ_CST);
    while (c != 0) {
        rt_futex_wait(m, 2, &no_timeout, &woken);
        c = __atomic_exchange_n(m, 2, __ATOMIC_SEQ_CST);
    }
}

static void unlock(volatile uint32_t *m) {
    uint8_t woken;
    if (__atomic_fetch_sub(m, 1, __ATOMIC_SEQ_CST) != 1) {
        __atomic_store_n(m, 0, __ATOMIC_SEQ_CST);
        rt_futex_wake(m, &woken);
    }
}

/* ---- stress ---- */

static volatile uint32_t stress_lock;
static volatile uint64_t stress_total;
static uint32_t stress_n;

static void stress_thread(int arg) {
    for (uint32_t i = 0; i < stress_n; i++) {
        lock(&stress_lock);
        stress_total = stress_total + 1;
        unlock(&stress_lock);
    }
}

static int run_stress(unsigned threads, unsigned n) {
    static uint32_t tids[MAX_THREADS];
    stress_n = n;
    if (threads > MAX_THREADS - 1)
        threads = MAX_THREADS - 1;
    for (unsigned i = 0; i < threads; i++) {
        if (!expect_ok(spawn(stress_thread, (int)i, &tids[i]), "spawn a stress thread"))
            return check_done();
    }
    for (unsigned i = 0; i < threads; i++)
        rt_thread_join(tids[i]);
    note("total %U", stress_total);
    expect_u64(stress_total, (uint64_t)threads * n, "every increment counted");
    return check_done();
}

/* ---- basic ---- */

static volatile uint32_t seen_tid[8];
static volatile uint32_t seen_arg[8];
static volatile uint32_t after_exit;

static volatile uint32_t on_own_stack[8];

static void record(int arg) {
    /* a local whose address is taken lives on the shadow stack, which must
     * be the one the spawn gave the thread */
    volatile char probe = 0;
    on_own_stack[arg] = (char *)&probe >= &stacks[0][0] && (char *)&probe < &stacks[MAX_THREADS][0];
    seen_tid[arg] = self_tid() + probe;
    seen_arg[arg] = (uint32_t)arg + 100;
    if (arg == 3) {
        rt_thread_exit(7);
        after_exit = 1;
    }
}

static volatile uint32_t word;
static volatile uint32_t waiter_result[4]; /* 1 + woken, or 100 + errno */

static void waiter(int arg) {
    uint8_t woken = 9;
    int32_t e = rt_futex_wait(&word, 0, &no_timeout, &woken);
    waiter_result[arg] = e ? 100 + (uint32_t)e : 1 + woken;
}

static volatile uint32_t sleeper_errno;
static void sleeper(int arg) { sleeper_errno = (uint32_t)rt_thread_sleep(10ull * 1000000000ull) + 1; }

static volatile uint32_t reader_errno;
static uint32_t pipe_r, pipe_w;
static void reader(int arg) {
    char b[4];
    struct rt_iovec iov = {b, sizeof b};
    uint32_t n = 0;
    reader_errno = (uint32_t)rt_fd_read((int32_t)pipe_r, &iov, 1, &n) + 1;
}

static void stdin_reader(int arg) {
    char b[4];
    struct rt_iovec iov = {b, sizeof b};
    uint32_t n = 0;
    reader_errno = (uint32_t)rt_fd_read(0, &iov, 1, &n) + 1;
}

/* signal_until sends sig to tid again every 10 ms until *done is set, up
   to 10 s: a signal that comes before the thread is in its blocking call
   is taken on the way in (the handler runs) and does not end the wait,
   which on a loaded machine a single signal after a fixed sleep may do.
   It says whether *done was set. */
static int signal_until(uint32_t tid, int sig, volatile uint32_t *done) {
    for (unsigned i = 0; !*done && i < 1000; i++) {
        rt_thread_sleep(10000000);
        if (!*done)
            rt_thread_signal(tid, sig);
    }
    return *done != 0;
}

static volatile uint32_t poller_errno;
static void poller(int arg) {
    /* one clock subscription of 10 s: userdata@0 tag@8 clock id@16 timeout@24 */
    uint8_t sub[48] = {0}, ev[32];
    uint64_t timeout = 10ull * 1000000000ull;
    sub[16] = 1;
    memcpy(&sub[24], &timeout, 8);
    uint32_t n = 0;
    poller_errno = (uint32_t)rt_poll_oneoff(sub, ev, 1, &n) + 1;
}

#ifdef HAVE_TLS
static volatile uint32_t destroyed;
static volatile uint64_t destroyed_ud, destroyed_val[4];
__attribute__((export_name("tls_dtor"))) void tls_dtor(uint64_t user_data, uint64_t val) {
    uint32_t i = __atomic_fetch_add(&destroyed, 1, __ATOMIC_SEQ_CST);
    destroyed_ud = user_data;
    if (i < 4)
        destroyed_val[i] = val;
}
static uint32_t tls_key;
static volatile uint64_t tls_seen;
static void tls_thread(int arg) {
    uint64_t v = 1;
    rt_tls_get(tls_key, &v);
    tls_seen = v; /* 0: a new thread starts empty */
    rt_tls_set(tls_key, 0xbeef00 + (uint64_t)arg);
}
#endif

#ifdef GEN_2022
/* 2022 entries named by callback_thread and callback_reactor; the reactor
 * takes its user data split in two i32 (low, high). */
static volatile uint32_t alt_ran, react_ran;
__attribute__((export_name("alt_start"))) void alt_start(uint64_t user_data) { alt_ran = (uint32_t)user_data; }
__attribute__((export_name("my_react"))) void my_react(uint32_t lo, uint32_t hi) { react_ran = lo * 10 + hi; }

static void named_entries(void) {
    uint32_t tid, i = __atomic_fetch_add(&next_slot, 1, __ATOMIC_SEQ_CST);
    uint32_t top = (uint32_t)(uintptr_t)&stacks[i][STACK_SIZE], bottom = (uint32_t)(uintptr_t)&stacks[i][0];
    rt_callback_thread("alt_start", 9);
    expect_ok(rt_spawn_2022(33, top, bottom, 0, &tid), "spawn through callback_thread");
    rt_thread_join(tid);
    expect(alt_ran == 33, "callback_thread names the entry", "%u", alt_ran);
    rt_callback_thread("_start_thread", 13);
    rt_callback_reactor("my_react", 8);
    expect_ok(rt_spawn_2022(0x100000005ull, top, bottom, 1, &tid), "spawn a reactor");
    rt_thread_join(tid);
    expect(react_ran == 51, "callback_reactor names the entry, user data split in halves", "%u", react_ran);
}
#endif

static void wait_until(volatile uint32_t *p, uint32_t at_least) {
    for (int i = 0; i < 5000 && *p < at_least; i++)
        rt_thread_sleep(1000000);
}

static int basic(void) {
    uint32_t tids[4], n = 0, main_tid = self_tid();
    for (int i = 0; i < 4; i++)
        expect_ok(spawn(record, i, &tids[i]), "spawn");
    for (int i = 0; i < 4; i++)
        expect_ok(rt_thread_join(tids[i]), "join");
    int distinct = 1;
    for (int i = 0; i < 4; i++) {
        distinct &= seen_tid[i] == tids[i] && tids[i] != main_tid && tids[i] != 0;
        for (int j = 0; j < i; j++)
            distinct &= tids[i] != tids[j];
    }
    expect(distinct, "each thread sees its own id", "main %u, %u %u %u %u; seen %u %u %u %u", main_tid, tids[0],
           tids[1], tids[2], tids[3], seen_tid[0], seen_tid[1], seen_tid[2], seen_tid[3]);
    expect(seen_arg[0] == 100 && seen_arg[3] == 103, "each thread gets its argument", "%u %u", seen_arg[0], seen_arg[3]);
    expect(after_exit == 0, "thread_exit ends the thread", "it went on");
    expect(on_own_stack[0] && on_own_stack[1] && on_own_stack[2] && on_own_stack[3],
           "each thread runs on the stack it was given", "%u %u %u %u", on_own_stack[0], on_own_stack[1],
           on_own_stack[2], on_own_stack[3]);
    expect_errno(rt_thread_join(main_tid), 16, "joining oneself is EDEADLK");
    expect_ok(rt_thread_parallelism(&n), "thread_parallelism");
    expect(n >= 1, "parallelism is at least 1", "%u", n);
    expect_ok(rt_sched_yield(), "sched_yield");

    /* futex: a mismatch returns at once, a timeout reports false */
    uint8_t woken = 9;
    word = 5;
    expect_ok(rt_futex_wait(&word, 0, &no_timeout, &woken), "futex_wait on a changed word");
    expect(woken == 1, "a changed word counts as woken", "%u", woken);
    struct opt_ts ten_ms = {1, 10000000};
    uint64_t t0 = now_ns();
    expect_ok(rt_futex_wait(&word, 5, &ten_ms, &woken), "futex_wait with a timeout");
    uint64_t waited = now_ns() - t0;
    expect(woken == 0 && waited >= 10000000, "the timeout runs out", "woken %u after %U ns", woken, waited);
    expect_ok(rt_futex_wake(&word, &woken), "futex_wake");
    expect(woken == 0, "futex_wake with no waiter wakes nobody", "%u", woken);
    expect_errno(rt_futex_wait((volatile uint32_t *)((char *)&word + 1), 0, &no_timeout, &woken), 28,
                 "a misaligned futex is EINVAL");

    /* futex: wake one, then all. The word stays 0 and a wake is made
       again until it finds a waiter: on a loaded machine a waiter may not
       be waiting yet when the first comes, and then waits for the next. */
    word = 0;
    for (int i = 0; i < 3; i++) {
        waiter_result[i] = 0;
        spawn(waiter, i, &tids[i]);
    }
    rt_thread_sleep(30000000);
    int32_t we = 0;
    woken = 0;
    for (int i = 0; i < 1000 && we == 0 && woken == 0; i++) {
        if (i > 0)
            rt_thread_sleep(10000000);
        we = rt_futex_wake(&word, &woken);
    }
    expect_ok(we, "futex_wake one");
    expect(woken == 1, "futex_wake woke a waiter", "%u", woken);
    unsigned done = 0;
    for (int i = 0; i < 1000 && done == 0; i++) {
        rt_thread_sleep(10000000);
        for (int j = 0; j < 3; j++)
            done += waiter_result[j] == 2;
    }
    rt_thread_sleep(20000000); /* time for a second waiter to wake, if the wake woke two */
    done = 0;
    for (int i = 0; i < 3; i++)
        done += waiter_result[i] == 2;
    expect(done == 1, "exactly one waiter woke", "%u (%u %u %u)", done, waiter_result[0], waiter_result[1],
           waiter_result[2]);
    for (int i = 0; i < 1000 && we == 0; i++) {
        we = rt_futex_wake_all(&word, &woken);
        done = 0;
        for (int j = 0; j < 3; j++)
            done += waiter_result[j] != 0;
        if (done == 3)
            break;
        rt_thread_sleep(10000000);
    }
    expect_ok(we, "futex_wake_all");
    word = 1;
    for (int i = 0; i < 3; i++)
        rt_thread_join(tids[i]);
    done = 0;
    for (int i = 0; i < 3; i++)
        done += waiter_result[i] == 2;
    expect(done == 3, "futex_wake_all woke the others", "%u %u %u", waiter_result[0], waiter_result[1],
           waiter_result[2]);

#ifdef GEN_2022
    named_entries();
#endif

#ifdef HAVE_TLS
    /* thread-locals with destructors */
    rt_callback_tls_destroy("tls_dtor", 8);
    expect_ok(rt_tls_create(0x5eed, &tls_key), "thread_local_create");
    expect_ok(rt_tls_set(tls_key, 77), "thread_local_set");
    spawn(tls_thread, 1, &tids[0]);
    rt_thread_join(tids[0]);
    uint64_t mine = 0;
    expect_ok(rt_tls_get(tls_key, &mine), "thread_local_get");
    expect(mine == 77 && tls_seen == 0, "thread-locals are per thread", "main %U, new thread saw %U", mine, tls_seen);
    expect(destroyed == 1 && destroyed_ud == 0x5eed && destroyed_val[0] == 0xbeef01,
           "the destructor ran as the thread ended", "%u calls, ud %X val %X", destroyed, destroyed_ud,
           destroyed_val[0]);
    expect_ok(rt_tls_destroy(tls_key), "thread_local_destroy");
    expect(destroyed == 2 && destroyed_val[1] == 77, "destroying the key runs the destructor on what is left", "%u %U",
           destroyed, destroyed_val[1]);
    expect_errno(rt_tls_get(tls_key, &mine), 28, "a destroyed key is EINVAL");
#endif

    /* signals: a handler runs before proc_raise returns */
    use_handler();
    expect_ok(rt_proc_raise(SIGUSR1), "proc_raise with a handler");
    expect(sig_count[SIGUSR1] == 1 && sig_last_tid == main_tid, "the handler ran on the raising thread", "%u on %u",
           sig_count[SIGUSR1], sig_last_tid);

    /* thread_signal interrupts a futex_wait, a sleep, a pipe read, a poll */
    word = 0;
    waiter_result[3] = 0;
    spawn(waiter, 3, &tids[0]);
    spawn(sleeper, 0, &tids[1]);
    rt_fd_pipe(&pipe_r, &pipe_w);
    spawn(reader, 0, &tids[2]);
    spawn(poller, 0, &tids[3]);
    rt_thread_sleep(30000000);
    for (int i = 0; i < 4; i++)
        expect_ok(rt_thread_signal(tids[i], SIGUSR2), "thread_signal");
    volatile uint32_t *ended[4] = {&waiter_result[3], &sleeper_errno, &reader_errno, &poller_errno};
    for (int i = 0; i < 4; i++)
        if (signal_until(tids[i], SIGUSR2, ended[i]))
            rt_thread_join(tids[i]);
    expect(waiter_result[3] == 100 + EINTR, "futex_wait returns EINTR", "%u", waiter_result[3]);
    expect(sleeper_errno == 1 + EINTR, "thread_sleep returns EINTR", "%u", sleeper_errno - 1);
    expect(reader_errno == 1 + EINTR, "fd_read on a pipe returns EINTR", "%u", reader_errno - 1);
    expect(poller_errno == 1 + EINTR, "poll_oneoff returns EINTR", "%u", poller_errno - 1);
    expect(sig_count[SIGUSR2] >= 4, "the handler ran for each", "%u", sig_count[SIGUSR2]);
    expect_errno(rt_thread_signal(999999, SIGUSR2), 71, "thread_signal to no thread is ESRCH");

    /* proc_raise_interval: one-shot, then repeating, then cancelled */
    expect_ok(rt_proc_raise_interval(SIGALRM, 20000000, 0), "proc_raise_interval one-shot");
    int32_t e = rt_thread_sleep(5ull * 1000000000ull);
    expect(e == EINTR && sig_count[SIGALRM] == 1, "the alarm cuts a sleep short", "errno %u, %u alarms", e,
           sig_count[SIGALRM]);
    expect_ok(rt_proc_raise_interval(SIGALRM, 5000000, 1), "proc_raise_interval repeating");
    wait_until(&sig_count[SIGALRM], 4);
    expect_ok(rt_proc_raise_interval(SIGALRM, 0, 0), "proc_raise_interval cancel");
    uint32_t at = sig_count[SIGALRM];
    rt_thread_sleep(30000000);
    expect(at >= 4 && sig_count[SIGALRM] <= at + 1, "the repeating alarm repeats and stops", "%u then %u", at,
           sig_count[SIGALRM]);
    return check_done();
}

/* ---- benchmarks: each prints "# ns <per operation>" ---- */

static void nothing(int arg) {}

static int bench_spawn(unsigned n) {
    uint32_t tid;
    uint64_t t0 = now_ns();
    for (unsigned i = 0; i < n; i++) {
        next_slot = 0; /* one thread at a time: its slot is free again */
        if (spawn(nothing, 0, &tid) != 0)
            return 1;
        rt_thread_join(tid);
    }
    note("ns %U", (now_ns() - t0) / n);
    return 0;
}

/* ping-pong: the token goes 0 -> 1 -> 0; one round trip is two hand-offs */
static volatile uint32_t turn;
static unsigned rounds;

static void pass_token(uint32_t me) {
    uint8_t woken;
    for (unsigned i = 0; i < rounds; i++) {
        uint32_t v;
        while ((v = __atomic_load_n(&turn, __ATOMIC_SEQ_CST)) != me)
            rt_futex_wait(&turn, v, &no_timeout, &woken);
        __atomic_store_n(&turn, 1 - me, __ATOMIC_SEQ_CST);
        rt_futex_wake(&turn, &woken);
    }
}

static void pong(int arg) { pass_token(1); }

static int bench_pingpong(unsigned n) {
    uint32_t tid;
    rounds = n;
    uint64_t t0 = now_ns();
    if (spawn(pong, 0, &tid) != 0)
        return 1;
    pass_token(0);
    rt_thread_join(tid);
    note("ns %U", (now_ns() - t0) / n);
    return 0;
}

/* ---- the other modes ---- */

static volatile uint32_t forever;
static void blocker(int arg) {
    uint8_t woken;
    for (;;)
        rt_futex_wait(&forever, 0, &no_timeout, &woken);
}
static void exiter(int arg) {
    rt_thread_sleep(10000000);
    rt_proc_exit(42);
}
static void trapper(int arg) {
    rt_thread_sleep(10000000);
    __builtin_trap();
}
static void term_raiser(int arg) {
    rt_thread_sleep(10000000);
    rt_proc_raise(SIGTERM);
}
static int ticked;
static void ticker(int arg) {
    for (;;) {
        note("tick");
        __atomic_store_n(&ticked, 1, __ATOMIC_SEQ_CST);
        rt_thread_sleep(1000000);
    }
}
static void spinner(int arg) {
    for (;;)
        forever = forever + 1;
}
static void late_exit(int arg) {
    rt_thread_sleep(30000000);
    rt_thread_exit(5);
}

static int guest_main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "basic";
    uint32_t tid;
    if (streq(mode, "basic"))
        return basic();
    if (streq(mode, "stress") && argc > 3)
        return run_stress(atou(argv[2]), atou(argv[3]));
    if (streq(mode, "bench-spawn") && argc > 2)
        return bench_spawn(atou(argv[2]));
    if (streq(mode, "bench-pingpong") && argc > 2)
        return bench_pingpong(atou(argv[2]));
    if (streq(mode, "stdin-intr")) {
        spawn(stdin_reader, 0, &tid);
        rt_thread_sleep(30000000);
        use_handler();
        expect_ok(rt_thread_signal(tid, SIGUSR2), "thread_signal");
        if (signal_until(tid, SIGUSR2, &reader_errno))
            rt_thread_join(tid);
        expect(reader_errno == 1 + EINTR, "fd_read on stdin returns EINTR", "%u", reader_errno - 1);
        return check_done();
    }
    if (streq(mode, "limit")) {
        unsigned n = 0;
        int32_t e;
        while ((e = spawn(blocker, 0, &tid)) == 0)
            n++;
        note("spawned %u", n);
        expect_errno((unsigned)e, EAGAIN, "spawning past the limit is EAGAIN");
        return check_done();
    }
    if (streq(mode, "exit") || streq(mode, "trap") || streq(mode, "raise-term")) {
        thread_fn fn = streq(mode, "exit") ? exiter : streq(mode, "trap") ? trapper : term_raiser;
        spawn(blocker, 0, &tid);
        spawn(fn, 0, &tid);
        rt_thread_join(tid);
        rt_thread_sleep(1000000000);
        fail("the process ended", "main went on");
        return 3;
    }
    if (streq(mode, "main-exit")) {
        spawn(late_exit, 0, &tid);
        rt_thread_exit(9);
    }
    if (streq(mode, "wait-signal")) {
        uint8_t woken;
        if (argc > 2 && streq(argv[2], "handler")) {
            exit_on_signal = 1;
            use_handler();
        }
        note("ready");
        for (;;)
            rt_futex_wait(&forever, 0, &no_timeout, &woken);
    }
    if (streq(mode, "exec")) {
        static const char args[] = "threads\nafter";
        spawn(blocker, 0, &tid);
        spawn(spinner, 0, &tid);
        spawn(ticker, 0, &tid);
        /* exec once the ticker ticked, however slow a loaded machine is */
        while (!__atomic_load_n(&ticked, __ATOMIC_SEQ_CST))
            rt_thread_sleep(1000000);
        rt_thread_sleep(5000000);
        note("exec");
        rt_proc_exec("threads", 7, args, sizeof args - 1);
    }
    if (streq(mode, "after")) {
        note("after");
        rt_thread_sleep(50000000);
        note("done");
        return 0;
    }
    if (streq(mode, "spin")) {
        note("ready");
        for (;;)
            forever = forever + 1;
    }
    fail("mode", "unknown mode %s", mode);
    return 2;
}
