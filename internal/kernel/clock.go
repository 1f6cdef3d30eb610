package kernel

import (
	"time"

	"github.com/wasix-go/wasix"
)

// The process CPU-time clock is the host process's CPU time since the
// guest process began (a forked child starts again from zero, as in
// POSIX). It counts what the runtime spends for every guest it runs and
// for itself (the collector), as Wasmer's does: Go cannot tell one
// guest's share apart, and without this clock libc's clock() and times()
// fail. The thread CPU-time clock is not offered: guest threads are
// goroutines, which move between host threads, so no host clock measures
// one; it gives EINVAL, as a timer on either CPU clock does in poll_oneoff.

// cpuTime returns the process CPU-time clock of p, or false when the host
// cannot measure CPU time.
func (p *Process) cpuTime() (uint64, bool) {
	now, ok := hostCPUTime()
	if !ok {
		return 0, false
	}
	return uint64(max(now-p.cpuBase, 0)), true
}

// realtime returns the guest's wall clock in nanoseconds since the epoch:
// the host's plus the offset clock_time_set installed.
func (k *Kernel) realtime() int64 { return time.Now().UnixNano() + k.realOffset.Load() }

// monoBase is the origin of the monotonic clock, shared by every kernel:
// the zero point of a monotonic clock is arbitrary, and one base lets the
// ABI read it without finding the process first.
var monoBase = nanotime()

// Monotonic returns the guest's monotonic clock in nanoseconds.
func Monotonic() int64 { return nanotime() - monoBase }

func (k *Kernel) monotonic() int64 { return Monotonic() }

// ClockResGet returns the resolution of a clock in nanoseconds
// (clock_res_get).
func (p *Process) ClockResGet(id wasix.Clockid) (uint64, wasix.Errno) {
	switch id {
	case wasix.ClockidRealtime, wasix.ClockidMonotonic:
		return 1, wasix.ErrnoSuccess
	case wasix.ClockidProcessCputimeId:
		if _, ok := hostCPUTime(); ok {
			return 1, wasix.ErrnoSuccess
		}
	}
	return 0, wasix.ErrnoInval
}

// ClockTimeGet reads a clock (clock_time_get); the precision hint is not
// needed, every reading is exact to the nanosecond the host gives.
func (p *Process) ClockTimeGet(id wasix.Clockid) (uint64, wasix.Errno) {
	switch id {
	case wasix.ClockidRealtime:
		return uint64(p.k.realtime()), wasix.ErrnoSuccess
	case wasix.ClockidMonotonic:
		return uint64(p.k.monotonic()), wasix.ErrnoSuccess
	case wasix.ClockidProcessCputimeId:
		if t, ok := p.cpuTime(); ok {
			return t, wasix.ErrnoSuccess
		}
	}
	return 0, wasix.ErrnoInval
}

// ClockTimeSet sets the realtime clock of the kernel, for every process of
// it, by keeping an offset from the host clock, which is never touched
// (clock_time_set). EINVAL for any other clock; EPERM unless
// Config.AllowClockSet.
func (p *Process) ClockTimeSet(id wasix.Clockid, t uint64) wasix.Errno {
	if id != wasix.ClockidRealtime {
		return wasix.ErrnoInval
	}
	if !p.k.cfg.AllowClockSet {
		return wasix.ErrnoPerm
	}
	if t > 1<<63-1 {
		return wasix.ErrnoInval
	}
	p.k.realOffset.Store(int64(t) - time.Now().UnixNano())
	return wasix.ErrnoSuccess
}
