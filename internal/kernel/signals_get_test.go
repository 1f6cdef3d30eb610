package kernel

import (
	"testing"

	"github.com/wasix-go/wasix"
)

// TestSignalDispositions: the list is checked, kept sorted with the last
// entry of a signal winning, inherited by fork, and an ignored signal
// does not take its default action.
func TestSignalDispositions(t *testing.T) {
	for _, bad := range [][]SignalDisposition{
		{{Sig: wasix.SignalNone}},
		{{Sig: 32}},
		{{Sig: wasix.SignalInt, Disp: 2}},
		{{Sig: wasix.SignalKill, Disp: DispositionIgnore}},
		{{Sig: wasix.SignalStop, Disp: DispositionIgnore}},
	} {
		if errno := checkDispositions(bad); errno != wasix.ErrnoInval {
			t.Errorf("%v: %s", bad, errno.Name())
		}
	}
	p := threadProc(t, 0, func(*Thread, ThreadEntry) {})
	if got := p.SignalDispositions(); len(got) != 0 {
		t.Fatal(got)
	}
	p.setDispositions([]SignalDisposition{
		{Sig: wasix.SignalUsr1, Disp: DispositionDefault},
		{Sig: wasix.SignalTerm, Disp: DispositionIgnore},
		{Sig: wasix.SignalUsr1, Disp: DispositionIgnore},
	})
	want := []SignalDisposition{{wasix.SignalUsr1, DispositionIgnore}, {wasix.SignalTerm, DispositionIgnore}}
	got := p.SignalDispositions()
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatal(got)
	}
	c, errno := p.Fork()
	if errno != wasix.ErrnoSuccess {
		t.Fatal(errno.Name())
	}
	defer c.Close()
	if got := c.SignalDispositions(); len(got) != 2 || got[1] != want[1] {
		t.Fatal("fork did not inherit", got)
	}
	p.Signal(wasix.SignalTerm)
	if p.Dying() {
		t.Fatal("an ignored SIGTERM ended the process")
	}
	p.Signal(wasix.SignalInt)
	if code, ok := p.ExitCode(); !ok || code != 130 {
		t.Fatal(code, ok)
	}
}
