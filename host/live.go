package host

import (
	"sync"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

// liveSet counts the goroutines that run guest code (a process's main
// loop, a spawned or forked child, a thread) and the processes they run.
// Linear memories must outlive every goroutine that can touch them, and
// wazero frees them when a module closes, so whoever closes modules
// under running guests (Runtime.Close, the end of an instance) first
// ends those guests and waits for their goroutines here.
type liveSet struct {
	mu      sync.Mutex
	closing bool // no new goroutine may start
	n       int
	procs   map[*kernel.Process]int // goroutines per process, to kill them
	idle    chan struct{}           // closed when n drops to 0 while closing
}

// add counts a goroutine about to run guest code for p, and reports false
// once the set is closing: the caller must not start it then. p may be
// nil for goroutines that have no process of their own to end.
func (s *liveSet) add(p *kernel.Process) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.n++
	if p != nil {
		if s.procs == nil {
			s.procs = map[*kernel.Process]int{}
		}
		s.procs[p]++
	}
	return true
}

// done uncounts a goroutine counted by add(p), once it no longer touches
// guest memory.
func (s *liveSet) done(p *kernel.Process) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n--
	if p != nil {
		if s.procs[p]--; s.procs[p] <= 0 {
			delete(s.procs, p)
		}
	}
	if s.n == 0 && s.idle != nil {
		close(s.idle)
		s.idle = nil
	}
}

// close refuses new goroutines, kills every process still running (as
// SIGKILL does: blocked calls return and threads unwind at their next
// call boundary) and waits until all counted goroutines have returned or
// stop is closed. It reports whether they all returned. A guest that
// computes without calling the host, compiled without compute
// interrupts, never returns: then close gives up when stop says so.
func (s *liveSet) close(stop <-chan struct{}) bool {
	s.mu.Lock()
	s.closing = true
	if s.n == 0 {
		s.mu.Unlock()
		return true
	}
	if s.idle == nil {
		s.idle = make(chan struct{})
	}
	idle := s.idle
	procs := make([]*kernel.Process, 0, len(s.procs))
	for p := range s.procs {
		procs = append(procs, p)
	}
	s.mu.Unlock()
	for _, p := range procs {
		p.Signal(wasix.SignalKill)
	}
	select {
	case <-idle:
		return true
	case <-stop:
		return false
	}
}

// closedChan is a stop channel that is already closed: close(closedChan)
// only checks whether the goroutines have all returned.
var closedChan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// count returns how many goroutines are counted.
func (s *liveSet) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}
