package kernel

import (
	"os"
	"sync"

	"github.com/wasix-go/wasix"
)

// TTY is the terminal state tty_get reports and tty_set changes.
type TTY struct {
	Cols, Rows, Width, Height      uint32 // size in cells and in pixels
	StdinTTY, StdoutTTY, StderrTTY bool   // which stdio streams are terminals
	Echo                           bool   // typed input is echoed
	LineBuffered                   bool   // input comes a line at a time (canonical mode)
	LineFeeds                      bool   // current generation only; kept, not applied
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
	size     [4]uint32 // cols, rows, width, height without a terminal
	saved    any       // host termios to restore on Close, if changed
	savedFd  int
	restored bool
}

func (t *ttyState) initLocked() {
	if !t.init {
		t.init, t.echo, t.line, t.lf = true, true, true, true
		t.size = [4]uint32{80, 25, 0, 0}
	}
}

// TTYGet reports the terminal: whether each stdio stream is one, its size
// (the terminal's when one is attached, else what tty_set stored, 80x25 at
// first) and the echo and line-buffering modes.
func (p *Process) TTYGet() (TTY, wasix.Errno) {
	s := TTY{StdinTTY: p.stdin.term, StdoutTTY: p.stdout.term, StderrTTY: p.stderr.term}
	p.tty.mu.Lock()
	defer p.tty.mu.Unlock()
	p.tty.initLocked()
	s.Cols, s.Rows, s.Width, s.Height = p.tty.size[0], p.tty.size[1], p.tty.size[2], p.tty.size[3]
	for _, v := range []any{p.cfg.Stdout, p.cfg.Stdin, p.cfg.Stderr} {
		if f, ok := v.(*os.File); ok && isTerminal(f) {
			if c, r, w, h, ok := termSize(int(f.Fd())); ok {
				s.Cols, s.Rows, s.Width, s.Height = c, r, w, h
				break
			}
		}
	}
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
// in the process only. The size is kept for tty_get to report while no
// terminal is attached (a real terminal's size always wins); the *_tty
// fields are not settable and are ignored.
func (p *Process) TTYSet(s TTY) wasix.Errno {
	p.tty.mu.Lock()
	defer p.tty.mu.Unlock()
	p.tty.initLocked()
	p.tty.echo, p.tty.line, p.tty.lf = s.Echo, s.LineBuffered, s.LineFeeds
	p.tty.size = [4]uint32{s.Cols, s.Rows, s.Width, s.Height}
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
