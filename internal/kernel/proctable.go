package kernel

import (
	"sync"

	"github.com/wasix-go/wasix"
)

// ExitStatus is how a process ended: by exiting with Code, or killed by
// Signal (non-zero), in which case Code is 128+Signal as a shell reports it.
type ExitStatus struct {
	Code   uint32
	Signal wasix.Signal
}

// procTable holds what ties processes together: parent and child links,
// the statuses of children not yet joined, process groups, and the runner
// and command table that exec and spawn use. One mutex guards the links of
// every process, so that exit, re-parenting and join never race.
type procTable struct {
	mu       sync.Mutex
	runner   Runner
	commands map[string][]byte // command table: name -> program
}

// procLinks is the part of a Process that the table guards.
type procLinks struct {
	children map[uint32]*Process // live children and zombies not yet joined
	ended    bool                // the process has ended (a zombie until joined)
	status   ExitStatus
	pgid     uint32
	// changed is closed, and replaced, whenever a child ends, waking joins.
	changed chan struct{}

	killSig wasix.Signal // the signal ending the process by default action

	stopReported bool // a join has reported the current stop
}

// linksLocked returns p's links, made ready on first use. k.pt.mu is held.
func (p *Process) linksLocked() *procLinks {
	l := &p.links
	if l.changed == nil {
		l.changed = make(chan struct{})
		l.children = map[uint32]*Process{}
		if l.pgid == 0 {
			l.pgid = p.pid
		}
	}
	return l
}

// adopt records child as a child of p, in p's process group.
func (p *Process) adopt(child *Process) {
	p.k.pt.mu.Lock()
	defer p.k.pt.mu.Unlock()
	pl, cl := p.linksLocked(), child.linksLocked()
	child.ppid = p.pid
	cl.pgid = pl.pgid
	pl.children[child.pid] = child
}

// ended records the end of p (from Close): its status is kept for the
// parent's join, and its children, ended or not, go to process 1, which
// reaps them as init does. Without a parent that can join, nothing is kept.
func (p *Process) ended() {
	t := &p.k.pt
	t.mu.Lock()
	defer t.mu.Unlock()
	l := p.linksLocked()
	if l.ended {
		return
	}
	l.ended = true
	code, _ := p.ExitCode()
	l.status = ExitStatus{Code: code, Signal: l.killSig}

	var initp *Process
	if p.pid != 1 {
		initp = p.k.process(1)
	}
	for pid, c := range l.children {
		delete(l.children, pid)
		if initp == nil || initp.links.ended {
			c.ppid = 0
			continue
		}
		c.ppid = 1
		il := initp.linksLocked()
		il.children[pid] = c
		if c.links.ended {
			close(il.changed)
			il.changed = make(chan struct{})
		}
	}
	if parent := p.k.process(p.ppid); parent != nil && parent.links.changed != nil {
		close(parent.links.changed)
		parent.links.changed = make(chan struct{})
	}
}

// parentPid returns p's parent, which re-parenting changes under the
// table's lock.
func (p *Process) parentPid() uint32 {
	p.k.pt.mu.Lock()
	defer p.k.pt.mu.Unlock()
	return p.ppid
}

// Status returns the exit status of an ended process, and false while it
// runs.
func (p *Process) Status() (ExitStatus, bool) {
	p.k.pt.mu.Lock()
	defer p.k.pt.mu.Unlock()
	l := p.linksLocked()
	return l.status, l.ended
}

// Children returns the pids of p's children not yet joined.
func (p *Process) Children() []uint32 {
	p.k.pt.mu.Lock()
	defer p.k.pt.mu.Unlock()
	var out []uint32
	for pid := range p.linksLocked().children {
		out = append(out, pid)
	}
	return out
}

// Pgid returns the process group of p (its own pid unless inherited).
func (p *Process) Pgid() uint32 {
	p.k.pt.mu.Lock()
	defer p.k.pt.mu.Unlock()
	return p.linksLocked().pgid
}

// register gives p a pid and enters it in the kernel's table, or reports
// false when the kernel runs MaxProcs processes already.
func (k *Kernel) register(p *Process) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.procs) >= k.maxProcs() {
		return false
	}
	p.pid = k.nextPid.Add(1)
	k.procs[p.pid] = p
	return true
}
