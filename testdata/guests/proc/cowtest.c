/*
 * cowtest - fork gives each side its own memory, however the runtime
 * shares pages underneath: neither parent nor child sees what the other
 * writes after the fork, through repeated forks, with a child still alive
 * while the parent forks again, a child forking in turn, and memory grown
 * between forks. Prints one "ok"/"not ok" line per check and exits 1 if
 * any failed.
 */
#include "wasixproc.h"
#include <unistd.h>

#define SIZE (4 << 20)
static unsigned char buf[SIZE]; /* 4 MiB, about a thousand pages */
static int failed;

static void check(int ok, const char *what) {
    printf("%s - %s\n", ok ? "ok" : "not ok", what);
    if (!ok) failed = 1;
}

/* fill writes v into every 64th byte from off for n bytes */
static void fill(size_t off, size_t n, unsigned char v) {
    for (size_t i = off; i < off + n; i += 64) buf[i] = v;
}

static int holds(size_t off, size_t n, unsigned char v) {
    for (size_t i = off; i < off + n; i += 64)
        if (buf[i] != v) return 0;
    return 1;
}

/* the child's exit code: 0 if the memory was as expected */
static int32_t fork_checking(unsigned char want, unsigned char scribble) {
    int32_t pid = wx_fork();
    if (pid < 0) wx_check(-pid, "fork");
    if (pid == 0) {
        int ok = holds(0, SIZE, want);
        fill(0, SIZE, scribble); /* the parent must not see this */
        _Exit(ok && holds(0, SIZE, scribble) ? 0 : 1);
    }
    return pid;
}

int main(void) {
    fill(0, SIZE, 1);
    for (int round = 0; round < 5; round++) {
        unsigned char v = (unsigned char)(10 + round);
        fill(0, SIZE / 2, v); /* half written since the last fork */
        fill(SIZE / 2, SIZE / 2, v);
        int32_t pid = fork_checking(v, 0xEE);
        check(wx_wait_status((uint32_t)pid) == 0, "child sees the memory as at its fork");
        check(holds(0, SIZE, v), "parent keeps its memory");
    }

    /* a child alive while the parent writes and forks again */
    int p2c[2];
    wx_check(wx_pipe(p2c) ? 1 : 0, "pipe");
    fill(0, SIZE, 30);
    int32_t first = wx_fork();
    if (first < 0) wx_check(-first, "fork");
    if (first == 0) {
        char c;
        close(p2c[1]);
        if (read(p2c[0], &c, 1) != 1) _Exit(2);
        _Exit(holds(0, SIZE, 30) ? 0 : 1); /* after the parent's writes and fork */
    }
    close(p2c[0]);
    fill(0, SIZE / 4, 31);
    int32_t second = wx_fork();
    if (second < 0) wx_check(-second, "fork");
    if (second == 0) {
        int ok = holds(0, SIZE / 4, 31) && holds(SIZE / 4, SIZE - SIZE / 4, 30);
        fill(0, SIZE, 32);
        _Exit(ok ? 0 : 1);
    }
    check(wx_wait_status((uint32_t)second) == 0, "second child sees the parent's writes before its fork");
    check(write(p2c[1], "x", 1) == 1, "wake the first child");
    check(wx_wait_status((uint32_t)first) == 0, "first child keeps its memory while the parent forks again");
    check(holds(0, SIZE / 4, 31) && holds(SIZE / 4, SIZE - SIZE / 4, 30), "parent keeps its writes");

    /* a child that forks: the grandchild sees the child's memory */
    int32_t mid = wx_fork();
    if (mid < 0) wx_check(-mid, "fork");
    if (mid == 0) {
        fill(0, SIZE, 40);
        int32_t g = fork_checking(40, 41);
        int st = wx_wait_status((uint32_t)g);
        _Exit(st == 0 && holds(0, SIZE, 40) ? 0 : 1);
    }
    check(wx_wait_status((uint32_t)mid) == 0, "grandchild sees the child's memory");
    check(holds(0, SIZE / 4, 31), "parent unchanged by its grandchild");

    /* memory grown after a fork */
    unsigned char *more = malloc(8 << 20);
    for (size_t i = 0; i < (8 << 20); i += 4096) more[i] = 50;
    int32_t pid = wx_fork();
    if (pid < 0) wx_check(-pid, "fork");
    if (pid == 0) {
        int ok = 1;
        for (size_t i = 0; i < (8 << 20); i += 4096) ok &= more[i] == 50;
        for (size_t i = 0; i < (8 << 20); i += 4096) more[i] = 51;
        _Exit(ok ? 0 : 1);
    }
    check(wx_wait_status((uint32_t)pid) == 0, "child sees grown memory");
    int ok = 1;
    for (size_t i = 0; i < (8 << 20); i += 4096) ok &= more[i] == 50;
    check(ok, "parent keeps grown memory");
    printf("# %s\n", failed ? "failed" : "passed");
    return failed;
}
