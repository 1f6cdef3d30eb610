package compcache

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// progressDelay is how long a compile runs before it is shown: a cached
// program loads well within it and shows nothing.
const progressDelay = time.Second

// Progress shows, on a terminal, a compile that takes long: one line
// saying what is compiled and for how long, rewritten in place and
// erased when Done is called. Nothing is written when w is not a
// terminal, so that logs and pipes see only the program's own output.
type Progress struct {
	w     io.Writer
	what  string
	start time.Time
	stop  chan struct{}
	done  sync.WaitGroup
	shown bool
}

// StartProgress begins showing what on w if w is a terminal.
func StartProgress(w io.Writer, what string) *Progress {
	if f, ok := w.(*os.File); !ok || !isTerminal(f) {
		return &Progress{}
	}
	t := time.NewTicker(200 * time.Millisecond)
	p := startProgress(w, what, t.C, time.Now())
	go func() { <-p.stop; t.Stop() }()
	return p
}

// startProgress is StartProgress on a terminal, started at start and
// driven by tick, which carries the time.
func startProgress(w io.Writer, what string, tick <-chan time.Time, start time.Time) *Progress {
	p := &Progress{w: w, what: what, start: start, stop: make(chan struct{})}
	p.done.Add(1)
	go func() {
		defer p.done.Done()
		shown := -1
		for {
			select {
			case <-p.stop:
				return
			case t := <-tick:
				// The line is rewritten when the seconds it shows change.
				if d := t.Sub(p.start); d >= progressDelay && int(d.Seconds()) != shown {
					shown = int(d.Seconds())
					fmt.Fprintf(p.w, "\r\x1b[Kwasix: %s (first run; cached afterwards) %ds", p.what, shown)
					p.shown = true
				}
			}
		}
	}()
	return p
}

// Done ends the display and erases its line.
func (p *Progress) Done() {
	if p.stop == nil {
		return
	}
	close(p.stop)
	p.done.Wait()
	p.stop = nil
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
