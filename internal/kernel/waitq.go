package kernel

import (
	"context"
	"sync"
	"sync/atomic"
)

// waitq is a set of channels to poke when an object's readiness may have
// changed. Waiters register a channel with a one-slot buffer, check the
// state again, then block on the channel: a poke can never be lost, and
// nothing spins.
//
// seq counts the pokes meant for readers ([0]) and for writers ([1]):
// an edge-triggered epoll item reports again only after one of them moved,
// so new data is an edge even when the last data was never seen drained.
type waitq struct {
	mu  sync.Mutex
	ws  map[chan struct{}]struct{}
	seq [2]atomic.Uint64
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

// notify pokes every registered waiter without blocking, for a change
// that concerns both readers and writers (a close, a hang-up).
func (q *waitq) notify() {
	q.seq[0].Add(1)
	q.seq[1].Add(1)
	q.poke()
}

// notifyReaders tells of something new to read.
func (q *waitq) notifyReaders() {
	q.seq[0].Add(1)
	q.poke()
}

// notifyWriters tells of room to write.
func (q *waitq) notifyWriters() {
	q.seq[1].Add(1)
	q.poke()
}

func (q *waitq) poke() {
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
