package kernel

import (
	"testing"

	"github.com/wasix-go/wasix"
)

// WASIX programs' fd_close of a preopen succeeds and the directory stays
// usable; plain WASI closes it. Other descriptors close either way.
func TestClosePreopen(t *testing.T) {
	for _, a := range []ABI{ABIPreview1, ABIWasix2022, ABIWasixSeed, ABIWasixCurrent} {
		keep := a != ABIPreview1
		p := newProc(t, Config{}, ProcConfig{})
		p.SetABI(a)
		f := open(t, p, "/tmp/x", wasix.OflagsCreat, rw)
		must(t, p.FdClose(3))
		if _, errno := p.Prestat(3); (errno == wasix.ErrnoSuccess) != keep {
			t.Errorf("abi %d: prestat after close: %s", a, errno.Name())
		}
		if keep {
			g := open(t, p, "tmp/x", 0, rw)
			must(t, p.FdClose(g))
		}
		must(t, p.FdClose(f))
		want(t, p.FdClose(f), wasix.ErrnoBadf)
	}
}

// In today's WASIX a write to a pipe without reader fails with EPIPE and,
// with no handler, SIGPIPE ends the process; elsewhere only EPIPE.
func TestSigpipe(t *testing.T) {
	for _, a := range []ABI{ABIUnknown, ABIPreview1, ABIWasix2022, ABIWasixSeed, ABIWasixCurrent} {
		raise := a == ABIWasixCurrent
		p := newProc(t, Config{}, ProcConfig{})
		p.SetABI(a)
		r, w, errno := p.Pipe(false)
		must(t, errno)
		must(t, p.FdClose(r))
		_, errno = p.FdWrite(ctx, w, [][]byte{[]byte("x")})
		want(t, errno, wasix.ErrnoPipe)
		code, dying := p.ExitCode()
		if dying != raise || raise && code != 128+13 {
			t.Errorf("abi %d: exit %d dying %v", a, code, dying)
		}
	}
}
