package kernel

import (
	"slices"

	"github.com/wasix-go/wasix"
)

// Disposition is how a process treats a signal no handler takes; the values
// are the tags of the current generation's disposition enum.
type Disposition uint8

// The dispositions a process can be given.
const (
	DispositionDefault Disposition = iota // the signal's default action
	DispositionIgnore                     // the signal is dropped
)

// SignalDisposition pairs a signal with its disposition, as proc_spawn2
// takes them and proc_signals_get reports them.
type SignalDisposition struct {
	Sig  wasix.Signal
	Disp Disposition
}

// checkDispositions reports EINVAL for a list the kernel cannot hold: an
// unknown signal or disposition, or SIGKILL or SIGSTOP ignored, which POSIX
// forbids since nothing could then end or stop the process.
func checkDispositions(list []SignalDisposition) wasix.Errno {
	for _, d := range list {
		if d.Sig == wasix.SignalNone || d.Sig > wasix.SignalSys || d.Disp > DispositionIgnore {
			return wasix.ErrnoInval
		}
		if d.Disp == DispositionIgnore && !catchable(d.Sig) {
			return wasix.ErrnoInval
		}
	}
	return wasix.ErrnoSuccess
}

// setDispositions replaces p's dispositions with list (checked already). A
// signal listed twice keeps its last entry, as repeated sigaction calls
// would leave it.
func (p *Process) setDispositions(list []SignalDisposition) {
	m := make(map[wasix.Signal]Disposition, len(list))
	for _, d := range list {
		m[d.Sig] = d.Disp
	}
	s := &p.thr.sig
	s.mu.Lock()
	s.disp = m
	s.mu.Unlock()
}

// SignalDispositions returns the dispositions p was given (by proc_spawn2,
// or inherited through fork), lowest signal first. The guest's C library
// reads them at startup (proc_signals_sizes_get, proc_signals_get) to set
// up its own handlers, so that a signal ignored by whoever spawned the
// program stays ignored in it. Signals never given one are not listed:
// they have their default.
func (p *Process) SignalDispositions() []SignalDisposition {
	s := &p.thr.sig
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]SignalDisposition, 0, len(s.disp))
	for sig, d := range s.disp {
		out = append(out, SignalDisposition{Sig: sig, Disp: d})
	}
	slices.SortFunc(out, func(a, b SignalDisposition) int { return int(a.Sig) - int(b.Sig) })
	return out
}

// ignored reports whether p was given "ignore" for sig, so that its default
// action is not taken when no guest handler catches it. A missing entry
// reads as the default.
func (p *Process) ignored(sig wasix.Signal) bool {
	s := &p.thr.sig
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.disp[sig] == DispositionIgnore && catchable(sig)
}

// DispositionTable returns the disposition of every signal a handler may
// take (all but SIGKILL and SIGSTOP), lowest first: what proc_signals_get
// reports. wasix-libc registers its signal entry point at start and
// dispatches every signal through it, but sets up its table of default
// actions only when it applies a disposition (from this list, or a
// sigaction): given an empty list, the first signal to a program that
// never called sigaction would make it call a null function pointer.
func (p *Process) DispositionTable() []SignalDisposition {
	given := p.SignalDispositions()
	out := make([]SignalDisposition, 0, wasix.SignalSys)
	for sig := wasix.Signal(1); sig <= wasix.SignalSys; sig++ {
		if !catchable(sig) {
			continue
		}
		d := SignalDisposition{Sig: sig}
		for _, g := range given {
			if g.Sig == sig {
				d.Disp = g.Disp
			}
		}
		out = append(out, d)
	}
	return out
}
