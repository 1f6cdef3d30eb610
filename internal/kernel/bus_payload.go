package kernel

import (
	"context"
	"sync"
	"syscall"
	"time"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/vfs"
)

// A process receives the request of a call and the result of its own
// calls through descriptors: bus_poll gives each call and result event a
// new read-only descriptor holding the payload, which the program reads to
// its end and closes, as the ABI's bus_event_call and bus_event_result
// carry an fd rather than a buffer. This keeps bus_poll free of guest
// allocation, and lets a program read a large payload in pieces.

// rightsBusPayload are the rights of a payload descriptor: read it, ask
// its size, poll it.
const rightsBusPayload = wasix.RightsFdRead | wasix.RightsFdFilestatGet | wasix.RightsPollFdReadwrite

// busPayload is the object behind a payload descriptor.
type busPayload struct {
	mu   sync.Mutex
	data []byte
	off  int
}

func (b *busPayload) read(_ context.Context, bufs [][]byte, _ bool) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, p := range bufs {
		m := copy(p, b.data[b.off:])
		b.off += m
		n += m
	}
	return n, nil
}

func (b *busPayload) write(context.Context, [][]byte, bool) (int, error) {
	return 0, syscall.EBADF
}

func (b *busPayload) stat() (vfs.Stat, error) {
	return vfs.Stat{Type: vfs.TypeUnknown, Nlink: 1, Size: int64(len(b.data)), Mode: 0o400}, nil
}

func (b *busPayload) filetype() wasix.Filetype { return wasix.FiletypeUnknown }

func (b *busPayload) poll(write bool) (bool, uint64, bool) {
	if write {
		return false, 0, true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return true, uint64(len(b.data) - b.off), b.off == len(b.data)
}

func (b *busPayload) waiters() []*waitq { return nil }

func (b *busPayload) close() error { return nil }

// BusPoll is bus_poll for p: its endpoint's events, the payload of each
// call and result placed in a new descriptor (BusEvent.Fd). If no
// descriptor is left, the events so far are returned, or
// memory_allocation_failed if there are none; the event stays queued.
func (p *Process) BusPoll(ctx context.Context, timeout time.Duration, max int) ([]BusEvent, wasix.BusError) {
	return p.Bus().poll(ctx, timeout, max, func(ev *BusEvent) wasix.BusError {
		if ev.Type != wasix.BusEventTypeCall && ev.Type != wasix.BusEventTypeResult {
			return wasix.BusErrorSuccess
		}
		of := newOpenFile(&busPayload{data: ev.Data}, 0)
		fd, errno := p.add(of, rightsBusPayload, 0, false)
		if errno != wasix.ErrnoSuccess {
			return wasix.BusErrorMemoryAllocationFailed
		}
		ev.Fd = fd
		return wasix.BusErrorSuccess
	})
}
