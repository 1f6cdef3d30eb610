package kernel

import (
	"context"
	"io"
	"os"
	"sync"
	"syscall"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/vfs"
)

// stdinChunk is how much the stdin reader goroutine asks for at a time.
const stdinChunk = 32 << 10

// stdinStream is descriptor 0: an io.Reader drained by a goroutine started
// on first use, so that reads can wait with a context and poll_oneoff can
// wait for input. The goroutine reads one chunk ahead at most. A reader
// that never returns keeps its goroutine until the host process ends,
// which is the price of accepting any io.Reader.
type stdinStream struct {
	r    io.Reader
	term bool // r is a terminal
	wq   waitq

	mu      sync.Mutex
	buf     []byte
	eof     bool
	err     error
	started bool
	stopped bool          // the process has ended: read no more
	more    chan struct{} // asks the goroutine for the next chunk
}

func newStdinStream(r io.Reader) *stdinStream {
	s := &stdinStream{r: r, term: isTerminal(r)}
	if r == nil {
		s.eof = true
	}
	return s
}

// startLocked starts the reader goroutine; s.mu must be held.
func (s *stdinStream) startLocked() {
	if s.started || s.eof || s.stopped {
		return
	}
	s.started = true
	s.more = make(chan struct{}, 1)
	s.more <- struct{}{}
	go s.loop()
}

func (s *stdinStream) loop() {
	chunk := make([]byte, stdinChunk)
	for range s.more {
		n, err := s.r.Read(chunk)
		s.mu.Lock()
		s.buf = append(s.buf, chunk[:n]...)
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.err = err
			}
		}
		done := s.eof || s.stopped
		if !done && len(s.buf) == 0 {
			s.askMoreLocked()
		}
		s.mu.Unlock()
		s.wq.notifyReaders()
		if done {
			return
		}
	}
}

// askMoreLocked pokes the goroutine for another chunk; s.mu must be held.
func (s *stdinStream) askMoreLocked() {
	if s.stopped {
		return
	}
	select {
	case s.more <- struct{}{}:
	default:
	}
}

// stop ends the reader goroutine once its current read returns, so that a
// finished process takes no more input from a reader the embedder may
// hand to the next one. It is called when the process closes, not when a
// descriptor does: several descriptors may share the stream.
func (s *stdinStream) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return
	}
	s.stopped = true
	if s.started {
		close(s.more)
	}
}

func (s *stdinStream) read(ctx context.Context, bufs [][]byte, nonblock bool) (int, error) {
	var n int
	err := s.wq.waitUntil(ctx, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.startLocked()
		if len(s.buf) > 0 {
			for _, b := range bufs {
				c := copy(b, s.buf)
				s.buf = s.buf[c:]
				n += c
				if len(s.buf) == 0 {
					break
				}
			}
			if len(s.buf) == 0 {
				s.buf = nil
				if !s.eof {
					s.askMoreLocked()
				}
			}
			return true
		}
		return s.eof || s.stopped || nonblock
	})
	if err != nil {
		return 0, err
	}
	if n == 0 {
		s.mu.Lock()
		eof, rerr := s.eof, s.err
		s.mu.Unlock()
		switch {
		case rerr != nil:
			return 0, rerr
		case !eof && nonblock:
			return 0, syscall.EAGAIN
		}
	}
	return n, nil
}

func (s *stdinStream) write(context.Context, [][]byte, bool) (int, error) {
	return 0, syscall.EBADF
}

func (s *stdinStream) stat() (vfs.Stat, error) { return streamStat(s.term), nil }

func (s *stdinStream) filetype() wasix.Filetype { return streamFiletype(s.term) }

func (s *stdinStream) poll(write bool) (bool, uint64, bool) {
	if write {
		return false, 0, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.startLocked()
	return len(s.buf) > 0 || s.eof, uint64(len(s.buf)), s.eof
}

func (s *stdinStream) waiters() []*waitq { return []*waitq{&s.wq} }

// close leaves the reader alone: it belongs to the embedder.
func (s *stdinStream) close() error { return nil }

// writerStream is descriptor 1 or 2: writes go straight to an io.Writer.
type writerStream struct {
	mu   sync.Mutex
	w    io.Writer
	term bool // w is a terminal
}

func newWriterStream(w io.Writer) *writerStream {
	return &writerStream{w: w, term: isTerminal(w)}
}

func (s *writerStream) read(context.Context, [][]byte, bool) (int, error) {
	return 0, syscall.EBADF
}

func (s *writerStream) write(_ context.Context, bufs [][]byte, _ bool) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, b := range bufs {
		if s.w == nil {
			n += len(b)
			continue
		}
		m, err := s.w.Write(b)
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func (s *writerStream) stat() (vfs.Stat, error)              { return streamStat(s.term), nil }
func (s *writerStream) filetype() wasix.Filetype             { return streamFiletype(s.term) }
func (s *writerStream) poll(write bool) (bool, uint64, bool) { return write, 0, false }
func (s *writerStream) waiters() []*waitq                    { return nil }
func (s *writerStream) close() error                         { return nil }

// ttyStream is /dev/tty: it reads the process's stdin and writes its
// stdout, the streams a terminal would be.
type ttyStream struct {
	in  *stdinStream
	out *writerStream
}

func (t *ttyStream) read(ctx context.Context, bufs [][]byte, nb bool) (int, error) {
	return t.in.read(ctx, bufs, nb)
}

func (t *ttyStream) write(ctx context.Context, bufs [][]byte, nb bool) (int, error) {
	return t.out.write(ctx, bufs, nb)
}

func (t *ttyStream) stat() (vfs.Stat, error) {
	return vfs.Stat{Type: vfs.TypeCharDevice, Nlink: 1}, nil
}
func (t *ttyStream) filetype() wasix.Filetype { return wasix.FiletypeCharacterDevice }
func (t *ttyStream) poll(write bool) (bool, uint64, bool) {
	if write {
		return true, 0, false
	}
	return t.in.poll(false)
}
func (t *ttyStream) waiters() []*waitq { return []*waitq{&t.in.wq} }
func (t *ttyStream) close() error      { return nil }

// isTerminal reports whether v is an *os.File open on a terminal.
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && f != nil && fdIsTerminal(int(f.Fd()))
}

// streamFiletype is character_device for a terminal and unknown for any
// other stream, so that isatty in the guest answers as on the host.
func streamFiletype(term bool) wasix.Filetype {
	if term {
		return wasix.FiletypeCharacterDevice
	}
	return wasix.FiletypeUnknown
}

func streamStat(term bool) vfs.Stat {
	st := vfs.Stat{Nlink: 1}
	if term {
		st.Type = vfs.TypeCharDevice
	}
	return st
}
