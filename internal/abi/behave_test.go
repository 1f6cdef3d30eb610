package abi

import (
	"testing"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

// epoll_ctl takes the witx numbers (add 0, mod 1, del 2) and the Linux
// ones wasix-libc passes (ADD 1, DEL 2, MOD 3): 1 adds or modifies.
func TestEpollCtlOpNumbers(t *testing.T) {
	e := newEnv(t, kernel.ProcConfig{})
	const epPtr, efdPtr, evPtr = 0, 8, 64
	e.must(e.call(WasixCurrent, "epoll_create", epPtr))
	e.must(e.call(WasixCurrent, "fd_event", 0, 0, efdPtr))
	ep, efd := uint64(e.u32(epPtr)), uint64(e.u32(efdPtr))
	e.setU32(evPtr, 1) // EPOLLIN
	// Linux's ADD (1) registers a descriptor that is not in the list...
	e.must(e.call(WasixCurrent, "epoll_ctl", ep, 1, efd, evPtr))
	// ...and, as witx's mod, changes one that is.
	e.must(e.call(WasixCurrent, "epoll_ctl", ep, 1, efd, evPtr))
	// Linux's MOD (3) of a registered one works; DEL (2) removes it.
	e.must(e.call(WasixCurrent, "epoll_ctl", ep, 3, efd, evPtr))
	e.must(e.call(WasixCurrent, "epoll_ctl", ep, 2, efd, 0))
	e.want(e.call(WasixCurrent, "epoll_ctl", ep, 3, efd, evPtr), wasix.ErrnoNoent)
	e.want(e.call(WasixCurrent, "epoll_ctl", ep, 2, efd, 0), wasix.ErrnoNoent)
	// witx's add (0) keeps its EEXIST.
	e.must(e.call(WasixCurrent, "epoll_ctl", ep, 0, efd, evPtr))
	e.want(e.call(WasixCurrent, "epoll_ctl", ep, 0, efd, evPtr), wasix.ErrnoExist)
	e.want(e.call(WasixCurrent, "epoll_ctl", ep, 4, efd, evPtr), wasix.ErrnoInval)
}

// fd_event of today's WASIX takes Linux's EFD_NONBLOCK and EFD_CLOEXEC,
// which wasix-libc's eventfd passes unchanged.
func TestFdEventLinuxFlags(t *testing.T) {
	e := newEnv(t, kernel.ProcConfig{})
	const out, flagsPtr = 0, 16
	e.must(e.call(WasixCurrent, "fd_event", 0, 1<<2|1<<30|1, out))
	fd := uint64(e.u32(out))
	e.must(e.call(WasixCurrent, "fd_fdflags_get", fd, flagsPtr))
	if e.mem.Bytes[flagsPtr]&1 == 0 {
		t.Error("EFD_CLOEXEC did not set close-on-exec")
	}
	// nonblocking and empty: a read says EAGAIN at once
	e.iov(64, 128, 8)
	e.want(e.call(Preview1, "fd_read", fd, 64, 1, 32), wasix.ErrnoAgain)
	e.want(e.call(WasixCurrent, "fd_event", 0, 1<<3, out), wasix.ErrnoInval)
}

// A nonblocking proc_join on a child still running says "nothing" and
// writes back pid 0, which wasix-libc's waitpid returns as is for WNOHANG.
func TestProcJoinNonblockRunning(t *testing.T) {
	e, _ := spawnEnv(t)
	c, errno := e.p.Fork()
	e.must(errno)
	defer c.Close()
	const opt, st = 0x500, 0x520
	e.mem.Bytes[opt] = 1
	e.setU32(opt+4, c.Pid())
	e.must(e.call(WasixCurrent, "proc_join", opt, uint64(wasix.JoinFlagsNonBlocking), st))
	if e.mem.Bytes[st] != byte(wasix.JoinStatusTypeNothing) || e.mem.Bytes[opt] != 1 || e.u32(opt+4) != 0 {
		t.Fatalf("status tag %d, pid tag %d pid %d", e.mem.Bytes[st], e.mem.Bytes[opt], e.u32(opt+4))
	}
}
