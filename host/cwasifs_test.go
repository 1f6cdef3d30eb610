package host_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/wasix-go/wasix/host"
)

// cwasiFSDir holds programs after Wasmer's tests/c-wasi-tests that are
// about files, descriptors, paths, clocks, polling and networking, as one
// program built with today's wasix-libc that runs the test its first
// argument names.
var cwasiFSDir = filepath.Join("..", "testdata", "guests", "cwasi", "fs")

// cwasiFSTests are the tests of cwasi/fs/bin/cwasifs.wasm. Each checks
// its calls' results in the guest, prints "ok" and exits 0, or says on
// stderr which check failed and exits 1.
var cwasiFSTests = []string{
	// fd.c
	"fd_advise", "fd_allocate", "fd_close", "fd_datasync", "fd_sync", "fd_dup", "fd_dup2", "fd_event",
	"fd_fdflags_get", "fd_fdflags_set", "fd_fdstat_get", "fd_fdstat_set_flags", "fd_fdstat_set_rights",
	"fd_filestat_get", "fd_filestat_set_size", "fd_filestat_set_times", "fd_pipe", "fd_read",
	"fd_readdir", "fd_renumber", "fd_seek", "fd_tell", "fd_write",
	// path.c
	"chdir", "getcwd", "path_create_directory", "path_link", "path_readlink", "path_remove_directory",
	"path_filestat_get", "path_filestat_set_times", "path_open", "path_open2", "path_rename", "path_symlink",
	"path_unlink_file",
	// misc.c
	"clock_time_get", "clock_time_set", "random_get", "sched_yield",
	// net.c
	"port", "poll_oneoff", "epoll_create", "epoll_ctl", "epoll_wait",
	"sock_open", "sock_bind", "sock_listen", "sock_accept", "sock_connect", "sock_addr_peer", "sock_status",
	"sock_get_opt_flag", "sock_get_opt_size", "sock_get_opt_time", "sock_join_multicast",
	"sock_leave_multicast", "sock_pair", "sock_recv", "sock_recv_from", "sock_send", "sock_send_to",
	"sock_shutdown", "resolve",
}

// TestCWasiFS runs each test as Wasmer's Makefile does (--dir=. and the
// network): a fresh host directory as the working directory, /dev, and
// the loopback network. It checks the output and the exit status.
func TestCWasiFS(t *testing.T) {
	wasm, err := os.ReadFile(filepath.Join(cwasiFSDir, "bin", "cwasifs.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	root := "0"
	if os.Geteuid() == 0 {
		root = "1" // permission bits do not deny root: the guest checks EACCES only otherwise
	}
	rt := newRuntime(t, host.RuntimeConfig{Net: &host.NetConfig{LoopbackOnly: true}})
	// clock_time_set moves the realtime clock of its runtime: one of its own
	// that allows it.
	clockRT := newRuntime(t, host.RuntimeConfig{AllowClockSet: true})
	// port changes its runtime's virtual interface.
	portRT := newRuntime(t, host.RuntimeConfig{Net: &host.NetConfig{LoopbackOnly: true}})
	for _, name := range cwasiFSTests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rt := rt
			switch name {
			case "clock_time_set":
				rt = clockRT
			case "port":
				rt = portRT
			}
			r := runGuest(t, rt, wasm, host.Config{
				Args: []string{"cwasifs.wasm", name}, Cwd: "/work", MaxMemoryPages: testPages,
				Env:    []string{"CWASI_ROOT=" + root},
				Mounts: []host.Mount{{GuestPath: "/work", HostDir: t.TempDir()}},
			})
			if r.err != nil || r.code != 0 || r.stdout != "ok\n" {
				t.Errorf("exit %d, error %v, stdout %q, want exit 0 and \"ok\\n\"; stderr:\n%s",
					r.code, r.err, r.stdout, r.stderr)
			}
		})
	}
}

// TestCWasiFSFresh holds cwasi/fs/bin/SOURCES.sha256 against the sources,
// as its Makefile computes it.
func TestCWasiFSFresh(t *testing.T) {
	checkFresh(t, cwasiFSDir, []string{"*.c", "*.h"})
}
