package kernel

import (
	"context"
	"crypto/rand"
	"runtime"
	"time"

	"github.com/wasix-go/wasix"
)

// SchedYield lets other goroutines run (sched_yield).
func (p *Process) SchedYield() wasix.Errno {
	runtime.Gosched()
	return wasix.ErrnoSuccess
}

// RandomGet fills b with random bytes from crypto/rand (random_get).
func (p *Process) RandomGet(b []byte) wasix.Errno {
	if _, err := rand.Read(b); err != nil {
		return wasix.ErrnoIo
	}
	return wasix.ErrnoSuccess
}

// Parallelism returns how many threads may run at once (thread_parallelism).
func (p *Process) Parallelism() uint32 { return uint32(runtime.NumCPU()) }

// Sleep suspends the calling thread for d nanoseconds (thread_sleep); an
// ended context cuts it short with EINTR.
func (p *Process) Sleep(ctx context.Context, d uint64) wasix.Errno {
	if d == 0 {
		runtime.Gosched()
		return wasix.ErrnoSuccess
	}
	t := time.NewTimer(time.Duration(min(d, 1<<63-1)))
	defer t.Stop()
	select {
	case <-t.C:
		return wasix.ErrnoSuccess
	case <-ctx.Done():
		return wasix.ErrnoIntr
	}
}
