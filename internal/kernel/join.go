package kernel

import (
	"context"
	"time"

	"github.com/wasix-go/wasix"
)

// JoinAny asks JoinChild for whichever child ends first.
const JoinAny = ^uint32(0)

// JoinChild waits for a child of p to end and reaps it (proc_join, waitpid):
// the child pid, or any child with JoinAny. It returns the pid and status
// of the reaped child; found is false when nonblock is set and no child
// has ended yet. ECHILD says p has no such child; an ended ctx gives
// EINTR.
func (p *Process) JoinChild(ctx context.Context, pid uint32, nonblock bool) (got uint32, st ExitStatus, found bool, errno wasix.Errno) {
	t := &p.k.pt
	for {
		t.mu.Lock()
		l := p.linksLocked()
		if pid != JoinAny {
			c := l.children[pid]
			if c == nil {
				t.mu.Unlock()
				return 0, ExitStatus{}, false, wasix.ErrnoChild
			}
			if c.links.ended {
				delete(l.children, pid)
				t.mu.Unlock()
				return pid, c.links.status, true, wasix.ErrnoSuccess
			}
		} else {
			if len(l.children) == 0 {
				t.mu.Unlock()
				return 0, ExitStatus{}, false, wasix.ErrnoChild
			}
			// The lowest pid first, so that results do not depend on map order.
			var best *Process
			for _, c := range l.children {
				if c.links.ended && (best == nil || c.pid < best.pid) {
					best = c
				}
			}
			if best != nil {
				delete(l.children, best.pid)
				t.mu.Unlock()
				return best.pid, best.links.status, true, wasix.ErrnoSuccess
			}
		}
		wait := l.changed
		t.mu.Unlock()
		if nonblock {
			return 0, ExitStatus{}, false, wasix.ErrnoSuccess
		}
		select {
		case <-wait:
		case <-ctx.Done():
			return 0, ExitStatus{}, false, wasix.ErrnoIntr
		}
	}
}

// noteKilled records that sig is ending p by its default action, so that
// a join reports a death by signal rather than an exit with 128+sig.
func (p *Process) noteKilled(sig wasix.Signal) {
	p.k.pt.mu.Lock()
	defer p.k.pt.mu.Unlock()
	if l := p.linksLocked(); l.killSig == 0 && !l.ended {
		l.killSig = sig
	}
}

// KilledBy returns the signal that ended p, or 0.
func (p *Process) KilledBy() wasix.Signal {
	p.k.pt.mu.Lock()
	defer p.k.pt.mu.Unlock()
	return p.links.killSig
}

// SignalProcesses sends sig from p to other processes (proc_signal, kill): pid > 0
// names one process, 0 is p's own process group, -1 every process but
// pid 1 and p, and -N the process group N. ESRCH says nobody matched;
// numbers past 31 give EINVAL. Signal 0 only checks that the target exists.
func (p *Process) SignalProcesses(pid int32, sig wasix.Signal) wasix.Errno {
	if sig > wasix.SignalSys {
		return wasix.ErrnoInval
	}
	var targets []*Process
	switch {
	case pid > 0:
		if q := p.k.process(uint32(pid)); q != nil {
			targets = append(targets, q)
		}
	default:
		group := uint32(-pid)
		if pid == 0 {
			group = p.Pgid()
		}
		p.k.mu.Lock()
		all := make([]*Process, 0, len(p.k.procs))
		for _, q := range p.k.procs {
			all = append(all, q)
		}
		p.k.mu.Unlock()
		for _, q := range all {
			if pid == -1 && (q.pid == 1 || q == p) {
				continue
			}
			if pid == -1 || q.Pgid() == group {
				targets = append(targets, q)
			}
		}
	}
	if len(targets) == 0 {
		return wasix.ErrnoSrch
	}
	for _, q := range targets {
		q.Signal(sig)
	}
	return wasix.ErrnoSuccess
}

// Abort ends p as if SIGABRT killed it: what a trap in a child's program
// means to its parent (status 134, or exit_signal with abrt in a join).
func (p *Process) Abort() {
	p.noteKilled(wasix.SignalAbrt)
	p.SetExit(128 + uint32(wasix.SignalAbrt))
}

// stopPoll is how often a join that also waits for stops looks again: a
// stop does not wake joins the way an exit does.
const stopPoll = 10 * time.Millisecond

// JoinChildStopped is JoinChild that also reports, once per stop, a child
// that a signal stopped (join_flags wake_stopped): found is then true and
// stopped too, the child is not reaped, and st.Signal is SIGSTOP.
func (p *Process) JoinChildStopped(ctx context.Context, pid uint32, nonblock bool) (got uint32, st ExitStatus, found, stopped bool, errno wasix.Errno) {
	for {
		got, st, found, errno = p.JoinChild(ctx, pid, true)
		if found || errno != wasix.ErrnoSuccess {
			return got, st, found, false, errno
		}
		if c := p.stoppedChild(pid); c != nil {
			return c.pid, ExitStatus{Signal: wasix.SignalStop}, true, true, wasix.ErrnoSuccess
		}
		if nonblock {
			return 0, ExitStatus{}, false, false, wasix.ErrnoSuccess
		}
		t := time.NewTimer(stopPoll)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return 0, ExitStatus{}, false, false, wasix.ErrnoIntr
		}
	}
}

// stoppedChild returns a child (pid, or any) stopped and not yet reported,
// marking it reported; children that run again may be reported again.
func (p *Process) stoppedChild(pid uint32) *Process {
	t := &p.k.pt
	t.mu.Lock()
	defer t.mu.Unlock()
	var best *Process
	for cpid, c := range p.linksLocked().children {
		if pid != JoinAny && cpid != pid {
			continue
		}
		if !c.Stopped() {
			c.links.stopReported = false
			continue
		}
		if !c.links.stopReported && (best == nil || c.pid < best.pid) {
			best = c
		}
	}
	if best != nil {
		best.links.stopReported = true
	}
	return best
}
