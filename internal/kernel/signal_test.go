package kernel

import (
	"context"
	"testing"
	"time"

	"github.com/wasix-go/wasix"
)

func TestSignalDefaultActions(t *testing.T) {
	for sig, want := range map[wasix.Signal]SignalAction{
		wasix.SignalInt: ActTerminate, wasix.SignalKill: ActTerminate, wasix.SignalChld: ActIgnore,
		wasix.SignalWinch: ActIgnore, wasix.SignalTstp: ActStop, wasix.SignalCont: ActContinue,
	} {
		if got := DefaultAction(sig); got != want {
			t.Errorf("signal %d: %d, want %d", sig, got, want)
		}
	}
	p := threadProc(t, 0, func(*Thread, ThreadEntry) {})
	p.Signal(wasix.SignalWinch)
	if p.Dying() {
		t.Fatal("SIGWINCH is ignored")
	}
	if errno := p.Signal(40); errno != wasix.ErrnoInval {
		t.Fatal(errno.Name())
	}
	p.Signal(wasix.SignalTerm)
	if code, ok := p.ExitCode(); !ok || code != 143 {
		t.Fatal(code, ok)
	}
}

// TestSignalInterrupts: with a handler registered, a signal is pending on
// its thread and ends the thread's call context (EINTR), until taken.
func TestSignalInterrupts(t *testing.T) {
	p := threadProc(t, 0, func(*Thread, ThreadEntry) {})
	p.SetCallback(CallbackSignal, "handler")
	main := p.MainThread()
	done := make(chan wasix.Errno)
	go func() { done <- p.Sleep(main.CallContext(), uint64(10*time.Second)) }()
	time.Sleep(5 * time.Millisecond)
	p.Signal(wasix.SignalUsr1)
	if errno := <-done; errno != wasix.ErrnoIntr {
		t.Fatal(errno.Name())
	}
	if !main.Attention() {
		t.Fatal("no attention")
	}
	if got := main.TakeSignals(); len(got) != 1 || got[0] != wasix.SignalUsr1 {
		t.Fatal(got)
	}
	if main.Attention() || main.CallContext().Err() != nil {
		t.Fatal("still interrupted after the signal was taken")
	}
	// SIGKILL cannot be caught.
	if errno := p.ThreadSignal(main.Tid(), wasix.SignalKill); errno != wasix.ErrnoSuccess {
		t.Fatal(errno.Name())
	}
	if code, _ := p.ExitCode(); code != 137 {
		t.Fatal(code)
	}
	if errno := p.ThreadSignal(12345, wasix.SignalUsr1); errno != wasix.ErrnoSrch {
		t.Fatal(errno.Name())
	}
}

func TestStopContinue(t *testing.T) {
	p := threadProc(t, 0, func(*Thread, ThreadEntry) {})
	p.Signal(wasix.SignalTstp)
	if !p.Stopped() || !p.MainThread().Attention() {
		t.Fatal("not stopped")
	}
	resumed := make(chan struct{})
	go func() {
		p.WaitWhileStopped()
		close(resumed)
	}()
	select {
	case <-resumed:
		t.Fatal("a stopped thread went on")
	case <-time.After(10 * time.Millisecond):
	}
	p.Signal(wasix.SignalCont)
	<-resumed
	if p.Stopped() || p.Dying() {
		t.Fatal("not continued")
	}
}

func TestRaiseInterval(t *testing.T) {
	p := threadProc(t, 0, func(*Thread, ThreadEntry) {})
	p.SetCallback(CallbackSignal, "handler")
	main := p.MainThread()
	if errno := p.RaiseInterval(wasix.SignalAlrm, uint64(time.Millisecond), true); errno != wasix.ErrnoSuccess {
		t.Fatal(errno.Name())
	}
	for n := 0; n < 3; {
		<-main.CallContext().Done()
		n += len(main.TakeSignals())
	}
	p.RaiseInterval(wasix.SignalAlrm, 0, false)
	time.Sleep(5 * time.Millisecond)
	main.TakeSignals()
	time.Sleep(5 * time.Millisecond)
	if main.Attention() {
		t.Fatal("the timer went on after it was cancelled")
	}
	// One-shot, ended with the process.
	p.RaiseInterval(wasix.SignalAlrm, uint64(time.Hour), false)
	p.SetExit(0)
	if len(p.thr.sig.timers) != 0 {
		t.Fatal("timers outlive the process")
	}
	if errno := p.RaiseInterval(0, 1, false); errno != wasix.ErrnoInval {
		t.Fatal(errno.Name())
	}
	_ = context.Background()
}

// TestStoppedKeepsSignals: a stopped process takes no signal but SIGKILL
// and SIGCONT until it continues.
func TestStoppedKeepsSignals(t *testing.T) {
	p := threadProc(t, 0, func(*Thread, ThreadEntry) {})
	p.Signal(wasix.SignalStop)
	p.Signal(wasix.SignalInt)
	if p.Dying() {
		t.Fatal("SIGINT acted on a stopped process")
	}
	p.Signal(wasix.SignalCont)
	got := p.MainThread().TakeSignals()
	if len(got) != 1 || got[0] != wasix.SignalInt {
		t.Fatal(got)
	}
	p.Signal(wasix.SignalStop)
	p.Signal(wasix.SignalKill)
	if code, _ := p.ExitCode(); code != 137 {
		t.Fatal(code)
	}
}
