package host

import "sync"

// gate keeps wazero's runtime open while the runtime's own calls into it
// (compiling, instantiating, closing a module) are under way: wazero's
// store is not safe against Close racing them (a compile or instantiate
// after its Close panics on a nil map). Close shuts the gate, so that
// later calls fail with errClosed, and waits for those already in.
type gate struct {
	mu     sync.Mutex
	closed bool
	n      int
	idle   chan struct{} // closed when n drops to 0 after shut
}

// enter reports whether the runtime is still open and, if so, holds it
// open until leave.
func (g *gate) enter() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.n++
	return true
}

func (g *gate) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n--
	if g.n == 0 && g.idle != nil {
		close(g.idle)
		g.idle = nil
	}
}

// shut refuses new calls and returns a channel closed once the calls
// already in have left.
func (g *gate) shut() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = true
	if g.n == 0 {
		return closedChan
	}
	if g.idle == nil {
		g.idle = make(chan struct{})
	}
	return g.idle
}
