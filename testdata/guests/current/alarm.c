/* alarm: interval timers (setitimer ITIMER_REAL, which wasix-libc makes
 * proc_raise_interval) deliver SIGALRM to the handler, again and again; a
 * blocked read and a sleep are cut short; cancelling stops them.
 *
 * Not checked: alarm(), and setitimer's it_value. Today's wasix-libc
 * passes only it_interval to proc_raise_interval, so alarm(n) (interval 0)
 * cancels rather than arms, and the first signal comes one interval after
 * the call whatever it_value says: a library limit, Wasmer's too. */
#include <signal.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

#include "tap.h"

static volatile int alarms;
static void on_alrm(int sig) { alarms += sig == SIGALRM; }

static long ms_since(struct timespec *t0) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static int arm(long usec) {
    struct itimerval it = {{usec / 1000000, usec % 1000000}, {usec / 1000000, usec % 1000000}};
    return setitimer(ITIMER_REAL, &it, NULL);
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alrm;
    sigaction(SIGALRM, &sa, NULL);

    /* a 200ms timer interrupts a read that would block forever */
    int p[2];
    pipe(p);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    check(arm(200000) == 0, "setitimer: 200ms interval");
    char c;
    errno = 0;
    ssize_t r = read(p[0], &c, 1);
    int e = errno;
    arm(0);
    errno = e;
    check(r == -1 && errno == EINTR, "SIGALRM interrupts a blocked read with EINTR");
    check(alarms >= 1, "the SIGALRM handler ran (%d)", alarms);
    check(ms_since(&t0) >= 150, "not before the interval (%ld ms)", ms_since(&t0));

    /* a periodic timer keeps firing */
    alarms = 0;
    check(arm(10000) == 0, "setitimer: 10ms interval");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (alarms < 5 && ms_since(&t0) < 20000)
        usleep(1000);
    check(alarms >= 5, "the interval timer fired repeatedly (%d)", alarms);
    check(arm(0) == 0, "setitimer 0 stops it");
    usleep(30000);
    int after = alarms;
    usleep(60000);
    check_eq(alarms, after, "no SIGALRM after it was stopped");

    /* sleep is cut short by a handled signal */
    arm(300000);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    unsigned rest = sleep(10);
    arm(0);
    check(rest > 0, "sleep(10) is cut short by SIGALRM (%u left)", rest);
    check(ms_since(&t0) < 9000, "it returned early (%ld ms)", ms_since(&t0));

    /* alarm(0) cancels what setitimer armed, and nothing fires */
    alarms = 0;
    arm(20000);
    alarm(0);
    usleep(100000);
    check_eq(alarms, 0, "alarm(0) cancels the timer");
    return tap_done();
}
