package kernel

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/wasix-go/wasix"
)

// Execution contexts (context_create, context_switch, context_destroy):
// cooperative coroutines inside one thread, as wasix-libc's wasix/context.h
// describes them. Each thread is a context-switching environment whose
// main context (id 0) is the code the thread started with. A created
// context runs its entry on a goroutine of its own, started on its first
// switch; a switch hands the thread over to the target and parks the
// caller's goroutine until something switches back, so exactly one
// goroutine of a thread runs guest code at a time and the thread's state
// is only ever touched by that one (the handoff orders the accesses).

// ContextEntry runs the entry function of a context on the calling
// goroutine and returns when it ends: nil when it returned, else the error
// it trapped or unwound with.
type ContextEntry func() error

// ErrContextCancelled is what a suspended context's switch returns when the
// context is destroyed or its thread ends: the caller unwinds the guest
// stack with it, running no guest code.
var ErrContextCancelled = errors.New("the execution context was destroyed")

type contextState uint8

const (
	contextSuspended contextState = iota
	contextActive
	contextTerminated
)

// execContext is one context of a thread.
type execContext struct {
	id    uint64
	state contextState
	entry ContextEntry  // until its first switch
	wake  chan error    // a switch to it: nil, or why it must unwind
	done  chan struct{} // closed when its goroutine has returned
}

// contextEnv is the context-switching environment of a thread.
type contextEnv struct {
	active uint64
	next   uint64
	all    map[uint64]*execContext

	// The end of the thread wakes every context through its wake channel,
	// so that a switch waits on one channel rather than a select (a fifth
	// of a switch's time in the profile). wakes is what that goroutine may
	// touch.
	mu      sync.Mutex
	wakes   map[uint64]chan error
	ended   error // set once the thread ended
	isEnded atomic.Bool
}

// wakeDepth leaves room in a wake channel for the end of the thread on top
// of the one switch that may be under way.
const wakeDepth = 2

func (t *Thread) contexts() *contextEnv {
	if t.ctxs == nil {
		main := &execContext{id: 0, state: contextActive, wake: make(chan error, wakeDepth)}
		e := &contextEnv{next: 1, all: map[uint64]*execContext{0: main}, wakes: map[uint64]chan error{0: main.wake}}
		t.ctxs = e
		context.AfterFunc(&t.base, func() {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.ended = t.contextsEnded()
			e.isEnded.Store(true)
			for _, w := range e.wakes {
				select {
				case w <- e.ended:
				default:
				}
			}
		})
	}
	return t.ctxs
}

// InContext reports whether a created context, not the thread's main one,
// runs now. Fork, exec and stack unwinding are the main context's only.
func (t *Thread) InContext() bool { return t.ctxs != nil && t.ctxs.active != 0 }

// ContextCreate makes a suspended context that runs entry when first
// switched to, and returns its id (never 0, the main context's).
func (t *Thread) ContextCreate(entry ContextEntry) uint64 {
	e := t.contexts()
	id := e.next
	e.next++
	c := &execContext{id: id, entry: entry, wake: make(chan error, wakeDepth)}
	e.all[id] = c
	e.mu.Lock()
	e.wakes[id] = c.wake
	if e.ended != nil {
		c.wake <- e.ended
	}
	e.mu.Unlock()
	return id
}

// ContextSwitch suspends the running context and resumes target, and
// returns when some context switches back to the caller. Switching to the
// running context does nothing; a target that does not exist or is not
// suspended is EINVAL. A non-nil error means the caller must not go on but
// unwind (panic) with it: a context it switched to ended (its trap, or
// that its entry returned, reported in the main context as Wasmer does),
// the process ended (the exit is the error), or the caller was destroyed.
func (t *Thread) ContextSwitch(target uint64) (error, wasix.Errno) {
	e := t.contexts()
	if e.isEnded.Load() {
		// The thread ended: unwind rather than hand it over.
		e.mu.Lock()
		defer e.mu.Unlock()
		return e.ended, wasix.ErrnoSuccess
	}
	if target == e.active {
		return nil, wasix.ErrnoSuccess
	}
	to := e.all[target]
	if to == nil || to.state != contextSuspended {
		return nil, wasix.ErrnoInval
	}
	from := e.all[e.active]
	from.state, to.state, e.active = contextSuspended, contextActive, target
	if entry := to.entry; entry != nil {
		to.entry = nil
		to.done = make(chan struct{})
		go t.runContext(to, entry)
	} else {
		to.wake <- nil
	}
	return <-from.wake, wasix.ErrnoSuccess
}

// contextsEnded is what a context parked when its thread or process ended
// unwinds with: the process's exit, if it exited.
func (t *Thread) contextsEnded() error {
	if code, ok := t.p.ExitCode(); ok {
		return &ContextExit{Code: code}
	}
	return ErrContextCancelled
}

// ContextExit tells a context to unwind because the process exited with
// Code; the ABI layer turns it into the runtime's exit.
type ContextExit struct{ Code uint32 }

func (e *ContextExit) Error() string { return fmt.Sprintf("the process exited with %d", e.Code) }

// runContext runs a context's entry on its own goroutine. When the entry
// ends by itself the context is terminated and the main context resumes
// with the reason, which it raises as a trap; a context unwound because it
// was destroyed, or because the thread ended, hands over to nobody.
func (t *Thread) runContext(c *execContext, entry ContextEntry) {
	defer close(c.done)
	err := entry()
	if errors.Is(err, ErrContextCancelled) || t.base.Err() != nil {
		return
	}
	var exit *ContextExit
	if errors.As(err, &exit) {
		return
	}
	e := t.ctxs
	c.state = contextTerminated
	if err == nil {
		err = fmt.Errorf("execution context %d: its entry function returned", c.id)
	} else {
		err = fmt.Errorf("execution context %d: %w", c.id, err)
	}
	main := e.all[0]
	main.state, e.active = contextActive, 0
	main.wake <- err
}

// ContextDestroy deletes a suspended or terminated context; a started one
// is unwound first (its goroutine ends without running guest code). The
// main context and the running one are EINVAL; an id that names no
// context (never made, or deleted) is a no-op, as wasix/context.h says.
func (t *Thread) ContextDestroy(id uint64) wasix.Errno {
	e := t.contexts()
	if id == 0 || id == e.active {
		return wasix.ErrnoInval
	}
	c := e.all[id]
	if c == nil {
		return wasix.ErrnoSuccess
	}
	delete(e.all, id)
	e.mu.Lock()
	delete(e.wakes, id)
	e.mu.Unlock()
	if c.done != nil {
		if c.state == contextSuspended {
			c.wake <- ErrContextCancelled
		}
		<-c.done
	}
	return wasix.ErrnoSuccess
}
