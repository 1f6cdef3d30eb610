package kernel

import (
	"context"
	"encoding/binary"
	"math"
	"sync"
	"syscall"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/vfs"
)

// eventMax is the largest value the counter may hold, as with eventfd(2).
const eventMax = math.MaxUint64 - 1

// eventFD is an event counter (fd_event): a write of an 8-byte value adds
// it, a read takes the whole counter, or one in semaphore mode, and waits
// while it is zero.
type eventFD struct {
	wq        waitq
	semaphore bool

	mu  sync.Mutex
	val uint64
	ino uint64
}

func (e *eventFD) read(ctx context.Context, bufs [][]byte, nonblock bool) (int, error) {
	if len(bufs) == 0 || len(bufs[0]) < 8 {
		return 0, syscall.EINVAL
	}
	var v uint64
	err := e.wait(ctx, nonblock, e.wq.notifyWriters, func() bool {
		switch {
		case e.val > 0 && e.semaphore:
			v = 1
			e.val--
		case e.val > 0:
			v, e.val = e.val, 0
		default:
			return false
		}
		return true
	})
	if err != nil {
		return 0, err
	}
	binary.LittleEndian.PutUint64(bufs[0], v)
	return 8, nil
}

// wait is the blocking of read and write: it runs step under e.mu until
// step succeeds (EAGAIN instead of waiting when nonblock), then wakes the
// other side with wake.
func (e *eventFD) wait(ctx context.Context, nonblock bool, wake func(), step func() bool) error {
	var err error
	werr := e.wq.waitUntil(ctx, func() bool {
		e.mu.Lock()
		defer e.mu.Unlock()
		if step() {
			return true
		}
		if nonblock {
			err = syscall.EAGAIN
			return true
		}
		return false
	})
	if werr != nil {
		return werr
	}
	if err != nil {
		return err
	}
	wake()
	return nil
}

func (e *eventFD) write(ctx context.Context, bufs [][]byte, nonblock bool) (int, error) {
	var b [8]byte
	n := 0
	for _, p := range bufs {
		n += copy(b[n:], p)
	}
	if n < 8 {
		return 0, syscall.EINVAL
	}
	v := binary.LittleEndian.Uint64(b[:])
	if v == math.MaxUint64 {
		return 0, syscall.EINVAL
	}
	err := e.wait(ctx, nonblock, e.wq.notifyReaders, func() bool {
		if eventMax-e.val < v {
			return false
		}
		e.val += v
		return true
	})
	if err != nil {
		return 0, err
	}
	return 8, nil
}

func (e *eventFD) stat() (vfs.Stat, error) {
	return vfs.Stat{Ino: e.ino, Type: vfs.TypeUnknown, Nlink: 1, Mode: 0o600}, nil
}

func (e *eventFD) filetype() wasix.Filetype { return wasix.FiletypeUnknown }

func (e *eventFD) poll(write bool) (bool, uint64, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if write {
		return e.val < eventMax, 8, false
	}
	return e.val > 0, 8, false
}

func (e *eventFD) waiters() []*waitq { return []*waitq{&e.wq} }

// edges is edger's: the pokes of its one queue.
func (e *eventFD) edges() (r, w uint64) { return e.wq.seq[0].Load(), e.wq.seq[1].Load() }
func (e *eventFD) close() error         { return nil }
