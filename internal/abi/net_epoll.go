package abi

import (
	"context"
	"encoding/binary"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

// epoll_event of today's WASIX: events u32 at 0, epoll_data (24 bytes,
// returned to the guest as given) at 8; 32 bytes in all.
const epollEventSize = 32

func init() {
	c := genCalls[WasixCurrent]
	c["epoll_create"] = epollCreate
	c["epoll_ctl"] = epollCtl
	c["epoll_wait"] = epollWait
}

// epoll_create(ro_fd*)
func epollCreate(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	return putResult(m, uint32(s[0]), p.EpollCreate)
}

// epollOp decodes the op of epoll_ctl. The witx enum says add=0, mod=1,
// del=2, but wasix-libc's epoll_ctl passes Linux's numbers unchanged
// (ADD=1, DEL=2, MOD=3), and Wasmer decodes the witx enum, so that Linux's
// ADD lands on its mod, which re-registers whether or not the descriptor
// was there. Both kinds of program work when 0 adds, 1 adds or modifies,
// 2 deletes and 3 modifies; only EEXIST for Linux's second ADD is lost.
func epollOp(op uint32) (kernel.EpollOp, bool) {
	switch op {
	case 0:
		return kernel.EpollCtlAdd, true
	case 1:
		return kernel.EpollCtlAddOrMod, true
	case 2:
		return kernel.EpollCtlDel, true
	case 3:
		return kernel.EpollCtlMod, true
	}
	return 0, false
}

// epoll_ctl(epfd, op, fd, event*): a delete reads no event; for the others
// null is EFAULT, as Linux's epoll_ctl, though address 0 is readable
// memory in wasm.
func epollCtl(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	op, known := epollOp(uint32(s[1]))
	if !known {
		return wasix.ErrnoInval
	}
	evPtr := uint32(s[3])
	var ev kernel.EpollEvent
	if op != kernel.EpollCtlDel {
		b, ok := span(m, evPtr, epollEventSize)
		if !ok || evPtr == 0 {
			return wasix.ErrnoFault
		}
		ev.Events = binary.LittleEndian.Uint32(b)
		copy(ev.Data[:], b[8:32])
	}
	return p.EpollCtl(wasix.Fd(uint32(s[0])), op, wasix.Fd(uint32(s[2])), ev)
}

// epoll_wait(epfd, events*, maxevents, timeout, ro_n*)
func epollWait(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	n := uint32(s[2])
	out, ok1 := span64(m, uint32(s[1]), uint64(n)*epollEventSize)
	_, ok2 := span(m, uint32(s[4]), 4)
	if !ok1 || !ok2 {
		return wasix.ErrnoFault
	}
	evs, errno := p.EpollWait(ctx, wasix.Fd(uint32(s[0])), int(min(n, 1<<20)), s[3])
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	for i, ev := range evs {
		b := out[i*epollEventSize : (i+1)*epollEventSize]
		clear(b[:8])
		le32(b, ev.Events)
		copy(b[8:], ev.Data[:])
	}
	return put32(m, uint32(s[4]), uint32(len(evs)))
}
