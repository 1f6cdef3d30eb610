package kernel

import (
	"context"
	"sync"
)

// waitq is a set of channels to poke when an object's readiness may have
// changed. Waiters register a channel with a one-slot buffer, check the
// state again, then block on the channel: a poke can never be lost, and
// nothing spins.
type waitq struct {
	mu sync.Mutex
	ws map[chan struct{}]struct{}
}

func (q *waitq) add(ch chan struct{}) {
	q.mu.Lock()
	if q.ws == nil {
		q.ws = map[chan struct{}]struct{}{}
	}
	q.ws[ch] = struct{}{}
	q.mu.Unlock()
}

func (q *waitq) remove(ch chan struct{}) {
	q.mu.Lock()
	delete(q.ws, ch)
	q.mu.Unlock()
}

// notify pokes every registered waiter without blocking.
func (q *waitq) notify() {
	q.mu.Lock()
	for ch := range q.ws {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
	q.mu.Unlock()
}

// waitUntil blocks until cond (called under no lock of q) holds, the queue
// is poked and cond holds, or ctx ends (its error is returned).
func (q *waitq) waitUntil(ctx context.Context, cond func() bool) error {
	if cond() {
		return nil
	}
	ch := make(chan struct{}, 1)
	q.add(ch)
	defer q.remove(ch)
	for !cond() {
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}
