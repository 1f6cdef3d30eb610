package kernel

import (
	"context"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/wasix-go/wasix"
)

// The results of memory.atomic.wait32/64.
const (
	AtomicWaitOK       = 0 // woken by a notify
	AtomicWaitNotEqual = 1 // the word did not hold the expected value
	AtomicWaitTimedOut = 2
)

// AtomicWait is memory.atomic.wait32 (word64 false) and wait64 of the
// program's own instructions, which the runtime turns into host calls so
// that the end of the process reaches their waiters. They share the futex
// table with futex_wait and futex_wake: a program may mix them, and a
// notify must wake both kinds. word points at the aligned word in the
// shared memory; timeout is in nanoseconds, negative for none. A signal or
// the end of the process cuts the wait short with EINTR, which the ABI
// reports as a wake: every waiter in a threads library re-checks its
// condition, and the call's boundary then runs the handler or unwinds.
func (p *Process) AtomicWait(ctx context.Context, addr uint32, word unsafe.Pointer, word64 bool, expected uint64, timeout int64) (uint32, wasix.Errno) {
	ft := &p.thr.futex
	ft.mu.Lock()
	var cur uint64
	if word64 {
		cur = atomic.LoadUint64((*uint64)(word))
	} else {
		cur = uint64(atomic.LoadUint32((*uint32)(word)))
	}
	if cur != expected {
		ft.mu.Unlock()
		return AtomicWaitNotEqual, wasix.ErrnoSuccess
	}
	if timeout == 0 {
		ft.mu.Unlock()
		return AtomicWaitTimedOut, wasix.ErrnoSuccess
	}
	if ctx.Err() != nil {
		ft.mu.Unlock()
		return AtomicWaitOK, wasix.ErrnoIntr
	}
	d := time.Duration(timeout)
	if timeout < 0 {
		d = -1
	}
	switch woken, intr := ft.park(ctx, addr, d); {
	case woken:
		return AtomicWaitOK, wasix.ErrnoSuccess
	case intr:
		return AtomicWaitOK, wasix.ErrnoIntr
	}
	return AtomicWaitTimedOut, wasix.ErrnoSuccess
}

// AtomicNotify is memory.atomic.notify: it wakes up to count waiters on
// addr, futex_wait's included, oldest first, and returns how many.
func (p *Process) AtomicNotify(addr, count uint32) uint32 {
	ft := &p.thr.futex
	ft.mu.Lock()
	defer ft.mu.Unlock()
	q := ft.waiters[addr]
	n := min(uint64(count), uint64(len(q)))
	for _, w := range q[:n] {
		w.woken = true
		close(w.ch)
	}
	if int(n) == len(q) {
		delete(ft.waiters, addr)
	} else {
		ft.waiters[addr] = append(q[:0:0], q[n:]...)
	}
	return uint32(n)
}
