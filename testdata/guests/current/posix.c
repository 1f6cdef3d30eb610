/* posix.c: what a C program of today's wasix-libc does most, checked the way
 * it would be natively (the same checks pass as a Linux program): TCP over
 * IPv4 and IPv6 (blocking and non-blocking connect, SO_ERROR, getpeername,
 * shutdown), UDP, select, setjmp/longjmp across frames, mmap of a file and
 * anonymous memory, O_APPEND and O_EXCL, utimensat, hard links, a directory
 * of many entries read with telldir/seekdir, a blocking read woken by
 * another thread, EPIPE, setitimer, pthread_kill, threads in a forked
 * child, getppid, waitpid WNOHANG, SIGKILL and abort as wait statuses, the
 * /dev files, getrandom.
 *
 * Usage: posix DIR   (a writable directory; the program needs the network,
 * loopback only). Left out: what wasix-libc itself does not do (sigprocmask
 * only records the mask; alarm() cancels instead of arming, its setitimer
 * reading it_interval alone; chmod, statvfs, setsid and flock are stubs or
 * missing). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#include "tap.h"

static jmp_buf jb;

static int dive(int depth) {
    if (depth < 0)
        return 0;
    if (depth == 0)
        longjmp(jb, 42);
    return dive(depth - 1) + 1;
}

static int pipefd[2];

static void *late_writer(void *arg) {
    usleep(50000);
    write(pipefd[1], "w", 1);
    return NULL;
}

static volatile sig_atomic_t alarms, usr2;

static void on_alarm(int sig) { alarms++; }
static void on_usr2(int sig) { usr2 = 1; }

static void *wait_usr2(void *arg) {
    for (int i = 0; i < 300 && !usr2; i++)
        usleep(10000);
    return (void *)(long)usr2;
}

static void *nothing(void *arg) { return arg; }

static void tcp(int family) {
    const char *v = family == AF_INET ? "v4" : "v6";
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t len;
    if (family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *a;
    } else {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        len = sizeof *a;
    }
    int ls = socket(family, SOCK_STREAM, 0);
    check(ls >= 0 && bind(ls, (struct sockaddr *)&ss, len) == 0 && listen(ls, 2) == 0, "tcp %s: bind and listen", v);
    check(getsockname(ls, (struct sockaddr *)&ss, &len) == 0, "tcp %s: getsockname", v);

    int cs = socket(family, SOCK_STREAM, 0);
    fcntl(cs, F_SETFL, O_NONBLOCK);
    int r = connect(cs, (struct sockaddr *)&ss, len);
    struct pollfd p = {cs, POLLOUT, 0};
    check((r == 0 || errno == EINPROGRESS) && poll(&p, 1, 5000) == 1 && (p.revents & POLLOUT),
          "tcp %s: a non-blocking connect completes (poll POLLOUT)", v);
    int err = -1;
    socklen_t el = sizeof err;
    check(getsockopt(cs, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0, "tcp %s: SO_ERROR is 0", v);
    int as = accept(ls, NULL, NULL);
    struct sockaddr_storage peer;
    socklen_t pl = sizeof peer;
    check(as >= 0 && getpeername(as, (struct sockaddr *)&peer, &pl) == 0 && peer.ss_family == family,
          "tcp %s: accept, getpeername", v);
    int one = 1;
    check(setsockopt(as, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0, "tcp %s: TCP_NODELAY", v);
    fcntl(cs, F_SETFL, 0);
    char buf[16] = {0};
    check(send(cs, "ping", 4, 0) == 4 && recv(as, buf, 4, MSG_WAITALL) == 4 && memcmp(buf, "ping", 4) == 0,
          "tcp %s: send, recv MSG_WAITALL", v);
    check(shutdown(as, SHUT_WR) == 0 && recv(cs, buf, sizeof buf, 0) == 0, "tcp %s: shutdown(SHUT_WR) is end-of-file", v);
    close(as);
    close(cs);
    close(ls);
}

static void udp(void) {
    int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    check(bind(u1, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(u1, (struct sockaddr *)&a, &al) == 0, "udp: bind");
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    char buf[16];
    check(sendto(u2, "dg", 2, 0, (struct sockaddr *)&a, sizeof a) == 2 &&
              recvfrom(u1, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl) == 2 &&
              from.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
          "udp: sendto, recvfrom with the sender's address");
    close(u1);
    close(u2);
}

static void files(const char *dir) {
    check(chdir(dir) == 0, "chdir %s", dir);
    int fd = open("app", O_CREAT | O_TRUNC | O_WRONLY | O_APPEND, 0644);
    write(fd, "ab", 2);
    lseek(fd, 0, SEEK_SET);
    write(fd, "cd", 2);
    close(fd);
    char buf[64] = {0};
    fd = open("app", O_RDONLY);
    check(read(fd, buf, sizeof buf) == 4 && strcmp(buf, "abcd") == 0, "O_APPEND writes at the end");
    close(fd);
    check(open("app", O_CREAT | O_EXCL | O_WRONLY, 0644) == -1 && errno == EEXIST, "O_EXCL: EEXIST");
    struct timespec ts[2] = {{1000000000, 0}, {1000000000, 0}};
    struct stat st;
    check(utimensat(AT_FDCWD, "app", ts, 0) == 0 && stat("app", &st) == 0 && st.st_mtime == 1000000000, "utimensat");
    fd = open("app", O_RDWR);
    check(fsync(fd) == 0 && fdatasync(fd) == 0, "fsync, fdatasync");
    void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    check(m != MAP_FAILED && memcmp(m, "abcd", 4) == 0, "mmap of a file");
    if (m != MAP_FAILED)
        munmap(m, 4096);
    close(fd);
    char *anon = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check(anon != MAP_FAILED && anon[12345] == 0, "anonymous mmap, zeroed");
    if (anon != MAP_FAILED)
        munmap(anon, 1 << 20);
    struct stat sa, sb;
    check(link("app", "app2") == 0 && stat("app", &sa) == 0 && stat("app2", &sb) == 0 && sa.st_nlink == 2 &&
              sa.st_ino == sb.st_ino,
          "link: two names, one inode");
    check(truncate("app2", 1) == 0 && stat("app", &sa) == 0 && sa.st_size == 1, "truncate through the other name");
    unlink("app2");
    unlink("app");

    mkdir("many", 0755);
    for (int i = 0; i < 50; i++) {
        char n[32];
        snprintf(n, sizeof n, "many/f%02d", i);
        close(open(n, O_CREAT | O_WRONLY, 0644));
    }
    DIR *d = opendir("many");
    int count = 0, rest = 0;
    long pos = -1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (++count == 10)
            pos = telldir(d);
    seekdir(d, pos);
    while (readdir(d) != NULL)
        rest++;
    check_eq(count, 52, "readdir of 50 files, . and ..");
    check_eq(rest, count - 10, "seekdir back to a telldir position");
    rewinddir(d);
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] != '.') {
            char n[300];
            snprintf(n, sizeof n, "many/%s", e->d_name);
            unlink(n);
        }
    }
    closedir(d);
    check(rmdir("many") == 0, "rmdir after emptying it");

    int nfd = open("/dev/null", O_RDWR), zfd = open("/dev/zero", O_RDONLY), ufd = open("/dev/urandom", O_RDONLY);
    buf[0] = 1;
    check(write(nfd, "x", 1) == 1 && read(nfd, buf, 1) == 0, "/dev/null");
    check(read(zfd, buf, 8) == 8 && buf[0] == 0, "/dev/zero");
    check(read(ufd, buf, 16) == 16, "/dev/urandom");
    check(getrandom(buf, 16, 0) == 16, "getrandom");
    close(nfd);
    close(zfd);
    close(ufd);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        note("usage: posix DIR");
        return 2;
    }
    int r = setjmp(jb);
    if (r == 0)
        dive(10);
    check_eq(r, 42, "longjmp out of ten frames");

    files(argv[1]);

    check(pipe(pipefd) == 0, "pipe");
    pthread_t t;
    pthread_create(&t, NULL, late_writer, NULL);
    char c = 0;
    check(read(pipefd[0], &c, 1) == 1 && c == 'w', "a blocking read woken by another thread's write");
    pthread_join(t, NULL);
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(pipefd[0], &rs);
    struct timeval tv = {0, 10000};
    check(select(pipefd[0] + 1, &rs, NULL, NULL, &tv) == 0, "select times out");
    write(pipefd[1], "x", 1);
    FD_ZERO(&rs);
    FD_SET(pipefd[0], &rs);
    tv.tv_sec = 5;
    check(select(pipefd[0] + 1, &rs, NULL, NULL, &tv) == 1 && FD_ISSET(pipefd[0], &rs), "select: readable");
    read(pipefd[0], &c, 1);
    fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
    check(read(pipefd[0], &c, 1) == -1 && errno == EAGAIN, "O_NONBLOCK read: EAGAIN");
    signal(SIGPIPE, SIG_IGN);
    close(pipefd[0]);
    check(write(pipefd[1], "x", 1) == -1 && errno == EPIPE, "write without a reader: EPIPE");
    close(pipefd[1]);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 20000}, {0, 20000}};
    setitimer(ITIMER_REAL, &it, NULL);
    for (int i = 0; i < 500 && alarms < 3; i++)
        usleep(10000);
    memset(&it, 0, sizeof it);
    setitimer(ITIMER_REAL, &it, NULL);
    check(alarms >= 3, "setitimer: SIGALRM every 20 ms");

    signal(SIGUSR2, on_usr2);
    pthread_create(&t, NULL, wait_usr2, NULL);
    usleep(20000);
    pthread_kill(t, SIGUSR2);
    void *rv;
    pthread_join(t, &rv);
    check((long)rv == 1, "pthread_kill: the thread sees its handler run");

    pid_t me = getpid();
    int p[2];
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        pid_t parent = getppid();
        write(p[1], &parent, sizeof parent);
        pthread_t ct;
        void *cv = NULL;
        pthread_create(&ct, NULL, nothing, (void *)9L);
        pthread_join(ct, &cv);
        _exit((int)(long)cv);
    }
    pid_t got = 0;
    read(p[0], &got, sizeof got);
    int status;
    check(got == me, "getppid in the child is the parent's pid");
    check(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 9,
          "a forked child starts and joins a thread");
    close(p[0]);
    close(p[1]);
    pid = fork();
    if (pid == 0) {
        sleep(10);
        _exit(0);
    }
    check(waitpid(pid, &status, WNOHANG) == 0, "waitpid WNOHANG on a running child: 0");
    kill(pid, SIGKILL);
    check(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "SIGKILL status");
    pid = fork();
    if (pid == 0) {
        close(2); /* libc says it aborted */
        abort();
    }
    check(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "abort: SIGABRT status");
    check(waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD, "no child left: ECHILD");

    tcp(AF_INET);
    tcp(AF_INET6);
    udp();
    return tap_done();
}
