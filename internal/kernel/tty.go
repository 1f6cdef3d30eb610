package kernel

import (
	"os"
	"sync"

	"github.com/wasix-go/wasix"
)

// TTY is the terminal state tty_get reports and tty_set changes.
type TTY struct {
	Cols, Rows, Width, Height      uint32
	StdinTTY, StdoutTTY, StderrTTY bool
	Echo, LineBuffered             bool
	LineFeeds                      bool
}

// ttyState is the terminal state of a process. With a real terminal on
// stdin the echo and line modes live in its termios; otherwise they are
// kept here.
type ttyState struct {
	mu       sync.Mutex
	init     bool
	echo     bool
	line     bool
	lf       bool
	saved    any // host termios to restore on Close, if changed
	savedFd  int
	restored bool
}

func (t *ttyState) initLocked() {
	if !t.init {
		t.init, t.echo, t.line, t.lf = true, true, true, true
	}
}

// TTYGet reports the terminal: whether each stdio stream is one, its size
// (80x25 when unknown) and the echo and line-buffering modes.
func (p *Process) TTYGet() (TTY, wasix.Errno) {
	s := TTY{Cols: 80, Rows: 25, StdinTTY: p.stdin.term, StdoutTTY: p.stdout.term, StderrTTY: p.stderr.term}
	for _, v := range []any{p.cfg.Stdout, p.cfg.Stdin, p.cfg.Stderr} {
		if f, ok := v.(*os.File); ok && isTerminal(f) {
			if c, r, w, h, ok := termSize(int(f.Fd())); ok {
				s.Cols, s.Rows, s.Width, s.Height = c, r, w, h
				break
			}
		}
	}
	p.tty.mu.Lock()
	defer p.tty.mu.Unlock()
	p.tty.initLocked()
	s.Echo, s.LineBuffered, s.LineFeeds = p.tty.echo, p.tty.line, p.tty.lf
	if f, ok := p.cfg.Stdin.(*os.File); ok && p.stdin.term {
		if echo, line, ok := termModes(int(f.Fd())); ok {
			s.Echo, s.LineBuffered = echo, line
		}
	}
	return s, wasix.ErrnoSuccess
}

// TTYSet changes the echo and line-buffering modes: on the host terminal
// when stdin is one (the original state is restored by Close), otherwise
// in the process only. Sizes and the *_tty fields are not settable and are
// ignored.
func (p *Process) TTYSet(s TTY) wasix.Errno {
	p.tty.mu.Lock()
	defer p.tty.mu.Unlock()
	p.tty.initLocked()
	p.tty.echo, p.tty.line, p.tty.lf = s.Echo, s.LineBuffered, s.LineFeeds
	if f, ok := p.cfg.Stdin.(*os.File); ok && p.stdin.term {
		fd := int(f.Fd())
		if p.tty.saved == nil {
			saved, ok := termSave(fd)
			if ok {
				p.tty.saved, p.tty.savedFd = saved, fd
			}
		}
		if !termSetModes(fd, s.Echo, s.LineBuffered) {
			return wasix.ErrnoIo
		}
	}
	return wasix.ErrnoSuccess
}

// restoreTTY puts the host terminal back as it was before the first
// tty_set.
func (p *Process) restoreTTY() {
	p.tty.mu.Lock()
	defer p.tty.mu.Unlock()
	if p.tty.saved != nil && !p.tty.restored {
		termRestore(p.tty.savedFd, p.tty.saved)
		p.tty.restored = true
	}
}
