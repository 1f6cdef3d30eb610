package abi

import (
	"context"
	"encoding/binary"
	"unsafe"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

func init() {
	w := wasixCalls
	w["futex_wait"] = futexWait
	w["futex_wake"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		return futexWake(p, m, uint32(s[0]), uint32(s[1]), 1)
	}
	w["futex_wake_all"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		return futexWake(p, m, uint32(s[0]), uint32(s[1]), -1)
	}
}

// futexWord returns the aligned word at addr in the memory, for atomic
// access: api.Memory's own readers are not atomic, and the memory of a
// threaded program is written by other threads meanwhile.
func futexWord(m api.Memory, addr uint32) (*uint32, wasix.Errno) {
	if addr%4 != 0 {
		return nil, wasix.ErrnoInval
	}
	b, ok := span(m, addr, 4)
	if !ok {
		return nil, wasix.ErrnoFault
	}
	return (*uint32)(unsafe.Pointer(&b[0])), wasix.ErrnoSuccess
}

// futex_wait(futex*, expected, timeout *option_timestamp, woken*): woken
// is false only when the timeout ran out.
func futexWait(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	addr, expected, tptr, out := uint32(s[0]), uint32(s[1]), uint32(s[2]), uint32(s[3])
	word, errno := futexWord(m, addr)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	opt, ok := span(m, tptr, 16)
	if !ok {
		return wasix.ErrnoFault
	}
	if _, ok := span(m, out, 1); !ok {
		return wasix.ErrnoFault
	}
	var timeout *uint64
	if opt[0] == 1 { // some
		d := binary.LittleEndian.Uint64(opt[8:])
		timeout = &d
	}
	woken, errno := p.FutexWait(ctx, addr, word, expected, timeout)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	return putBool(m, out, woken)
}

// futex_wake(futex*, woken*) and futex_wake_all: woken says whether a
// thread was waiting.
func futexWake(p *kernel.Process, m api.Memory, addr, out uint32, n int) wasix.Errno {
	if _, errno := futexWord(m, addr); errno != wasix.ErrnoSuccess {
		return errno
	}
	if _, ok := span(m, out, 1); !ok {
		return wasix.ErrnoFault
	}
	return putBool(m, out, p.FutexWake(addr, n))
}

// putBool writes a one-byte bool.
func putBool(m api.Memory, ptr uint32, v bool) wasix.Errno {
	b, ok := span(m, ptr, 1)
	if !ok {
		return wasix.ErrnoFault
	}
	var c byte
	if v {
		c = 1
	}
	b[0] = c
	return wasix.ErrnoSuccess
}
