package kernel

import (
	"slices"
	"time"

	"github.com/wasix-go/wasix"
)

// Fork makes a child of p (proc_fork): a new pid whose parent is p, with a
// copy of p's descriptor table whose descriptors share p's open file
// descriptions (offsets, flags), and p's working directory, arguments,
// environment and mount table. The caller gives the child its program
// state (a copy of memory, or p's memory borrowed for a vfork).
func (p *Process) Fork() (*Process, wasix.Errno) {
	c := &Process{
		k:    p.k,
		cfg:  p.cfg,
		ns:   p.ns,
		born: time.Now(),
		cwd:  p.Getcwd(),
		// A stream of its own: closing the child stops its stdin reader,
		// which must not stop the parent's. Descriptor 0 still shares the
		// parent's stream.
		stdin:  newStdinStream(nil),
		stdout: p.stdout,
		stderr: p.stderr,
	}
	c.cpuBase, _ = hostCPUTime()
	c.cfg.Args = slices.Clone(p.cfg.Args)
	c.cfg.Env = slices.Clone(p.cfg.Env)
	c.fds.max = p.fds.max
	c.abi.Store(p.abi.Load())
	p.fds.cloneInto(&c.fds)
	// The child runs the same program: the exports registered as
	// callbacks (the signal handler above all) stay registered.
	p.thr.cb.mu.RLock()
	c.thr.cb.names, c.thr.cb.set = p.thr.cb.names, p.thr.cb.set
	p.thr.cb.mu.RUnlock()
	// Dispositions are inherited across fork, as in POSIX.
	c.setDispositions(p.SignalDispositions())
	if !p.k.register(c) {
		for _, of := range c.fds.closeAll() {
			of.release()
		}
		c.stdin.stop()
		return nil, wasix.ErrnoAgain
	}
	p.adopt(c)
	return c, wasix.ErrnoSuccess
}

// cloneInto copies t's descriptors into the empty table dst; both then
// refer to the same open file descriptions.
func (t *fdTable) cloneInto(dst *fdTable) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	dst.entries = make([]*fdEntry, len(t.entries))
	for i, e := range t.entries {
		if e == nil {
			continue
		}
		e.of.retain()
		c := *e
		dst.entries[i] = &c
	}
	dst.count = t.count
}

// closeOnExec closes the descriptors marked close-on-exec.
func (t *fdTable) closeOnExec() {
	t.closeAllBut(func(_ int, e *fdEntry) bool { return !e.cloexec })
}

// closeAllBut closes every descriptor keep does not keep.
func (t *fdTable) closeAllBut(keep func(fd int, e *fdEntry) bool) {
	t.mu.Lock()
	var gone []*openFile
	for i, e := range t.entries {
		if e != nil && !keep(i, e) {
			gone = append(gone, e.of)
			t.entries[i] = nil
			t.count--
		}
	}
	t.mu.Unlock()
	for _, of := range gone {
		of.release()
	}
}
