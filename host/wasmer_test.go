package host_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasix-go/wasix/host"
)

// wasmerDir holds programs after Wasmer's tests/wasix suite (those not
// about dynamic linking, which are in dl), as one program built with
// today's wasix-libc that runs the test its first argument names.
var wasmerDir = filepath.Join("..", "testdata", "guests", "wasmer")

// TestWasmerSuite runs each test as Wasmer's run.sh does: the program
// copied as main.wasm into the working directory (/home, a host
// directory, also mounted at /code), /bin/main and /bin/sh being the
// program too, host directories at /temp1, /temp2, /host and /data, and
// the loopback network. It compares the whole output and the exit status.
func TestWasmerSuite(t *testing.T) {
	wasm, err := os.ReadFile(filepath.Join(wasmerDir, "bin", "wasmer.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	rt := newRuntime(t, host.RuntimeConfig{Net: &host.NetConfig{LoopbackOnly: true}})
	for _, name := range []string{"main", "sh"} {
		if err := rt.AddCommand(t.Context(), name, wasm); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		args []string
		code uint32
		want string
	}{
		// processes (proc.c)
		{[]string{"alarm"}, 0, "Calling sleep\n"},
		// killed in memory.atomic.wait32: SIGKILL's status, 128+9
		{[]string{"atomic-wait-signal"}, 137, "waiting\n"},
		{[]string{"atomic-wait-signal-targeted"}, 0, "targeted child waiting\ntargeted parent survived\n"},
		{[]string{"cloexec-flags"}, 0, ""},
		{[]string{"cloexec-exec"}, 0, ""},
		{[]string{"execv"}, 0, "0"},
		{[]string{"proc-exec"}, 0, "0"},
		{[]string{"proc-exec2"}, 0, "0"},
		{[]string{"fork-failing-exec"}, 0, ""},
		{[]string{"fork-cloexec"}, 0, ""},
		{[]string{"vfork-exec"}, 0, ""},
		{[]string{"vfork-failing-exec"}, 0, ""},
		{[]string{"vfork-cloexec"}, 0, ""},
		{[]string{"signal"}, 0, "0"},
		{[]string{"posix-spawn"}, 0, ""},
		{[]string{"popen-direct"}, 0, "posix_spawn_direct: test data\nposix_spawn_direct: exit status 0\n"},
		{[]string{"popen-pipe2"}, 0, "pipe2_cloexec: test data\npipe2_cloexec: exit status 0\n"},
		{[]string{"popen"}, 0, "popen: test data\npopen: exit status 0\n"},
		{[]string{"shared-fd"}, 0, "closing last fd\nlast fd closed\nparent 2\nchild 1\nchild 2\nparent 1\n"},
		{[]string{"share-tmp-after-fork"}, 0, "0"},
		{[]string{"exit-thread"}, 7, ""},
		{[]string{"exit-signal"}, 9, ""},
		{[]string{"kill-status"}, 0, "9\n"},
		{[]string{"sigaction"}, 0, "0"},
		{[]string{"setjmp-longjmp"}, 0, "setjmp/longjmp: ok\n"},
		// files (fs.c)
		{[]string{"chdir-getcwd"}, 0, "0"},
		{[]string{"closing-pre-opened-dirs"}, 0, "0"},
		{[]string{"create-and-remove-dirs"}, 0, "0"},
		{[]string{"create-dir-at-cwd"}, 0, "0"},
		{[]string{"cross-fs-rename"}, 0, "0"},
		{[]string{"dangling-symlink-exists"}, 0, "0"},
		{[]string{"dev-null-stat"}, 0, "0"},
		{[]string{"distinct-inodes-same-basename"}, 0, "0"},
		{[]string{"fd-unlink-write"}, 0, ""},
		{[]string{"fd-unlink-twice"}, 0, ""},
		{[]string{"fd-unlink-twice-open"}, 0, ""},
		{[]string{"fd-unlink-open-after"}, 0, ""},
		{[]string{"fd-unlink-new-file"}, 0, ""},
		{[]string{"fd-unlink-two-fds"}, 0, ""},
		{[]string{"unlink-open-fd-write-after-unlink"}, 0, "open succeeded\nunlink succeeded\nfdopen succeeded\n" +
			"recreate succeeded\nfirst file write succeeded\nsecond file write succeeded\nverification succeeded\n"},
		{[]string{"fstatat-with-chdir"}, 0, "0"},
		{[]string{"open-under-file"}, 0, "0"},
		{[]string{"pwrite-and-size"}, 0, "0"},
		{[]string{"symlink-open-read-write"}, 0, "0"},
		{[]string{"realpath-readdir"}, 0, "0"},
		{[]string{"pipes"}, 0, "OK: pipe buffer filled after 65536 bytes, EAGAIN returned correctly\n" +
			"OK: empty non-blocking read returns EAGAIN\nOK: data survives write end close\n" +
			"OK: dup2 redirect through pipe works\nOK: PIPE_BUF atomic write correctly returned EAGAIN when full\n"},
		// sockets (net.c)
		{[]string{"fd-close"}, 0, ""},
		{[]string{"fd_pipe"}, 0, "0"},
		{[]string{"socket_pair"}, 0, ""},
		{[]string{"epoll-create-ctl-wait"}, 0, "0"},
		{[]string{"epoll-prune-on-close"}, 0, ""},
		{[]string{"udp-addr-reuse"}, 0, ""},
		{[]string{"udp-ipv6"}, 0, ""},
		{[]string{"udp-autobind-connect"}, 0, ""},
		{[]string{"udp-autobind-sendto"}, 0, ""},
		{[]string{"udp-echo"}, 0, ""},
		{[]string{"tcp-loopback"}, 0, ""},
		// threads, clocks, environment (threads.c)
		{[]string{"lock-timeout"}, 0, ""},
		{[]string{"threads"}, 0, "threads: ok\n"},
		{[]string{"clock-sleep"}, 0, "0"},
		{[]string{"env"}, 0, "0"},
	} {
		t.Run(strings.Join(tc.args, "-"), func(t *testing.T) {
			home := t.TempDir()
			if err := os.WriteFile(filepath.Join(home, "main.wasm"), wasm, 0o644); err != nil {
				t.Fatal(err)
			}
			hostDir := t.TempDir()
			if err := os.WriteFile(filepath.Join(hostDir, "target.txt"), []byte("initial"), 0o644); err != nil {
				t.Fatal(err)
			}
			r := runGuest(t, rt, wasm, host.Config{
				Args: append([]string{"main.wasm"}, tc.args...), Cwd: "/home", MaxMemoryPages: testPages,
				Env: []string{"WASMER_TEST=given"},
				Mounts: []host.Mount{{GuestPath: "/home", HostDir: home}, {GuestPath: "/code", HostDir: home},
					{GuestPath: "/temp1", HostDir: t.TempDir()}, {GuestPath: "/temp2", HostDir: t.TempDir()},
					{GuestPath: "/host", HostDir: hostDir}, {GuestPath: "/data", HostDir: t.TempDir()}},
			})
			if r.err != nil || r.code != tc.code || r.stdout != tc.want {
				t.Errorf("exit %d, error %v, stdout:\n%s\nwant exit %d, stdout:\n%s\nstderr:\n%s",
					r.code, r.err, r.stdout, tc.code, tc.want, r.stderr)
			}
		})
	}
}

// TestWasmerSuiteFresh holds wasmer/bin/SOURCES.sha256 against the
// sources, as its Makefile computes it.
func TestWasmerSuiteFresh(t *testing.T) {
	checkFresh(t, wasmerDir, []string{"*.c", "*.h"})
}
