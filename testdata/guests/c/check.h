/*
 * check.h - the tiny self-check helper shared by every guest program.
 *
 * Each check prints exactly one line on stdout:
 *
 *     ok - <what>
 *     not ok - <what>: <detail>
 *
 * Extra information goes on comment lines starting with "# ". The last line
 * is "# passed N, failed M" and check_done() returns the exit status the
 * program should end with (0 when nothing failed, 1 otherwise).
 *
 * Control bytes in what or detail are escaped (\n, \xNN), so a record is
 * always exactly one line.
 *
 * Every line is written with a single fd_write call, straight to fd 1, with
 * no stdio buffering, so output ordering is exact even if the program dies
 * in the middle (a trap, proc_raise, proc_exit).
 *
 * The header needs nothing from libc. By default it writes through
 * wasi-libc's __wasi_fd_write; a freestanding program defines
 * CHECK_FREESTANDING and provides
 *
 *     static int check_write_fd1(const char *p, unsigned n);
 *
 * before including it.
 *
 * Formatting is a small printf subset on purpose (no libc needed):
 *     %s string   %d int   %u unsigned   %x unsigned hex
 *     %D int64    %U uint64  %X uint64 hex  %E errno (number and name)
 *     %% percent
 */
#ifndef GUEST_CHECK_H
#define GUEST_CHECK_H

#include <stdarg.h>
#include <stdint.h>

#ifndef CHECK_FREESTANDING
#include <wasi/api.h>
static int check_write_fd1(const char *p, unsigned n) {
    __wasi_ciovec_t iov;
    iov.buf = (const uint8_t *)p;
    iov.buf_len = n;
    __wasi_size_t written = 0;
    return __wasi_fd_write(1, &iov, 1, &written);
}
#endif

static unsigned check_passed_count;
static unsigned check_failed_count;

/* Errno names of WASI preview1 (0..76) and WASIX (77..80). */
static const char *const check_errno_names[] = {
    "SUCCESS", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT",
    "AGAIN", "ALREADY", "BADF", "BADMSG", "BUSY", "CANCELED", "CHILD",
    "CONNABORTED", "CONNREFUSED", "CONNRESET", "DEADLK", "DESTADDRREQ", "DOM",
    "DQUOT", "EXIST", "FAULT", "FBIG", "HOSTUNREACH", "IDRM", "ILSEQ",
    "INPROGRESS", "INTR", "INVAL", "IO", "ISCONN", "ISDIR", "LOOP", "MFILE",
    "MLINK", "MSGSIZE", "MULTIHOP", "NAMETOOLONG", "NETDOWN", "NETRESET",
    "NETUNREACH", "NFILE", "NOBUFS", "NODEV", "NOENT", "NOEXEC", "NOLCK",
    "NOLINK", "NOMEM", "NOMSG", "NOPROTOOPT", "NOSPC", "NOSYS", "NOTCONN",
    "NOTDIR", "NOTEMPTY", "NOTRECOVERABLE", "NOTSOCK", "NOTSUP", "NOTTY",
    "NXIO", "OVERFLOW", "OWNERDEAD", "PERM", "PIPE", "PROTO",
    "PROTONOSUPPORT", "PROTOTYPE", "RANGE", "ROFS", "SPIPE", "SRCH", "STALE",
    "TIMEDOUT", "TXTBSY", "XDEV", "NOTCAPABLE", "SHUTDOWN", "MEMVIOLATION",
    "UNKNOWN", "PENDING",
};

static const char *check_errno_name(unsigned e) {
    if (e < sizeof(check_errno_names) / sizeof(check_errno_names[0]))
        return check_errno_names[e];
    return "?";
}

/* ---- a bounded line buffer and the formatter ---- */

#define CHECK_LINE_MAX 1024

struct check_line {
    char buf[CHECK_LINE_MAX];
    unsigned len;
};

static void check_putc_raw(struct check_line *l, char c) {
    if (l->len < CHECK_LINE_MAX - 1)
        l->buf[l->len++] = c;
}

/* check_putc keeps every record on one line: control bytes are escaped. */
static void check_putc(struct check_line *l, char c) {
    if ((unsigned char)c >= 0x20 && c != 0x7f) {
        check_putc_raw(l, c);
        return;
    }
    static const char hex[] = "0123456789abcdef";
    check_putc_raw(l, '\\');
    if (c == '\n') {
        check_putc_raw(l, 'n');
    } else {
        check_putc_raw(l, 'x');
        check_putc_raw(l, hex[((unsigned char)c) >> 4]);
        check_putc_raw(l, hex[c & 15]);
    }
}

static void check_puts(struct check_line *l, const char *s) {
    if (!s)
        s = "(null)";
    while (*s)
        check_putc(l, *s++);
}

static void check_putu(struct check_line *l, uint64_t v, unsigned base) {
    char tmp[24];
    int n = 0;
    do {
        unsigned d = (unsigned)(v % base);
        tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v);
    if (base == 16) {
        check_putc(l, '0');
        check_putc(l, 'x');
    }
    while (n)
        check_putc(l, tmp[--n]);
}

static void check_putd(struct check_line *l, int64_t v) {
    if (v < 0) {
        check_putc(l, '-');
        check_putu(l, (uint64_t)0 - (uint64_t)v, 10);
    } else {
        check_putu(l, (uint64_t)v, 10);
    }
}

static void check_vformat(struct check_line *l, const char *fmt, va_list ap) {
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            check_putc(l, *fmt);
            continue;
        }
        fmt++;
        switch (*fmt) {
        case 's': check_puts(l, va_arg(ap, const char *)); break;
        case 'd': check_putd(l, va_arg(ap, int)); break;
        case 'u': check_putu(l, va_arg(ap, unsigned), 10); break;
        case 'x': check_putu(l, va_arg(ap, unsigned), 16); break;
        case 'D': check_putd(l, va_arg(ap, int64_t)); break;
        case 'U': check_putu(l, va_arg(ap, uint64_t), 10); break;
        case 'X': check_putu(l, va_arg(ap, uint64_t), 16); break;
        case 'E': {
            unsigned e = va_arg(ap, unsigned);
            check_putu(l, e, 10);
            check_puts(l, " (E");
            check_puts(l, check_errno_name(e));
            check_putc(l, ')');
            break;
        }
        case '%': check_putc(l, '%'); break;
        case 0: return;
        default: check_putc(l, '%'); check_putc(l, *fmt); break;
        }
    }
}

static void check_emit(struct check_line *l) {
    check_putc_raw(l, '\n');
    if (l->buf[l->len - 1] != '\n') /* line was cut at CHECK_LINE_MAX */
        l->buf[l->len - 1] = '\n';
    check_write_fd1(l->buf, l->len);
}

/* ---- the public helpers ---- */

/* note prints a "# ..." comment line. */
static void note(const char *fmt, ...) {
    struct check_line l;
    l.len = 0;
    check_puts(&l, "# ");
    va_list ap;
    va_start(ap, fmt);
    check_vformat(&l, fmt, ap);
    va_end(ap);
    check_emit(&l);
}

static void check_report(int good, const char *what, const char *fmt, va_list ap) {
    struct check_line l;
    l.len = 0;
    check_puts(&l, good ? "ok - " : "not ok - ");
    check_puts(&l, what);
    if (!good) {
        check_puts(&l, ": ");
        check_vformat(&l, fmt, ap);
    }
    check_emit(&l);
    if (good)
        check_passed_count++;
    else
        check_failed_count++;
}

/* expect records one check; the detail is formatted only on failure. */
static int expect(int good, const char *what, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    check_report(good, what, fmt, ap);
    va_end(ap);
    return good;
}

static void pass(const char *what) { expect(1, what, ""); }

static void fail(const char *what, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    check_report(0, what, fmt, ap);
    va_end(ap);
}

/* expect_errno: the call's errno must be exactly want. */
static int expect_errno(unsigned got, unsigned want, const char *what) {
    return expect(got == want, what, "got errno %E, want %E", got, want);
}

/* expect_ok: the call must succeed. */
static int expect_ok(unsigned got, const char *what) {
    return expect(got == 0, what, "got errno %E, want success", got);
}

/* expect_errno2: either of two errnos is right (both are documented). */
static int expect_errno2(unsigned got, unsigned want1, unsigned want2, const char *what) {
    return expect(got == want1 || got == want2, what, "got errno %E, want %E or %E", got, want1, want2);
}

/* expect_fail: any error is right, success is not. */
static int expect_fail(unsigned got, const char *what) {
    return expect(got != 0, what, "succeeded, want an error");
}

static int expect_u64(uint64_t got, uint64_t want, const char *what) {
    return expect(got == want, what, "got %U, want %U", got, want);
}

/* check_done prints the summary and returns the exit status. */
static int check_done(void) {
    note("passed %u, failed %u", check_passed_count, check_failed_count);
    return check_failed_count ? 1 : 0;
}

/* ---- small libc-free helpers the programs share ---- */

static unsigned check_strlen(const char *s) {
    unsigned n = 0;
    while (s[n])
        n++;
    return n;
}

static int check_memeq(const void *a, const void *b, unsigned n) {
    const unsigned char *x = a, *y = b;
    for (unsigned i = 0; i < n; i++)
        if (x[i] != y[i])
            return 0;
    return 1;
}

static int check_streq(const char *a, const char *b) {
    unsigned n = check_strlen(a);
    return n == check_strlen(b) && check_memeq(a, b, n);
}

#endif /* GUEST_CHECK_H */
