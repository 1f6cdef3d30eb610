package kernel

import (
	"sync"
	"time"

	"github.com/wasix-go/wasix"
)

// SignalAction is what happens to a signal no handler catches.
type SignalAction uint8

// The default actions of POSIX.
const (
	ActTerminate SignalAction = iota // end the process with status 128+n
	ActIgnore                        // drop the signal
	ActStop                          // stop every thread until SIGCONT
	ActContinue                      // resume a stopped process
)

// DefaultAction returns what POSIX does with sig when nothing catches it.
// SIGPIPE is ignored as the WASIX signal list says, so that a write to a
// closed pipe reports EPIPE instead of ending the program.
func DefaultAction(sig wasix.Signal) SignalAction {
	switch sig {
	case wasix.SignalNone, wasix.SignalChld, wasix.SignalUrg, wasix.SignalWinch, wasix.SignalPipe:
		return ActIgnore
	case wasix.SignalCont:
		return ActContinue
	case wasix.SignalStop, wasix.SignalTstp, wasix.SignalTtin, wasix.SignalTtou:
		return ActStop
	}
	return ActTerminate
}

// minSignalInterval is the shortest period of a repeating signal timer.
const minSignalInterval = 100 * time.Microsecond

// signalState is the process-wide part of signals: stopping and the
// interval timers. What is pending lives in each thread.
type signalState struct {
	mu      sync.Mutex
	stopped bool
	cont    chan struct{} // closed when a stopped process continues
	timers  map[wasix.Signal]*time.Timer
	// disp holds the dispositions the process was spawned or forked
	// with (signals_get.go); nil when it was given none.
	disp map[wasix.Signal]Disposition
}

// catchable reports whether a guest handler may take sig.
func catchable(sig wasix.Signal) bool {
	return sig != wasix.SignalKill && sig != wasix.SignalStop
}

// Signal sends sig to the process (from the host, a timer or another
// process). A handler registered with callback_signal gets it on the main
// thread (or, once that has ended, any other) at its next call, and a
// blocking call there returns EINTR. Without a handler the default action
// is taken at once, so that even a program that never calls the runtime
// can be ended. Signal 0 only checks the process exists; past 31, EINVAL.
func (p *Process) Signal(sig wasix.Signal) wasix.Errno {
	if sig > wasix.SignalSys {
		return wasix.ErrnoInval
	}
	if sig == wasix.SignalNone {
		return wasix.ErrnoSuccess
	}
	return p.signalThread(p.signalTarget(), sig)
}

// signalTarget picks the thread a process-directed signal goes to.
func (p *Process) signalTarget() *Thread {
	th := &p.thr
	th.mu.Lock()
	defer th.mu.Unlock()
	if th.main != nil && th.byTid[th.main.tid] == th.main {
		return th.main
	}
	var best *Thread
	for _, t := range th.byTid {
		if best == nil || t.tid < best.tid {
			best = t
		}
	}
	return best
}

// libcMainTid is the thread id wasi-libc (and so wasix-libc) gives its
// main thread without asking the runtime: raise() and pthread_kill() on
// the main thread send it, and Wasmer takes it as the main thread.
const libcMainTid = 0x3fffffff

// ThreadSignal sends sig to the thread tid of the process (thread_signal);
// an unknown tid gives ESRCH. For 2022 programs tid 0 is the main thread:
// one that never imports thread_id raises on tid 0, as 2022 Wasmer took it.
// libcMainTid is the main thread too.
func (p *Process) ThreadSignal(tid uint32, sig wasix.Signal) wasix.Errno {
	if sig > wasix.SignalSys {
		return wasix.ErrnoInval
	}
	t := p.thread(tid)
	if t == nil && (tid == 0 && p.rules().tid0Main || tid == libcMainTid) {
		t = p.MainThread()
	}
	if t == nil {
		return wasix.ErrnoSrch
	}
	if sig == wasix.SignalNone {
		return wasix.ErrnoSuccess
	}
	return p.signalThread(t, sig)
}

// RaiseOn sends sig to the calling thread t (proc_raise): a handler runs
// before the call returns to the guest; a terminating default ends the
// process, which the caller sees through Dying.
func (p *Process) RaiseOn(t *Thread, sig wasix.Signal) wasix.Errno {
	if sig > wasix.SignalSys {
		return wasix.ErrnoInval
	}
	if sig == wasix.SignalNone {
		return wasix.ErrnoSuccess
	}
	return p.signalThread(t, sig)
}

func (p *Process) signalThread(t *Thread, sig wasix.Signal) wasix.Errno {
	if sig == wasix.SignalCont {
		// Continuing happens on sending, since no thread of a stopped
		// process runs to take it.
		p.resume()
	}
	// A stopped process keeps its signals until it continues, but for
	// SIGKILL; a handler takes them at the thread's next boundary.
	queue := catchable(sig) && p.Callback(CallbackSignal) != ""
	if sig != wasix.SignalKill && sig != wasix.SignalCont && p.Stopped() {
		queue = true
	}
	if t != nil && queue {
		t.pending.Or(1 << sig)
		t.interrupt()
		return wasix.ErrnoSuccess
	}
	if p.ignored(sig) {
		return wasix.ErrnoSuccess // dropped, as an ignored signal is
	}
	p.defaultAction(sig)
	return wasix.ErrnoSuccess
}

// defaultAction applies the default of sig to the process.
func (p *Process) defaultAction(sig wasix.Signal) {
	switch p.actionOf(sig) {
	case ActTerminate:
		p.noteKilled(sig) // a join reports the signal (proctable.go)
		p.SetExit(128 + uint32(sig))
	case ActStop:
		p.stop()
	}
}

func (p *Process) stop() {
	s := &p.thr.sig
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.stopped {
		s.stopped = true
		s.cont = make(chan struct{})
		p.thr.attn.Add(1)
	}
}

func (p *Process) resume() {
	s := &p.thr.sig
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		s.stopped = false
		close(s.cont)
		p.thr.attn.Add(-1)
	}
}

// Stopped reports whether the process is stopped by a signal.
func (p *Process) Stopped() bool {
	s := &p.thr.sig
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopped
}

// WaitWhileStopped blocks the calling thread while the process is stopped,
// until SIGCONT or the process's end.
func (p *Process) WaitWhileStopped() {
	s := &p.thr.sig
	s.mu.Lock()
	stopped, cont := s.stopped, s.cont
	s.mu.Unlock()
	if !stopped {
		return
	}
	select {
	case <-cont:
	case <-p.thr.ctx.Done():
	}
}

// TakeSignals returns the signals pending for t, lowest first, and clears
// them, so that its blocking calls wait again.
func (t *Thread) TakeSignals() []wasix.Signal {
	bits := t.pending.Swap(0)
	t.rearm()
	if bits == 0 {
		return nil
	}
	var out []wasix.Signal
	for s := wasix.Signal(1); s <= wasix.SignalSys; s++ {
		if bits&(1<<s) != 0 {
			out = append(out, s)
		}
	}
	return out
}

// SignalUncaught applies the default action of a pending signal that no
// handler can take any more (the guest's handler export is missing).
func (p *Process) SignalUncaught(sig wasix.Signal) {
	if !p.ignored(sig) {
		p.defaultAction(sig)
	}
}

// RaiseInterval arranges for sig to be sent to the process after interval
// nanoseconds, and then every interval if repeat (proc_raise_interval). An
// interval of 0 cancels the timer of sig. Timers end with the process.
func (p *Process) RaiseInterval(sig wasix.Signal, interval uint64, repeat bool) wasix.Errno {
	if sig == wasix.SignalNone || sig > wasix.SignalSys {
		return wasix.ErrnoInval
	}
	s := &p.thr.sig
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.timers[sig]; t != nil {
		t.Stop()
		delete(s.timers, sig)
	}
	if interval == 0 {
		return wasix.ErrnoSuccess
	}
	if s.timers == nil {
		s.timers = map[wasix.Signal]*time.Timer{}
	}
	d := time.Duration(min(interval, 1<<63-1))
	if repeat {
		// A repeating timer faster than this would only flood the process.
		d = max(d, minSignalInterval)
	}
	var t *time.Timer
	t = time.AfterFunc(d, func() {
		if repeat {
			s.mu.Lock()
			if s.timers[sig] == t {
				t.Reset(d)
			}
			s.mu.Unlock()
		}
		p.Signal(sig)
	})
	s.timers[sig] = t
	return wasix.ErrnoSuccess
}

func (p *Process) stopTimers() {
	s := &p.thr.sig
	s.mu.Lock()
	defer s.mu.Unlock()
	for sig, t := range s.timers {
		t.Stop()
		delete(s.timers, sig)
	}
}
