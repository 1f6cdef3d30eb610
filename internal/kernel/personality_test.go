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
