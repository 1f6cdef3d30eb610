package kernel

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wasix-go/wasix"
)

// futexTable holds the threads waiting on words of the process's memory,
// by address. One lock orders every wait against every wake, so a wake
// that follows a change of the word can never miss a waiter that saw the
// old value.
type futexTable struct {
	mu      sync.Mutex
	waiters map[uint32][]*futexWaiter
}

type futexWaiter struct {
	ch    chan struct{} // closed by the waker
	woken bool          // set under the table's lock
}

// FutexWait blocks the calling thread while the word at addr (word points
// at it in the shared memory) holds expected (futex_wait). It returns
// woken false only when the timeout (nanoseconds, nil for none) ran out;
// a word that already differs returns woken true at once, as Wasmer does.
// A signal or the end of the process cuts the wait short with EINTR.
func (p *Process) FutexWait(ctx context.Context, addr uint32, word *uint32, expected uint32, timeout *uint64) (woken bool, errno wasix.Errno) {
	ft := &p.thr.futex
	ft.mu.Lock()
	if atomic.LoadUint32(word) != expected {
		ft.mu.Unlock()
		return true, wasix.ErrnoSuccess
	}
	if timeout != nil && *timeout == 0 {
		ft.mu.Unlock()
		return false, wasix.ErrnoSuccess
	}
	var d time.Duration = -1
	if timeout != nil {
		d = time.Duration(min(*timeout, 1<<63-1))
	}
	woken, intr := ft.park(ctx, addr, d)
	if intr {
		return false, wasix.ErrnoIntr
	}
	return woken, wasix.ErrnoSuccess
}

// park queues the caller on addr (ft.mu held on entry, released) and
// blocks until a wake, the timeout d (negative: none) or the end of ctx
// (interrupted). A wake that raced the timeout or ctx took this waiter, so
// it counts as woken and the wake is not lost.
func (ft *futexTable) park(ctx context.Context, addr uint32, d time.Duration) (woken, interrupted bool) {
	w := &futexWaiter{ch: make(chan struct{})}
	if ft.waiters == nil {
		ft.waiters = map[uint32][]*futexWaiter{}
	}
	ft.waiters[addr] = append(ft.waiters[addr], w)
	ft.mu.Unlock()

	var tc <-chan time.Time
	if d >= 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		tc = t.C
	}
	select {
	case <-w.ch:
		return true, false
	case <-tc:
	case <-ctx.Done():
		interrupted = true
	}
	ft.mu.Lock()
	defer ft.mu.Unlock()
	if w.woken {
		return true, false
	}
	ft.remove(addr, w)
	return false, interrupted
}

func (ft *futexTable) remove(addr uint32, w *futexWaiter) {
	q := ft.waiters[addr]
	for i, x := range q {
		if x == w {
			q = append(q[:i], q[i+1:]...)
			break
		}
	}
	if len(q) == 0 {
		delete(ft.waiters, addr)
	} else {
		ft.waiters[addr] = q
	}
}

// FutexWake wakes up to n threads waiting on addr, oldest first, and
// reports whether it woke any (futex_wake with n 1, futex_wake_all with
// n -1).
func (p *Process) FutexWake(addr uint32, n int) bool {
	ft := &p.thr.futex
	ft.mu.Lock()
	defer ft.mu.Unlock()
	q := ft.waiters[addr]
	if len(q) == 0 {
		return false
	}
	if n < 0 || n > len(q) {
		n = len(q)
	}
	for _, w := range q[:n] {
		w.woken = true
		close(w.ch)
	}
	if n == len(q) {
		delete(ft.waiters, addr)
	} else {
		ft.waiters[addr] = append(q[:0:0], q[n:]...)
	}
	return true
}
