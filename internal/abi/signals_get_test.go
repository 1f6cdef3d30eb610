package abi

import (
	"context"
	"testing"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

// keepRunner ends every started process at once, like exitRunner, and
// keeps it so that a test can make calls as the child.
type keepRunner struct {
	exitRunner
	procs []*kernel.Process
}

func (r *keepRunner) Start(p *kernel.Process, prog *kernel.Program) error {
	r.procs = append(r.procs, p)
	return r.exitRunner.Start(p, prog)
}

// TestProcSignalsGetNone: a process given no dispositions reports every
// catchable signal at its default (wasix-libc sets up its default
// handlers from this list); a bad buffer is a fault.
func TestProcSignalsGetNone(t *testing.T) {
	e := newEnv(t, kernel.ProcConfig{})
	const out, buf = 0x100, 0x200
	e.setU32(out, 99)
	e.must(e.call(WasixCurrent, "proc_signals_sizes_get", out))
	if e.u32(out) != 29 {
		t.Fatalf("count %d, want 29 (31 signals but SIGKILL and SIGSTOP)", e.u32(out))
	}
	e.must(e.call(WasixCurrent, "proc_signals_get", buf))
	for i := uint32(0); i < 29; i++ {
		sig, disp := e.mem.Bytes[buf+2*i], e.mem.Bytes[buf+2*i+1]
		if sig == byte(wasix.SignalKill) || sig == byte(wasix.SignalStop) || disp != byte(kernel.DispositionDefault) {
			t.Fatalf("entry %d: signal %d disposition %d", i, sig, disp)
		}
	}
	e.want(e.call(WasixCurrent, "proc_signals_get", 0xfffffffc), wasix.ErrnoFault)
	e.want(e.call(WasixCurrent, "proc_signals_sizes_get", 0xfffffffe), wasix.ErrnoFault)
}

// TestProcSignalsGetSpawned: dispositions given to proc_spawn2 are what
// the child reads back, lowest signal first.
func TestProcSignalsGetSpawned(t *testing.T) {
	e := newEnv(t, kernel.ProcConfig{})
	r := &keepRunner{}
	e.p.Kernel().SetRunner(r)
	if err := e.p.Kernel().AddCommand("three", []byte("ok\x03")); err != nil {
		t.Fatal(err)
	}
	const sigs = 0x600
	e.put(sigs, []byte{
		byte(wasix.SignalTerm), byte(kernel.DispositionIgnore),
		byte(wasix.SignalInt), byte(kernel.DispositionIgnore),
		byte(wasix.SignalHup), byte(kernel.DispositionDefault),
	})
	e.put(0x100, []byte("three"))
	spawn := func(ptr, n uint64) wasix.Errno {
		return e.call(WasixCurrent, "proc_spawn2", 0x100, 5, 0x100, 5, 0, 0, 0, 0, ptr, n, 1, 0, 0, 0x800)
	}
	e.must(spawn(sigs, 3))
	if len(r.procs) != 1 {
		t.Fatal("no child started")
	}
	child := *e
	child.p = r.procs[0]
	child.ctx = kernel.WithProcess(context.Background(), child.p)

	const out, buf = 0x900, 0xa00
	child.must(child.call(WasixCurrent, "proc_signals_sizes_get", out))
	if n := child.u32(out); n != 29 {
		t.Fatalf("count %d", n)
	}
	e.mem.Bytes[buf+58] = 0xaa // just past the array: left alone
	child.must(child.call(WasixCurrent, "proc_signals_get", buf))
	got := map[byte]byte{}
	for i := uint32(0); i < 29; i++ {
		got[e.mem.Bytes[buf+2*i]] = e.mem.Bytes[buf+2*i+1]
	}
	for sig, want := range map[wasix.Signal]kernel.Disposition{
		wasix.SignalHup: kernel.DispositionDefault, wasix.SignalInt: kernel.DispositionIgnore,
		wasix.SignalTerm: kernel.DispositionIgnore, wasix.SignalUsr1: kernel.DispositionDefault,
	} {
		if d, ok := got[byte(sig)]; !ok || d != byte(want) {
			t.Errorf("signal %d: disposition %d (listed %v), want %d", sig, d, ok, want)
		}
	}
	if e.mem.Bytes[buf] != byte(wasix.SignalHup) || e.mem.Bytes[buf+58] != 0xaa {
		t.Fatalf("not lowest first, or written past the end: % x", e.mem.Bytes[buf:buf+60])
	}
	// The array runs past the end of memory.
	child.want(child.call(WasixCurrent, "proc_signals_get", uint64(len(e.mem.Bytes)-4)), wasix.ErrnoFault)
	// The parent was given none: all at their default.
	e.must(e.call(WasixCurrent, "proc_signals_sizes_get", out))
	if e.u32(out) != 29 {
		t.Fatalf("parent count %d", e.u32(out))
	}

	// A null array keeps what the child inherits: nothing here.
	e.must(spawn(0, 3))
	if got := r.procs[1].SignalDispositions(); len(got) != 0 {
		t.Fatal(got)
	}
	// Ignoring SIGKILL is refused; an array out of range is a fault.
	e.put(sigs, []byte{byte(wasix.SignalKill), byte(kernel.DispositionIgnore)})
	e.want(spawn(sigs, 1), wasix.ErrnoInval)
	e.want(spawn(uint64(len(e.mem.Bytes)-2), 2), wasix.ErrnoFault)
}
