package kernel

import (
	"bytes"
	"context"
	"sync"
	"syscall"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/vfs"
)

// pipeCapacity is the buffer of one pipe direction, as on Linux.
const pipeCapacity = 64 << 10

// pipeAtomic is PIPE_BUF: writes up to this size are atomic.
const pipeAtomic = 4096

// pipeBuf is one direction of a pipe: a bounded byte queue with counts of
// the ends that read and write it.
type pipeBuf struct {
	wq waitq

	mu      sync.Mutex
	data    []byte // ring of pipeCapacity bytes, allocated on first write
	head, n int
	readers int
	writers int
	ino     uint64
}

func (b *pipeBuf) take(p []byte) int {
	c := 0
	for c < len(p) && b.n > 0 {
		end := min(b.head+b.n, len(b.data))
		m := copy(p[c:], b.data[b.head:end])
		c += m
		b.head = (b.head + m) % len(b.data)
		b.n -= m
	}
	if b.n == 0 {
		b.head = 0
	}
	return c
}

func (b *pipeBuf) put(p []byte) int {
	if b.data == nil {
		b.data = make([]byte, pipeCapacity)
	}
	c := 0
	for c < len(p) && b.n < len(b.data) {
		tail := (b.head + b.n) % len(b.data)
		end := len(b.data)
		if tail < b.head {
			end = b.head
		}
		m := copy(b.data[tail:end], p[c:])
		c += m
		b.n += m
	}
	return c
}

// pipeEnd is one end of a pipe: it reads from in and writes to out; a
// one-way pipe has one of them nil at each end.
type pipeEnd struct {
	in, out *pipeBuf
	ino     uint64
	once    sync.Once
}

var pipeInos struct {
	sync.Mutex
	next uint64
}

func nextPipeIno() uint64 {
	pipeInos.Lock()
	defer pipeInos.Unlock()
	pipeInos.next++
	return pipeInos.next
}

// newPipe returns the two ends of a pipe: with bidirectional both read and
// write (two buffers), otherwise the first reads and the second writes.
func newPipe(bidirectional bool) (*pipeEnd, *pipeEnd) {
	a := &pipeBuf{readers: 1, writers: 1}
	if !bidirectional {
		ino := nextPipeIno()
		return &pipeEnd{in: a, ino: ino}, &pipeEnd{out: a, ino: ino}
	}
	b := &pipeBuf{readers: 1, writers: 1}
	return &pipeEnd{in: a, out: b, ino: nextPipeIno()}, &pipeEnd{in: b, out: a, ino: nextPipeIno()}
}

func (e *pipeEnd) read(ctx context.Context, bufs [][]byte, nonblock bool) (int, error) {
	b := e.in
	if b == nil {
		return 0, syscall.EBADF
	}
	if iovLen(bufs) == 0 {
		return 0, nil
	}
	var n, before int
	var err error
	werr := b.wq.waitUntil(ctx, func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch {
		case b.n > 0:
			before = b.n
			for _, p := range bufs {
				n += b.take(p)
				if b.n == 0 {
					break
				}
			}
			return true
		case b.writers == 0:
			return true // end of file
		case nonblock:
			err = syscall.EAGAIN
			return true
		}
		return false
	})
	if werr != nil {
		return 0, werr
	}
	switch {
	case n == 0:
	case pipeCapacity-before < pipeAtomic && pipeCapacity-before+n >= pipeAtomic:
		b.wq.notifyWriters() // writable again: an edge, as poll sees it
	default:
		b.wq.poke() // more room for a blocked writer, but no edge
	}
	return n, err
}

func (e *pipeEnd) write(ctx context.Context, bufs [][]byte, nonblock bool) (int, error) {
	b := e.out
	if b == nil {
		return 0, syscall.EBADF
	}
	total := iovLen(bufs)
	// A write of at most pipeAtomic bytes goes in whole or not at all, so
	// that small writes of several writers never interleave.
	need := 1
	if total <= pipeAtomic {
		need = total
		if len(bufs) > 1 {
			bufs = [][]byte{bytes.Join(bufs, nil)}
		}
	}
	n := 0
	for _, p := range bufs {
		for len(p) > 0 {
			var err error
			left := len(p)
			werr := b.wq.waitUntil(ctx, func() bool {
				b.mu.Lock()
				defer b.mu.Unlock()
				switch {
				case b.readers == 0:
					err = syscall.EPIPE
				case pipeCapacity-b.n >= need:
					m := b.put(p)
					n += m
					p = p[m:]
				case nonblock:
					err = syscall.EAGAIN
				default:
					return false
				}
				return true
			})
			if len(p) < left {
				b.wq.notifyReaders() // every write is news to readers, as on Linux
			}
			if werr != nil {
				err = werr
			}
			if err != nil {
				if n > 0 {
					return n, nil // the error comes back on the next call
				}
				return 0, err
			}
			need = 1
		}
	}
	return n, nil
}

func (e *pipeEnd) stat() (vfs.Stat, error) {
	return vfs.Stat{Ino: e.ino, Type: vfs.TypeFIFO, Nlink: 1, Mode: 0o600}, nil
}

// filetype: wasi has no pipe type; WASIX runtimes report unknown.
func (e *pipeEnd) filetype() wasix.Filetype { return wasix.FiletypeUnknown }

func (e *pipeEnd) poll(write bool) (bool, uint64, bool) {
	if write {
		b := e.out
		if b == nil {
			return false, 0, false
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		if b.readers == 0 {
			return true, 0, true
		}
		// Writable when a write of PIPE_BUF bytes would not block, as
		// Linux says (a free page): so a write that failed with EAGAIN
		// is not reported writable until it can go in.
		return pipeCapacity-b.n >= pipeAtomic, uint64(pipeCapacity - b.n), false
	}
	b := e.in
	if b == nil {
		return false, 0, false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.n > 0 || b.writers == 0, uint64(b.n), b.writers == 0
}

// waiters lists the queues of both directions this end uses.
func (e *pipeEnd) waiters() []*waitq {
	var qs []*waitq
	if e.in != nil {
		qs = append(qs, &e.in.wq)
	}
	if e.out != nil && e.out != e.in {
		qs = append(qs, &e.out.wq)
	}
	return qs
}

func (e *pipeEnd) close() error {
	e.once.Do(func() {
		if b := e.in; b != nil {
			b.mu.Lock()
			b.readers--
			if b.readers == 0 {
				b.data, b.n, b.head = nil, 0, 0 // nobody will read it
			}
			b.mu.Unlock()
			b.wq.notify()
		}
		if b := e.out; b != nil {
			b.mu.Lock()
			b.writers--
			b.mu.Unlock()
			b.wq.notify()
		}
	})
	return nil
}

// edges counts the pokes for this end's reader (data in its in buffer)
// and writer (room in its out buffer) only.
func (e *pipeEnd) edges() (r, w uint64) {
	if e.in != nil {
		r = e.in.wq.seq[0].Load()
	}
	if e.out != nil {
		w = e.out.wq.seq[1].Load()
	}
	return r, w
}
