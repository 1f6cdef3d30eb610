package kernel

import (
	"context"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wasix-go/wasix"
)

func TestFutexMismatchAndTimeout(t *testing.T) {
	p := threadProc(t, 0, func(*Thread, ThreadEntry) {})
	word := uint32(1)
	if woken, errno := p.FutexWait(context.Background(), 8, &word, 0, nil); !woken || errno != wasix.ErrnoSuccess {
		t.Fatal("a changed word must return woken at once")
	}
	d := uint64(10 * time.Millisecond)
	start := time.Now()
	if woken, errno := p.FutexWait(context.Background(), 8, &word, 1, &d); woken || errno != wasix.ErrnoSuccess {
		t.Fatal("timeout")
	}
	if time.Since(start) < 10*time.Millisecond {
		t.Fatal("returned early")
	}
	zero := uint64(0)
	if woken, _ := p.FutexWait(context.Background(), 8, &word, 1, &zero); woken {
		t.Fatal("a zero timeout does not wait and is not woken")
	}
	if p.FutexWake(8, 1) {
		t.Fatal("nobody waits")
	}
}

func TestFutexWakeOneAndAll(t *testing.T) {
	p := threadProc(t, 0, func(*Thread, ThreadEntry) {})
	var word uint32
	var woke atomic.Int32
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			if woken, _ := p.FutexWait(context.Background(), 4, &word, 0, nil); woken {
				woke.Add(1)
			}
		})
	}
	for !p.waiting(4, 3) {
		time.Sleep(time.Millisecond)
	}
	if !p.FutexWake(4, 1) {
		t.Fatal("nobody woken")
	}
	for woke.Load() != 1 {
		time.Sleep(time.Millisecond)
	}
	if !p.FutexWake(4, -1) {
		t.Fatal("nobody woken by wake all")
	}
	wg.Wait()
	if woke.Load() != 3 || p.waiting(4, 1) {
		t.Fatal(woke.Load())
	}
}

// waiting reports whether at least n threads wait on addr.
func (p *Process) waiting(addr uint32, n int) bool {
	p.thr.futex.mu.Lock()
	defer p.thr.futex.mu.Unlock()
	return len(p.thr.futex.waiters[addr]) >= n
}

// futexLock is the three-state lock of the thread guests (0 free, 1 held,
// 2 held with waiters), over the kernel's futex calls.
type futexLock struct {
	p    *Process
	word uint32
}

func (l *futexLock) lock() {
	if atomic.CompareAndSwapUint32(&l.word, 0, 1) {
		return
	}
	for atomic.SwapUint32(&l.word, 2) != 0 {
		l.p.FutexWait(context.Background(), 0, &l.word, 2, nil)
	}
}

func (l *futexLock) unlock() {
	if atomic.AddUint32(&l.word, ^uint32(0)) != 0 {
		atomic.StoreUint32(&l.word, 0)
		l.p.FutexWake(0, 1)
	}
}

// TestFutexStress: 64 threads add 1 under a futex lock; the total is
// exact, every time, and no wake-up is lost (a lost one hangs the test).
// WASIX_STRESS_FULL=1 runs 100,000 increments each.
func TestFutexStress(t *testing.T) {
	n := 2000
	if os.Getenv("WASIX_STRESS_FULL") != "" {
		n = 100000
	}
	p := threadProc(t, 0, func(*Thread, ThreadEntry) {})
	for round := range 3 {
		l := &futexLock{p: p}
		var total int
		var wg sync.WaitGroup
		for range 64 {
			wg.Go(func() {
				for range n {
					l.lock()
					total++
					l.unlock()
				}
			})
		}
		wg.Wait()
		if total != 64*n {
			t.Fatalf("round %d: total %d, want %d", round, total, 64*n)
		}
	}
}

// TestFutexPingPong passes a token back and forth between two threads
// through futex wait and wake.
func TestFutexPingPong(t *testing.T) {
	p := threadProc(t, 0, func(*Thread, ThreadEntry) {})
	var turn uint32
	const rounds = 2000
	var wg sync.WaitGroup
	for me := uint32(0); me < 2; me++ {
		wg.Go(func() {
			for range rounds {
				for {
					v := atomic.LoadUint32(&turn)
					if v == me {
						break
					}
					p.FutexWait(context.Background(), 0, &turn, v, nil)
				}
				atomic.StoreUint32(&turn, 1-me)
				p.FutexWake(0, 1)
			}
		})
	}
	wg.Wait()
}
