/* Files, directories, links and pipes. After Wasmer's tests/wasix
 * chdir-getcwd, closing-pre-opened-dirs, create-and-remove-dirs,
 * create-dir-at-cwd(-with-chdir), cross-fs-rename, dangling-symlink-exists,
 * dev-null-stat, distinct-inodes-same-basename, fd-unlink, fstatat-with-
 * chdir, open-under-file, pwrite-and-size, symlink-open-read-write,
 * unlink-open-fd-write-after-unlink and pipes. They run with /home (the
 * working directory, holding main.wasm) a host directory. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "w.h"

static int t_chdir_getcwd(int argc, char **argv) {
  char cwd[1024];
  int status = EXIT_FAILURE;
  if (chdir("/tmp") == 0 && getcwd(cwd, sizeof cwd) != NULL && strcmp(cwd, "/tmp") == 0)
    status = EXIT_SUCCESS;
  printf("%d", status);
  return status;
}

/* closing-pre-opened-dirs: with the preopened descriptors closed, paths
 * still resolve (opendir("."), readdir); closing stdio is final. */
static int t_closing_preopens(int argc, char **argv) {
  for (int fd = 3; fd <= 5; fd++)
    close(fd);
  const char *want[] = {".", "..", "main.wasm"};
  int seen[3] = {0}, total = 0;
  DIR *d = opendir(".");
  REQUIRE(d != NULL, "opendir");
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    int found = 0;
    for (int i = 0; i < 3; i++)
      if (!seen[i] && strcmp(want[i], e->d_name) == 0)
        seen[i] = found = 1;
    if (!found)
      printf("Unexpected file name: %s\n", e->d_name);
    total++;
  }
  closedir(d);
  for (int i = 0; i < 3; i++)
    if (!seen[i])
      FAIL("unobserved entry %s", want[i]);
  REQUIRE(total == 3, "%d entries", total);
  printf("0");
  fclose(stdin);
  fclose(stdout);
  fclose(stderr);
  printf("Expected stdout to be closed\n");
  return 0;
}

static int dir_ok(const char *name) {
  struct stat st;
  char buf[256];
  if (stat(name, &st) != 0 || !S_ISDIR(st.st_mode))
    return -1;
  snprintf(buf, sizeof buf, "./%s", name);
  if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
    return -1;
  snprintf(buf, sizeof buf, "/home/%s", name);
  if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
    return -1;
  return 0;
}
static int gone(const char *name) {
  struct stat st;
  return stat(name, &st) != 0 && errno == ENOENT;
}

static int t_create_remove_dirs(int argc, char **argv) {
  REQUIRE(mkdir("test1/test2", 0777) != 0 && errno == ENOENT, "mkdir of a missing parent");
  REQUIRE(mkdir("test1", 0777) == 0 && dir_ok("test1") == 0, "mkdir test1");
  REQUIRE(mkdir("test1/test2", 0777) == 0 && dir_ok("test1/test2") == 0, "mkdir test2");
  REQUIRE(mkdir("test1", 0777) != 0 && errno == EEXIST, "mkdir of an existing dir");
  REQUIRE(rmdir("test1") != 0 && errno == ENOTEMPTY, "rmdir of a non-empty dir");
  REQUIRE(rmdir("test1/test2") == 0 && gone("test1/test2"), "rmdir test2");
  REQUIRE(rmdir("test1") == 0 && gone("test1"), "rmdir test1");
  REQUIRE(mkdir("test1", 0777) == 0 && dir_ok("test1") == 0, "re-create test1");
  REQUIRE(rmdir("test1") == 0 && gone("test1"), "re-remove test1");
  printf("0");
  return 0;
}

/* create-dir-at-cwd(-with-chdir): relative names, "./" names, and
 * mkdirat on a descriptor of ".", all land in the working directory. */
static int t_create_dir_at_cwd(int argc, char **argv) {
  REQUIRE(mkdir("test1", 0777) == 0 && dir_ok("test1") == 0, "test1");
  REQUIRE(mkdir("./test2", 0777) == 0 && dir_ok("test2") == 0, "test2");
  int cwd = open(".", O_RDONLY | O_DIRECTORY);
  REQUIRE(cwd >= 0, "open cwd");
  REQUIRE(mkdirat(cwd, "test3", 0777) == 0 && dir_ok("test3") == 0, "test3");
  REQUIRE(mkdirat(cwd, "./test4", 0777) == 0 && dir_ok("test4") == 0, "test4");
  /* and after a chdir elsewhere, the old descriptor still names /home */
  REQUIRE(chdir("/tmp") == 0, "chdir");
  REQUIRE(mkdirat(cwd, "test5", 0777) == 0 && chdir("/home") == 0 && dir_ok("test5") == 0, "test5");
  printf("0");
  return 0;
}

/* cross-fs-rename: rename within and across the in-memory /tmp and two
 * host mounts (/temp1, /temp2) moves the file and its contents. */
static int move(const char *from, const char *to) {
  FILE *f = fopen(from, "wb");
  REQUIRE(f != NULL && fwrite("hello", 1, 6, f) == 6 && fclose(f) == 0, "create %s", from);
  REQUIRE(rename(from, to) == 0, "rename %s -> %s", from, to);
  REQUIRE(access(from, F_OK) != 0 && errno == ENOENT, "%s still there", from);
  char buf[8] = {0};
  f = fopen(to, "rb");
  REQUIRE(f != NULL && fread(buf, 1, 7, f) == 6 && strcmp(buf, "hello") == 0, "read %s", to);
  fclose(f);
  return 0;
}
static int t_cross_fs_rename(int argc, char **argv) {
  if (move("/tmp/old", "/tmp/new") || move("/temp1/old", "/temp1/new") || move("/tmp/file", "/temp1/file") ||
      move("/temp1/file2", "/tmp/file2") || move("/temp1/file3", "/temp2/file3"))
    return 1;
  printf("0");
  return 0;
}

/* dangling-symlink-exists: once the target is gone, stat fails and lstat
 * still sees the link. */
static int t_dangling_symlink(int argc, char **argv) {
  struct stat st;
  int fd = open("tmp_target", O_CREAT | O_WRONLY | O_TRUNC, 0666);
  REQUIRE(fd >= 0 && write(fd, "foo", 3) == 3 && close(fd) == 0, "target");
  REQUIRE(symlink("tmp_target", "tmp_link") == 0, "symlink");
  REQUIRE(lstat("tmp_link", &st) == 0 && S_ISLNK(st.st_mode), "lstat before");
  REQUIRE(stat("tmp_link", &st) == 0 && S_ISREG(st.st_mode), "stat before");
  REQUIRE(unlink("tmp_target") == 0, "unlink target");
  REQUIRE(lstat("tmp_link", &st) == 0 && S_ISLNK(st.st_mode), "lstat after");
  REQUIRE(stat("tmp_link", &st) != 0 && errno == ENOENT, "stat of a dangling link");
  REQUIRE(open("tmp_link", O_RDONLY) < 0 && errno == ENOENT, "open of a dangling link");
  unlink("tmp_link");
  printf("0");
  return 0;
}

static int t_dev_null_stat(int argc, char **argv) {
  struct stat st;
  REQUIRE(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode), "stat /dev/null mode %#o", st.st_mode);
  int fd = open("/dev/null", O_RDWR);
  REQUIRE(fd >= 0, "open /dev/null");
  REQUIRE(fstat(fd, &st) == 0 && S_ISCHR(st.st_mode), "fstat /dev/null mode %#o", st.st_mode);
  REQUIRE(write(fd, "x", 1) == 1, "write /dev/null");
  char c;
  REQUIRE(read(fd, &c, 1) == 0, "read /dev/null");
  close(fd);
  printf("0");
  return 0;
}

static int put(const char *path, const char *s) {
  int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0666);
  REQUIRE(fd >= 0 && write(fd, s, strlen(s)) == (ssize_t)strlen(s) && close(fd) == 0, "write %s", path);
  return 0;
}
static int get(const char *path, char *buf, size_t n) {
  int fd = open(path, O_RDONLY);
  REQUIRE(fd >= 0, "open %s", path);
  ssize_t r = read(fd, buf, n - 1);
  REQUIRE(r >= 0, "read %s", path);
  buf[r] = 0;
  close(fd);
  return 0;
}

static int t_distinct_inodes(int argc, char **argv) {
  struct stat a, b;
  char x[32], y[32];
  REQUIRE(mkdir("src", 0777) == 0 && mkdir("dst", 0777) == 0, "mkdir");
  if (put("src/file.txt", "source") || put("dst/file.txt", "dest"))
    return 1;
  REQUIRE(stat("src/file.txt", &a) == 0 && stat("dst/file.txt", &b) == 0, "stat");
  REQUIRE(a.st_ino != b.st_ino, "same inode %llu", (unsigned long long)a.st_ino);
  if (get("src/file.txt", x, sizeof x) || get("dst/file.txt", y, sizeof y))
    return 1;
  REQUIRE(strcmp(x, "source") == 0 && strcmp(y, "dest") == 0, "contents %s %s", x, y);
  printf("0");
  return 0;
}

/* fd-unlink: an unlinked file lives on through its descriptors and is
 * gone from its directory; a new file of the same name is another file. */
#define T "/tmp/test.txt"
static int t_unlink_write(int argc, char **argv) {
  int fd = open(T, O_CREAT | O_RDWR | O_TRUNC, 0644);
  REQUIRE(fd >= 0 && unlink(T) == 0, "open, unlink");
  FILE *f = fdopen(fd, "w+");
  char buf[1025] = {0};
  REQUIRE(f != NULL && fwrite(buf, 1, sizeof buf, f) == sizeof buf && fflush(f) == 0, "write");
  fclose(f);
  return 0;
}
static int t_unlink_twice(int argc, char **argv) {
  int fd = open(T, O_CREAT | O_WRONLY | O_TRUNC, 0644);
  REQUIRE(fd >= 0 && close(fd) == 0 && unlink(T) == 0, "open, close, unlink");
  REQUIRE(unlink(T) != 0 && errno == ENOENT, "second unlink");
  return 0;
}
static int t_unlink_twice_open(int argc, char **argv) {
  int fd = open(T, O_CREAT | O_WRONLY | O_TRUNC, 0644);
  REQUIRE(fd >= 0 && unlink(T) == 0, "open, unlink");
  REQUIRE(unlink(T) != 0 && errno == ENOENT, "second unlink with the file open");
  return 0;
}
static int t_open_after_unlink(int argc, char **argv) {
  int fd = open(T, O_CREAT | O_WRONLY | O_TRUNC, 0644);
  REQUIRE(fd >= 0 && close(fd) == 0 && unlink(T) == 0, "open, close, unlink");
  REQUIRE(open(T, O_WRONLY | O_TRUNC) < 0 && errno == ENOENT, "open after unlink");
  return 0;
}
static int fill_check(int fd, char c, int n) {
  char *b = malloc(n);
  REQUIRE(lseek(fd, 0, SEEK_SET) == 0 && read(fd, b, n) == n, "read back");
  for (int i = 0; i < n; i++)
    REQUIRE(b[i] == c, "byte %d is %d, want %c", i, b[i], c);
  free(b);
  return 0;
}
static int write_fill(int fd, char c, int n) {
  char *b = malloc(n);
  memset(b, c, n);
  REQUIRE(write(fd, b, n) == n, "write");
  free(b);
  return 0;
}
static int t_new_file_after_unlink(int argc, char **argv) {
  int fd = open(T, O_CREAT | O_RDWR | O_TRUNC, 0644);
  REQUIRE(fd >= 0 && unlink(T) == 0, "open, unlink");
  int fd2 = open(T, O_CREAT | O_RDWR | O_TRUNC, 0644);
  REQUIRE(fd2 >= 0, "second open");
  if (write_fill(fd, 'A', 4999) || write_fill(fd2, 'B', 4999))
    return 1;
  fsync(fd);
  fsync(fd2);
  return fill_check(fd, 'A', 4999) || fill_check(fd2, 'B', 4999);
}
static int t_unlink_two_fds(int argc, char **argv) {
  int fd = open(T, O_CREAT | O_RDWR | O_TRUNC, 0644);
  int fd2 = open(T, O_CREAT | O_RDWR | O_TRUNC, 0644);
  REQUIRE(fd >= 0 && fd2 >= 0 && fd != fd2, "two opens");
  REQUIRE(unlink(T) == 0, "unlink");
  /* two descriptors, two offsets, one file: the second write overwrites */
  if (write_fill(fd, 'A', 4999) || write_fill(fd2, 'B', 4999))
    return 1;
  REQUIRE(close(fd2) == 0, "close");
  char c;
  REQUIRE(read(fd2, &c, 1) == -1 && errno == EBADF, "read of a closed fd");
  return fill_check(fd, 'B', 4999);
}

/* unlink-open-fd-write-after-unlink: an unlinked open file and a new one
 * of the same name, both through stdio. */
static int t_unlink_recreate(int argc, char **argv) {
  char a[1025], b[1025];
  int fd1 = open(T, O_CREAT | O_RDWR | O_TRUNC, 0644);
  REQUIRE(fd1 >= 0, "open first");
  printf("open succeeded\n");
  REQUIRE(unlink(T) == 0, "unlink");
  printf("unlink succeeded\n");
  FILE *first = fdopen(fd1, "w+");
  REQUIRE(first != NULL, "fdopen");
  printf("fdopen succeeded\n");
  int fd2 = open(T, O_CREAT | O_RDWR | O_TRUNC, 0644);
  FILE *second = fd2 >= 0 ? fdopen(fd2, "w+") : NULL;
  REQUIRE(second != NULL, "recreate");
  printf("recreate succeeded\n");
  memset(a, 'a', sizeof a);
  REQUIRE(fwrite(a, 1, sizeof a, first) == sizeof a && fflush(first) == 0, "first write");
  printf("first file write succeeded\n");
  memset(b, 'b', sizeof b);
  REQUIRE(fwrite(b, 1, sizeof b, second) == sizeof b && fflush(second) == 0, "second write");
  printf("second file write succeeded\n");
  char got[1025];
  REQUIRE(fseek(first, 0, SEEK_SET) == 0 && fread(got, 1, sizeof got, first) == sizeof got &&
              memcmp(got, a, sizeof a) == 0,
          "first file's contents");
  int fd = open(T, O_RDONLY);
  REQUIRE(fd >= 0 && read(fd, got, sizeof got) == sizeof got && memcmp(got, b, sizeof b) == 0, "by path");
  close(fd);
  printf("verification succeeded\n");
  REQUIRE(unlink(T) == 0 && fclose(second) == 0 && fclose(first) == 0, "cleanup");
  return 0;
}

/* fstatat-with-chdir: a relative path goes from the descriptor given, not
 * from the working directory. */
static int t_fstatat_chdir(int argc, char **argv) {
  REQUIRE(mkdir("test1", 0700) == 0 && mkdir("test2", 0700) == 0, "mkdir");
  REQUIRE(put("test2/in2", "x") == 0, "file in test2");
  int fd = open("test2", O_RDONLY | O_DIRECTORY);
  REQUIRE(fd >= 0, "open");
  REQUIRE(chdir("/home/test1") == 0, "chdir");
  struct stat st;
  REQUIRE(fstatat(fd, ".", &st, 0) == 0 && S_ISDIR(st.st_mode), "fstatat .");
  REQUIRE(fstatat(fd, "in2", &st, 0) == 0 && S_ISREG(st.st_mode), "fstatat in2");
  REQUIRE(stat("in2", &st) != 0 && errno == ENOENT, "in2 is not in the cwd");
  printf("0");
  return 0;
}

static int t_open_under_file(int argc, char **argv) {
  int fd = open("parent", O_CREAT | O_WRONLY | O_TRUNC, 0644);
  REQUIRE(fd >= 0, "open parent");
  close(fd);
  fd = open("parent/child", O_CREAT | O_EXCL | O_RDWR, 0600);
  REQUIRE(fd == -1 && errno == ENOTDIR, "open under a file: %d", fd);
  REQUIRE(mkdir("parent/dir", 0777) != 0 && errno == ENOTDIR, "mkdir under a file");
  printf("0");
  return 0;
}

/* pwrite-and-size: pwrite at an offset moves no offset and grows the file
 * only past its end. */
static int t_pwrite_size(int argc, char **argv) {
  struct stat st;
  int fd = open("/data/my_file.txt", O_CREAT | O_WRONLY, 0644);
  const struct {
    const char *s;
    int n, at, size;
  } w[] = {{"ABC", 3, 0, 3}, {"D", 1, 1, 3}, {"XYZ", 3, 3, 6}, {"GHIJKLMNOP", 10, 1, 11}};
  int ok = fd >= 0;
  for (int i = 0; ok && i < 4; i++)
    ok = pwrite(fd, w[i].s, w[i].n, w[i].at) == w[i].n && fstat(fd, &st) == 0 && st.st_size == w[i].size;
  ok = ok && lseek(fd, 0, SEEK_CUR) == 0;
  printf("%d", !ok);
  return !ok;
}

/* symlink-open-read-write: appending and reading through a link to an
 * absolute path on another mount, from the cwd and from a subdirectory. */
static int t_symlink_rw(int argc, char **argv) {
  const char *target = "/host/target.txt";
  char prefix[128] = {0}, buf[256] = {0}, want[256];
  mkdir("nested", 0777);
  REQUIRE(symlink(target, "hello") == 0 && symlink(target, "nested/hello") == 0, "symlink");
  if (get(target, prefix, sizeof prefix))
    return 1;
  int fd = open("hello", O_WRONLY | O_APPEND);
  REQUIRE(fd >= 0 && write(fd, " bla", 4) == 4 && close(fd) == 0, "append through the link");
  snprintf(want, sizeof want, "%s bla", prefix);
  if (get("hello", buf, sizeof buf))
    return 1;
  REQUIRE(strcmp(buf, want) == 0, "through the link: '%s'", buf);
  if (get("nested/hello", buf, sizeof buf))
    return 1;
  REQUIRE(strcmp(buf, want) == 0, "through the nested link: '%s'", buf);
  if (get(target, buf, sizeof buf))
    return 1;
  REQUIRE(strcmp(buf, want) == 0, "the target: '%s'", buf);
  char link[64] = {0};
  REQUIRE(readlink("nested/hello", link, sizeof link - 1) == (ssize_t)strlen(target) && strcmp(link, target) == 0,
          "readlink");
  printf("0");
  return 0;
}

/* realpath and readdir of a tree made here (the brief's realpath/readdir
 * checks; Wasmer covers them in its fs tests). */
static int t_realpath(int argc, char **argv) {
  char out[PATH_MAX];
  REQUIRE(mkdir("a", 0777) == 0 && mkdir("a/b", 0777) == 0 && put("a/b/f", "x") == 0, "tree");
  REQUIRE(symlink("a/b", "lb") == 0, "symlink");
  REQUIRE(realpath("a/./b/../b/f", out) != NULL && strcmp(out, "/home/a/b/f") == 0, "realpath: %s", out);
  REQUIRE(realpath("lb/f", out) != NULL && strcmp(out, "/home/a/b/f") == 0, "realpath via link: %s", out);
  REQUIRE(realpath("a/missing", out) == NULL && errno == ENOENT, "realpath of a missing file");
  DIR *d = opendir("a/b");
  REQUIRE(d != NULL, "opendir");
  int n = 0, f = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL; n++)
    if (strcmp(e->d_name, "f") == 0)
      f = e->d_type == DT_REG;
  closedir(d);
  REQUIRE(n == 3 && f, "readdir: %d entries, f regular %d", n, f);
  printf("0");
  return 0;
}

/* pipes: one-way pipes, EOF, EPIPE with SIGPIPE, dup'ed ends, ends
 * across fork+exec and vfork+exec, O_NONBLOCK (EAGAIN when full or empty),
 * bounded capacity, atomic writes of PIPE_BUF, dup2 of stdout. */
#ifndef PIPE_BUF
#define PIPE_BUF 4096
#endif
static volatile sig_atomic_t sigpipes;
static void on_sigpipe(int sig) { sigpipes++; }
static int pipe_child(int fd) {
  char buf[6];
  int r = read(fd, buf, 5);
  if (r != 5 || memcmp(buf, "hello", 5) != 0)
    return 1;
  return read(fd, buf, 5) != 0;
}
static int t_pipe_child(int argc, char **argv) { return argc > 0 ? pipe_child(atoi(argv[0])) : 2; }
static int across(int use_vfork) {
  int p[2];
  REQUIRE(pipe(p) == 0, "pipe");
  /* unless the write end is closed in the child too, its read never ends */
  REQUIRE(fcntl(p[1], F_SETFD, FD_CLOEXEC) == 0, "F_SETFD");
  char num[12];
  snprintf(num, sizeof num, "%d", p[0]);
  pid_t pid = use_vfork ? vfork() : fork();
  REQUIRE(pid >= 0, "fork");
  if (pid == 0) {
    execl(SELF, "main.wasm", "pipe-child", num, NULL);
    _exit(9);
  }
  REQUIRE(close(p[0]) == 0 && write(p[1], "hello", 5) == 5 && close(p[1]) == 0, "write");
  int st = wait_status(pid);
  REQUIRE(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
  return 0;
}
static int fill(int fd) {
  int n = 0;
  for (;;) {
    int r = write(fd, "x", 1);
    if (r == 1 && ++n <= 2 * 1024 * 1024)
      continue;
    REQUIRE(r == -1 && errno == EAGAIN, "write %d after %d bytes", r, n);
    return n;
  }
}
static int t_pipes(int argc, char **argv) {
  int p[2];
  char buf[16];
  REQUIRE(pipe(p) == 0 && write(p[1], "hello", 5) == 5 && read(p[0], buf, 5) == 5, "read_write");
  REQUIRE(write(p[0], "x", 1) == -1 && errno == EBADF, "the read end is not writable");
  close(p[1]);
  REQUIRE(read(p[0], buf, 1) == 0, "EOF after the write end closed");
  close(p[0]);

  signal(SIGPIPE, on_sigpipe);
  REQUIRE(pipe(p) == 0 && close(p[0]) == 0, "pipe");
  REQUIRE(write(p[1], "hello", 5) == -1 && errno == EPIPE && sigpipes == 1, "EPIPE and SIGPIPE");
  signal(SIGPIPE, SIG_DFL);
  close(p[1]);

  REQUIRE(pipe(p) == 0, "pipe");
  int rd = dup(p[0]);
  REQUIRE(write(p[1], "hello and bye", 13) == 13, "write");
  REQUIRE(read(p[0], buf, 6) == 6 && memcmp(buf, "hello ", 6) == 0, "multiple_readers 1");
  REQUIRE(read(rd, buf, 7) == 7 && memcmp(buf, "and bye", 7) == 0, "multiple_readers 2");
  int wd = dup(p[1]);
  REQUIRE(write(p[1], "hello ", 6) == 6 && close(p[1]) == 0, "multiple_writers 1");
  REQUIRE(write(wd, "and bye", 7) == 7 && close(wd) == 0, "multiple_writers 2");
  int got = 0, r;
  while ((r = read(p[0], buf + got, 13 - got)) > 0)
    got += r;
  REQUIRE(r == 0 && got == 13 && memcmp(buf, "hello and bye", 13) == 0, "multiple_writers read");
  close(p[0]);
  close(rd);

  if (across(0) || across(1))
    return 1;

  REQUIRE(pipe(p) == 0, "pipe");
  REQUIRE(fcntl(p[1], F_SETFL, fcntl(p[1], F_GETFL) | O_NONBLOCK) == 0, "O_NONBLOCK");
  int cap = fill(p[1]);
  if (cap <= 0)
    return 1;
  REQUIRE(cap >= 512 && cap <= 2 * 1024 * 1024, "capacity %d", cap);
  char drain[1024];
  REQUIRE(read(p[0], drain, sizeof drain) == sizeof drain, "drain");
  REQUIRE(write(p[1], "y", 1) == 1, "write after draining");
  printf("OK: pipe buffer filled after %d bytes, EAGAIN returned correctly\n", cap);
  close(p[0]);
  close(p[1]);

  REQUIRE(pipe(p) == 0, "pipe");
  REQUIRE(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0, "O_NONBLOCK");
  REQUIRE(read(p[0], buf, 1) == -1 && errno == EAGAIN, "empty non-blocking read");
  printf("OK: empty non-blocking read returns EAGAIN\n");
  REQUIRE(write(p[1], "hello", 5) == 5 && close(p[1]) == 0, "write, close");
  REQUIRE(read(p[0], buf, 5) == 5 && read(p[0], buf, 1) == 0, "data before EOF");
  printf("OK: data survives write end close\n");
  close(p[0]);

  REQUIRE(pipe(p) == 0, "pipe");
  fflush(stdout);
  int saved = dup(1);
  REQUIRE(dup2(p[1], 1) == 1, "dup2");
  close(p[1]);
  printf("piped");
  fflush(stdout);
  REQUIRE(dup2(saved, 1) == 1, "restore stdout");
  close(saved);
  got = 0;
  while (got < 6 && (r = read(p[0], buf + got, 6 - got)) > 0)
    got += r;
  REQUIRE(got == 5 && memcmp(buf, "piped", 5) == 0, "dup2 redirect: %d bytes", got);
  close(p[0]);
  printf("OK: dup2 redirect through pipe works\n");

  /* PIPE_BUF bytes go all at once or not at all */
  REQUIRE(pipe(p) == 0, "pipe");
  fcntl(p[1], F_SETFL, O_NONBLOCK);
  static char big[PIPE_BUF];
  REQUIRE(write(p[1], big, PIPE_BUF) == PIPE_BUF, "PIPE_BUF into an empty pipe");
  while (write(p[1], "x", 1) == 1)
    ;
  REQUIRE(read(p[0], big, 10) == 10, "read 10");
  r = write(p[1], big, PIPE_BUF);
  REQUIRE(r == -1 && errno == EAGAIN, "PIPE_BUF into 10 free bytes: %d", r);
  printf("OK: PIPE_BUF atomic write correctly returned EAGAIN when full\n");
  return 0;
}

const struct wtest fs_tests[] = {
    {"chdir-getcwd", t_chdir_getcwd},
    {"closing-pre-opened-dirs", t_closing_preopens},
    {"create-and-remove-dirs", t_create_remove_dirs},
    {"create-dir-at-cwd", t_create_dir_at_cwd},
    {"cross-fs-rename", t_cross_fs_rename},
    {"dangling-symlink-exists", t_dangling_symlink},
    {"dev-null-stat", t_dev_null_stat},
    {"distinct-inodes-same-basename", t_distinct_inodes},
    {"fd-unlink-write", t_unlink_write},
    {"fd-unlink-twice", t_unlink_twice},
    {"fd-unlink-twice-open", t_unlink_twice_open},
    {"fd-unlink-open-after", t_open_after_unlink},
    {"fd-unlink-new-file", t_new_file_after_unlink},
    {"fd-unlink-two-fds", t_unlink_two_fds},
    {"unlink-open-fd-write-after-unlink", t_unlink_recreate},
    {"fstatat-with-chdir", t_fstatat_chdir},
    {"open-under-file", t_open_under_file},
    {"pwrite-and-size", t_pwrite_size},
    {"symlink-open-read-write", t_symlink_rw},
    {"realpath-readdir", t_realpath},
    {"pipes", t_pipes},
    {"pipe-child", t_pipe_child},
    {NULL, NULL},
};
