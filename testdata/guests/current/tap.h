/* tap.h: self-checking output for the programs built with today's
 * wasix-libc. One record per check, each written with a single write(2) so
 * that lines stay whole and in order across fork and threads:
 *
 *     ok - <what>
 *     not ok - <what>: <detail>
 *     # <comment>
 *
 * and a last line "# passed N, failed M". tap_done() returns the exit
 * status: 1 if a check failed. */
#ifndef TAP_H
#define TAP_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int tap_pass, tap_fail;

static void tap_write(const char *s, size_t n) {
    while (n > 0) {
        ssize_t w = write(1, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

static void tap_vline(const char *prefix, const char *fmt, va_list ap, const char *detail) {
    char b[600];
    int n = snprintf(b, sizeof b, "%s", prefix);
    n += vsnprintf(b + n, sizeof b - (size_t)n - 2, fmt, ap);
    if (n > (int)sizeof b - 2)
        n = (int)sizeof b - 2;
    if (detail != NULL && n < (int)sizeof b - 2)
        n += snprintf(b + n, sizeof b - (size_t)n - 2, ": %s", detail);
    if (n > (int)sizeof b - 2)
        n = (int)sizeof b - 2;
    b[n++] = '\n';
    tap_write(b, (size_t)n);
}

/* note prints a "# " comment line. */
__attribute__((unused)) static void note(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    tap_vline("# ", fmt, ap, NULL);
    va_end(ap);
}

/* check records one check; on failure the current errno is the detail. */
static int check(int ok, const char *fmt, ...) {
    int e = errno;
    char d[64];
    va_list ap;
    va_start(ap, fmt);
    if (ok) {
        tap_pass++;
        tap_vline("ok - ", fmt, ap, NULL);
    } else {
        tap_fail++;
        snprintf(d, sizeof d, "errno %d (%s)", e, strerror(e));
        tap_vline("not ok - ", fmt, ap, d);
    }
    va_end(ap);
    errno = e;
    return ok;
}

/* check_eq records a check of an integer against its expected value. */
static int check_eq(long got, long want, const char *what) {
    if (got == want)
        return check(1, "%s", what);
    char d[96];
    snprintf(d, sizeof d, "got %ld, want %ld (errno %d)", got, want, errno);
    tap_fail++;
    char b[600];
    int n = snprintf(b, sizeof b, "not ok - %s: %s\n", what, d);
    tap_write(b, (size_t)(n < (int)sizeof b ? n : (int)sizeof b - 1));
    return 0;
}

static int tap_done(void) {
    char b[64];
    int n = snprintf(b, sizeof b, "# passed %d, failed %d\n", tap_pass, tap_fail);
    tap_write(b, (size_t)n);
    return tap_fail ? 1 : 0;
}

#endif
