package kernel

import (
	"testing"

	"github.com/wasix-go/wasix"
)

// With KeepPreopens (WASIX programs), closing a preopen succeeds and the
// directory stays usable; plain WASI closes it. Other descriptors close
// either way.
func TestClosePreopen(t *testing.T) {
	for _, keep := range []bool{false, true} {
		p := newProc(t, Config{}, ProcConfig{})
		p.SetPersonality(Personality{KeepPreopens: keep})
		f := open(t, p, "/tmp/x", wasix.OflagsCreat, rw)
		must(t, p.FdClose(3))
		if _, errno := p.Prestat(3); (errno == wasix.ErrnoSuccess) != keep {
			t.Errorf("keep=%v: prestat after close: %s", keep, errno.Name())
		}
		if keep {
			g := open(t, p, "tmp/x", 0, rw)
			must(t, p.FdClose(g))
		}
		must(t, p.FdClose(f))
		want(t, p.FdClose(f), wasix.ErrnoBadf)
	}
}

// With RaiseSigpipe, a write to a pipe without reader fails with EPIPE
// and, with no handler, SIGPIPE ends the process; without, only EPIPE.
func TestSigpipe(t *testing.T) {
	for _, raise := range []bool{false, true} {
		p := newProc(t, Config{}, ProcConfig{})
		p.SetPersonality(Personality{RaiseSigpipe: raise})
		r, w, errno := p.Pipe(false)
		must(t, errno)
		must(t, p.FdClose(r))
		_, errno = p.FdWrite(ctx, w, [][]byte{[]byte("x")})
		want(t, errno, wasix.ErrnoPipe)
		code, dying := p.ExitCode()
		if dying != raise || raise && code != 128+13 {
			t.Errorf("raise=%v: exit %d dying %v", raise, code, dying)
		}
	}
}
