package kernel

import (
	"context"
	"crypto/rand"
	"runtime"
	"time"

	"github.com/wasix-go/wasix"
)

// Raise applies the default action of sig to the process, since guests
// cannot install handlers yet (proc_raise). It returns exit true and the
// status 128+sig when the action is to terminate; the caller ends the
// program through the same path as proc_exit. Signals whose default is to
// be ignored (as the spec's signal list says: chld, cont, urg, winch,
// pipe), and the stop signals, which have no job control to act on, do
// nothing. Signal 0 does nothing; numbers past 31 give EINVAL.
func (p *Process) Raise(sig wasix.Signal) (exit bool, code uint32, errno wasix.Errno) {
	switch sig {
	case wasix.SignalNone:
		return false, 0, wasix.ErrnoSuccess
	case wasix.SignalChld, wasix.SignalCont, wasix.SignalUrg, wasix.SignalWinch, wasix.SignalPipe,
		wasix.SignalStop, wasix.SignalTstp, wasix.SignalTtin, wasix.SignalTtou:
		return false, 0, wasix.ErrnoSuccess
	}
	if sig > wasix.SignalSys {
		return false, 0, wasix.ErrnoInval
	}
	code = 128 + uint32(sig)
	p.SetExit(code)
	return true, code, wasix.ErrnoSuccess
}

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
