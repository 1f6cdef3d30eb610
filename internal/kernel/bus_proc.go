package kernel

import (
	"time"

	"github.com/wasix-go/wasix"
)

// Bus processes: programs started by bus_open_local to serve calls.

// awaitClosed waits, for a few seconds at most, until the run of p is over
// and p closed (its instance and memory released), so that bus_close
// returns with the bus process gone. The kernel has no channel for the
// end of a run, hence the polling.
func (p *Process) awaitClosed() {
	for i := 0; i < 5000 && p.k.process(p.pid) == p; i++ {
		time.Sleep(time.Millisecond)
	}
}

// startBusProcess starts the program name as a bus process and returns its
// endpoint: a child of parent (or of nobody, for a Go endpoint) with no
// standard input and the parent's standard output and error.
func (k *Kernel) startBusProcess(parent *Process, name string) (*BusEndpoint, wasix.BusError) {
	if parent != nil {
		// Resolved first (the runner keeps what it compiled) to refuse a
		// program that cannot serve.
		prog, errno := parent.FindProgram(name, []string{name}, "")
		if errno != wasix.ErrnoSuccess {
			return nil, busErrorOf(errno)
		}
		if !servesBus(prog) {
			return nil, wasix.BusErrorInvalidAbi
		}
		res, errno := parent.Spawn(SpawnRequest{Name: name, Args: []string{name},
			Stdin: wasix.StdioModeNull, Stdout: wasix.StdioModeInherit, Stderr: wasix.StdioModeInherit})
		if errno != wasix.ErrnoSuccess {
			return nil, busErrorOf(errno)
		}
		c := k.process(res.Pid)
		if c == nil {
			// It has ended already: a closed endpoint says so to the opener.
			ep := k.newEndpoint(nil)
			ep.closed = true
			if st, ok := parent.childStatus(res.Pid); ok {
				ep.rval = st.Code
			}
			return ep, wasix.BusErrorSuccess
		}
		return c.Bus(), wasix.BusErrorSuccess
	}
	r := k.runner()
	if r == nil {
		return nil, wasix.BusErrorUnsupported
	}
	c, err := k.NewProcess(ProcConfig{Args: []string{name}, Preopens: []Preopen{{GuestPath: "/", Name: "/"}}})
	if err != nil {
		return nil, wasix.BusErrorInternalFailure
	}
	prog, errno := c.FindProgram(name, []string{name}, "")
	if errno == wasix.ErrnoSuccess && !servesBus(prog) {
		c.SetExit(127)
		c.Close()
		return nil, wasix.BusErrorInvalidAbi
	}
	if errno == wasix.ErrnoSuccess {
		ep := c.Bus() // before it runs, so that its exit is seen
		if r.Start(c, prog) == nil {
			return ep, wasix.BusErrorSuccess
		}
		errno = wasix.ErrnoNoexec
	}
	c.SetExit(127)
	c.Close()
	return nil, busErrorOf(errno)
}

// servesBus reports whether the program can serve bus calls, when its
// runner can tell (a ServesBus method on the compiled code).
func servesBus(prog *Program) bool {
	c, ok := prog.Code.(interface{ ServesBus() bool })
	return !ok || c.ServesBus()
}

// childStatus returns the exit status of p's ended child pid, if p has it.
func (p *Process) childStatus(pid uint32) (ExitStatus, bool) {
	p.k.pt.mu.Lock()
	defer p.k.pt.mu.Unlock()
	c := p.linksLocked().children[pid]
	if c == nil || !c.links.ended {
		return ExitStatus{}, false
	}
	return c.links.status, true
}

// busErrorOf maps the errno of starting a program to a bus_error.
func busErrorOf(e wasix.Errno) wasix.BusError {
	switch e {
	case wasix.ErrnoSuccess:
		return wasix.BusErrorSuccess
	case wasix.ErrnoNoent, wasix.ErrnoNotdir:
		return wasix.BusErrorInvalidWapm
	case wasix.ErrnoNoexec, wasix.ErrnoLoop:
		return wasix.BusErrorCompileError
	case wasix.ErrnoNotsup:
		return wasix.BusErrorUnsupported
	case wasix.ErrnoAcces, wasix.ErrnoPerm:
		return wasix.BusErrorAccessDenied
	case wasix.ErrnoNomem, wasix.ErrnoMfile, wasix.ErrnoNfile:
		return wasix.BusErrorMemoryAllocationFailed
	}
	return wasix.BusErrorInternalFailure
}

// closeBus closes p's endpoint, if it has one, as p closes: the bus
// processes only p held end, and are waited for, before p is gone, so
// that its run does not return while they still run.
func (p *Process) closeBus() {
	t := &p.k.bus
	t.mu.Lock()
	ep := t.procs[p]
	t.mu.Unlock()
	if ep != nil {
		ep.Close()
	}
}

// CloseBus ends the bus as the runtime closes: every bus process is
// killed and waited for (its memory must not go while it runs), and every
// Go endpoint is closed, which ends the goroutines serving them.
func (k *Kernel) CloseBus() {
	t := &k.bus
	t.mu.Lock()
	var procs []*Process
	for p, ep := range t.procs {
		if ep.started {
			procs = append(procs, p)
		}
	}
	var goEps []*BusEndpoint
	for ep := range t.goEps {
		goEps = append(goEps, ep)
	}
	t.mu.Unlock()
	for _, p := range procs {
		p.Signal(wasix.SignalKill)
	}
	for _, p := range procs {
		p.awaitClosed()
	}
	for _, ep := range goEps {
		ep.Close()
	}
}
