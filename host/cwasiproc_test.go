package host_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasix-go/wasix/host"
)

// cwasiProcDir holds programs after Wasmer's tests/c-wasi-tests about
// processes, threads and the rest of WASIX, as two programs that run the
// test their first argument names: cwasi.wasm (today's wasix-libc) and
// cwasidyn.wasm (a -pie main, for what needs the dynamic linker).
var cwasiProcDir = filepath.Join("..", "testdata", "guests", "cwasi", "proc")

// TestCWasiProc runs each test of cwasi.wasm as Wasmer's Makefile does
// (the program in its writable working directory) and compares the whole
// output and the exit status.
func TestCWasiProc(t *testing.T) {
	wasm, err := os.ReadFile(filepath.Join(cwasiProcDir, "bin", "cwasi.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	rt := newRuntime(t, host.RuntimeConfig{})
	for _, tc := range []struct {
		args []string
		code uint32
		want string
	}{
		// proc_exit_code_*, proc_exit2_*, proc_exit_fpr, proc_exit_hello
		{[]string{"exit-code", "1"}, 1, ""},
		{[]string{"exit-code", "2"}, 2, ""},
		{[]string{"exit-code", "123"}, 123, ""},
		{[]string{"exit-code", "125"}, 125, ""},
		{[]string{"exit-code", "126"}, 126, ""},
		{[]string{"exit"}, 65, ""},
		{[]string{"_exit"}, 65, ""},
		{[]string{"exit-fpr"}, 0, ""},
		{[]string{"exit-hello"}, 1, "Hello, world!\n"},
		// proc_exec, proc_exec2, proc_exec3 (search path), proc_exec3_empty_argv:
		// the output is the program exec'd
		{[]string{"exec"}, 0, "exec child: canary, LTP_TEST_ENV_VAR unset\n"},
		{[]string{"exec2"}, 0, "exec child: canary, LTP_TEST_ENV_VAR test\n"},
		{[]string{"exec3"}, 0, "exec child: canary, LTP_TEST_ENV_VAR unset\n"},
		{[]string{"exec3-empty-argv"}, 0, "no test named: argc 1\n"},
		{[]string{"exec3-errors"}, 0, `no_such_file.wasm: NOENT
notdir/child.wasm: NOTDIR
noexec_file: NOEXEC
noaccess_file: NOEXEC
aaaaaaaaaaaaaaaaaaaa...: NAMETOOLONG
`},
		// proc_id, proc_parent (Wasmer's copies skip fork; this libc has it)
		{[]string{"proc-id"}, 0, "getpid is positive, stable and proc_id's\n" +
			"fork: the child has its own pid and the parent's as getppid\n"},
		{[]string{"proc-parent"}, 0, "getppid is valid and proc_parent's\n" +
			"a forked and a spawned child see their parent's pid\n"},
		// proc_spawn (working directory given as an absolute path)
		{[]string{"proc-spawn"}, 0, "spawned child exited 7\n"},
		// proc_join. Wasmer's copy differs in three places, where this
		// runtime follows POSIX or today's wasix-libc: a bad pointer is
		// EFAULT (Wasmer: MEMVIOLATION); a running child polled without
		// blocking writes back pid 0, which wasix-libc's waitpid(WNOHANG)
		// returns as it is (Wasmer: the child's pid); a pid that is no
		// child is ECHILD, as waitpid(WNOHANG) gives (Wasmer: success).
		{[]string{"proc-join"}, 0, `bad option tag: INVAL
no children: CHILD, pid none, status nothing
join that child: exit 7
join any child: that one, exit 9
non-blocking join of a running child: nothing, pid written back some 0
then blocking: exit 11
non-blocking join of no such pid: CHILD, pid some, status nothing
bad status pointer: FAULT
`},
		// proc_spawn2 and posix_spawn.test: file actions, many arguments
		{[]string{"proc-spawn2"}, 0, `spawn and join: exit 9
open action: child exit 0
dup2 action: child wrote 6 bytes "hello", exit 0
SPAWNED with 18 arguments, A=B 19 times
SPAWNED with 18 arguments, A=B 19 times
`},
		// proc_raise, proc_signal
		{[]string{"proc-raise"}, 0, "handled: 1 time(s), signal 10\nignored: 0 time(s)\nraise(0): 0 time(s)\n"},
		{[]string{"proc-signal"}, 0, `to self: handled 1 time(s), signal 10
signal 0: handled 0 time(s)
signal 255: INVAL
no such pid: SRCH
to a child: it exited 7
`},
		// proc_signals_get, proc_signals_sizes_get: one entry per
		// catchable signal (all but KILL and STOP), as proc_spawn2 gave them
		{[]string{"proc-signals-get"}, 0, `dispositions: count stable, entries valid and distinct
bad buffer: FAULT
bad count pointer: FAULT
child: 29 entries, ignored: 12
`},
		// proc_snapshot needs a journal this runtime does not keep: ENOSYS
		// (Wasmer without journaling answers success and does nothing)
		{[]string{"proc-snapshot"}, 0, "proc_snapshot: errno 52\n"},
		// thread_spawn, thread_join, thread_exit, thread_id, thread_parallelism
		{[]string{"thread-spawn"}, 0, `join: the thread wrote 42 and returned 0x1234
pthread_create's id is pthread_self in the thread, is not the main thread's
arguments: int 7, array sum 15
4 threads ran: 4, ids distinct: yes
`},
		{[]string{"thread-join"}, 0, "join waited for the end: yes\nreturned 0x1234\n"},
		{[]string{"thread-exit"}, 0, `pthread_exit value 0x1234, code after it ran: no
cleanup handler ran: yes
TSD destructor ran: yes, value 1
`},
		{[]string{"thread-id"}, 0, `main thread's id is stable
10 threads: ids valid, distinct from each other and from main's, one pid: yes
bad pointer: FAULT
`},
		{[]string{"thread-parallelism"}, 0, "parallelism stable, at least 1; sysconf online matches, configured matches\n" +
			"bad pointer: FAULT\n"},
		// thread_signal (pthread_kill)
		{[]string{"thread-signal"}, 0, `pthread_kill: signal 10 handled on the target thread: yes, on main: no
signal 0: 0
signal -1: EINVAL
`},
		{[]string{"thread-sleep"}, 0, "sleep 0 returns; 10ms slept at least 10ms: yes; 2x5ms at least 10ms: yes\n"},
		// futex_wait, futex_wake, futex_wake_all. An unaligned futex is
		// EINVAL, as Linux's futex checks it first (Wasmer: MEMVIOLATION).
		{[]string{"futex-wait"}, 0, `value differs: woken true at once
timeout: woken false, after the timeout: yes
futex_wake woke the waiter: yes
unaligned futex pointer: INVAL
bad futex pointer: FAULT
bad woken pointer: FAULT
`},
		{[]string{"futex-wake"}, 0, `no waiters: woken false
5 waiters, 5 wakes: one released by each: yes, all woken: yes
drained: woken false
bad woken pointer: FAULT
`},
		{[]string{"futex-wake-all"}, 0, "no waiters: woken false\n4 waiters all woken: yes\ndrained: woken false\n"},
		{[]string{"sched-yield"}, 0, `1000 yields, and 100 in each of 10 threads: 0 error(s)
another thread ran while this one yielded
two yielding incrementers: 100
`},
		// context_create, context_destroy, context_switch
		{[]string{"context-create"}, 0, `create: SUCCESS, id is not the main context's
entry 0xDEADBEEF: INVAL
entry taking an int: INVAL
bad id pointer: FAULT
`},
		{[]string{"context-destroy"}, 0, "destroy the main context: INVAL\ndestroy one that never was: SUCCESS\n"},
		{[]string{"context-switch"}, 0, `switch to main from main: 0
switch to a new context and back: 0, it ran: yes
it could not destroy itself: -1, EINVAL
destroy main: -1, EINVAL
destroy it: 0
switch to it destroyed: -1, EINVAL
destroy it again: 0
`},
		// callback_signal, random_get
		{[]string{"callback-signal"}, 0, "first callback: a 1, b 0, signal 10\nreplaced: a 1, b 1, signal 12\n"},
		{[]string{"random-get"}, 0, `100 calls of 32 bytes, equal to the one before: 0
128 bytes filled: yes
buffer past the end of memory: FAULT
`},
		// tty_get, tty_set, with no terminal. Today's wasix-libc makes
		// tcgetattr and tcsetattr tty_get and tty_set, which name no
		// descriptor, so a file or fd -1 cannot be told apart from a
		// terminal there (Wasmer's copy, built with a later libc that asks
		// isatty first, wants ENOTTY and EBADF).
		{[]string{"tty-get"}, 0, `fd 0: tty_get 0, isatty 0 ENOTTY
fd 1: tty_get 0, isatty 0 ENOTTY
fd 2: tty_get 0, isatty 0 ENOTTY
regular file: isatty 0 ENOTTY
fd -1: isatty 0 EBADF
`},
		{[]string{"tty-set"}, 0, `tcsetattr action -1: -1 EINVAL
tcsetattr action 3: -1 EINVAL
tcgetattr of stdin, no terminal: 0 0
tcsetattr of a file: 0 0
tcgetattr of a file: 0 0
tcsetattr of fd -1: 0 0
tcgetattr of fd -1: 0 0
`},
	} {
		t.Run(strings.Join(tc.args, "-"), func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "cwasi.wasm"), wasm, 0o644); err != nil {
				t.Fatal(err)
			}
			r := runGuest(t, rt, wasm, host.Config{
				Args: append([]string{"cwasi.wasm"}, tc.args...), Cwd: "/work", MaxMemoryPages: testPages,
				Mounts: []host.Mount{{GuestPath: "/work", HostDir: dir}},
			})
			if r.err != nil || r.code != tc.code || r.stdout != tc.want {
				t.Errorf("exit %d, error %v, stdout:\n%s\nwant exit %d, stdout:\n%s\nstderr:\n%s",
					r.code, r.err, r.stdout, tc.code, tc.want, r.stderr)
			}
		})
	}
}

// TestCWasiProcDynamic runs each test of cwasidyn.wasm with its
// libraries beside it and in /lib, as Wasmer's Makefile maps them.
func TestCWasiProcDynamic(t *testing.T) {
	bin, err := filepath.Abs(filepath.Join(cwasiProcDir, "bin"))
	if err != nil {
		t.Fatal(err)
	}
	wasm, err := os.ReadFile(filepath.Join(bin, "cwasidyn.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	rt := newRuntime(t, host.RuntimeConfig{})
	for _, tc := range []struct {
		name, want string
	}{
		// closure_allocate, closure_free: freeing an index that is not
		// allocated is EINVAL, as closing a closed fd is EBADF (Wasmer:
		// success); a bad pointer is EFAULT (Wasmer: MEMVIOLATION)
		{"closure-allocate", "allocated: non-zero and distinct: yes\nbad pointer: FAULT\n"},
		{"closure-free", `never allocated 999999: INVAL
allocated: SUCCESS
freed again: INVAL
index 0: INVAL, 0xFFFFFFFF: INVAL
5 allocated distinct: yes, freed in reverse
`},
		{"closure-prepare", "prepared closure: SUCCESS, backing saw a=5 b=9 user=7, result 0x15\nvalue type 0xFF: INVAL\n"},
		{"call-dynamic", `strict: SUCCESS, backing saw a=5 b=9 user=7, result 0x15
strict, values too short: INVAL
strict, values too long: INVAL
strict, results too short: INVAL
lax, missing values are zero: SUCCESS, backing saw a=7 b=0 user=7, result 0xe
lax, extra values ignored: SUCCESS, backing saw a=3 b=4 user=7, result 0xe
lax, no room for results: SUCCESS, backing saw a=1 b=2 user=7, result 0xaaaaaaaa
values past the end of memory: FAULT
`},
		// a null result pointer is caught by the C library (EMEMVIOLATION)
		{"reflect-signature", `i32 0, i64 0x1, f32 0x2, f64 0x3
(i32, i64, f32, f64) -> i32, room for 6 and 3: 0, cacheable 1, 4 -> 1, types 0 0x1 0x2 0x3 0xaa 0xaa -> 0 0xbb 0xbb
room for 1 argument: -1 EOVERFLOW, cacheable 1, 4 -> 1, types 0xcc 0xcc 0xcc 0xcc -> 0xdd
room for no result: -1 EOVERFLOW, cacheable 1, 4 -> 1, types 0xee 0xee 0xee 0xee ->
function 0: -1 EINVAL, cacheable 1, 0 -> 0, types ->
function 0xFFFFFFFF: -1 EINVAL, cacheable 0, 0 -> 0, types ->
null result pointer: -1 EMEMVIOLATION
a closure (i32, i64) -> i32: 0, cacheable 0, 2 -> 1, types 0 0x1 -> 0
`},
		{"dlopen", `side1 constructor
data_export = 42
local_function(123)
func_export2() = 99, through a pointer 99, data_export2 = 7
func_export() = 234
local_function: not found (private)
dlclose: 0
dlclose(0): -1, dlerror set
dlclose(0xffffff): -1, dlerror set
dlclose(0xffffffff): -1, dlerror set
`},
		// dlsym, and dlopen_libc's thread-local data of a library
		{"dlsym", `side1 constructor
local handle: data_export 42
local_function: not found, dlerror set
dlopen(NULL) finds main: yes
RTLD_DEFAULT, library local: not found, dlerror set
RTLD_DEFAULT, library global: the same address
bad handle: not found, dlerror set
TLS: "foobar", tls_char aligned, tls_short aligned, tls_int aligned, tls_ll aligned, tls_buf aligned
`},
		// dlopen_libc's tls_get_new-dtv (skipped by Wasmer's copy: it hung)
		{"tls-new-dtv", "10 threads started before dlopen: each its own copy, from 123 to 124: yes; main: 124\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runGuest(t, rt, wasm, host.Config{
				Args: []string{"cwasidyn.wasm", tc.name}, Cwd: "/work", MaxMemoryPages: testPages,
				Mounts: []host.Mount{{GuestPath: "/work", HostDir: bin, ReadOnly: true},
					{GuestPath: "/lib", HostDir: bin, ReadOnly: true}},
			})
			if r.err != nil || r.code != 0 || r.stdout != tc.want {
				t.Errorf("exit %d, error %v, stdout:\n%s\nwant exit 0, stdout:\n%s\nstderr:\n%s",
					r.code, r.err, r.stdout, tc.want, r.stderr)
			}
		})
	}
}

// TestCWasiProcFresh holds cwasi/proc/bin/SOURCES.sha256 against the
// sources, as its Makefile computes it.
func TestCWasiProcFresh(t *testing.T) {
	checkFresh(t, cwasiProcDir, []string{"*.[ch]"})
}
