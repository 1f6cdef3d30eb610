package kernel

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wasix-go/wasix"
)

func contextThread(t *testing.T) *Thread {
	t.Helper()
	p, err := New(Config{}).NewProcess(ProcConfig{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p.StartMainThread(context.Background())
}

// A context's entry is a goroutine that switches like guest code would;
// switching back and forth hands the thread over each time, and destroying
// a suspended context ends its goroutine (no leak).
func TestContextPingPongDestroy(t *testing.T) {
	th := contextThread(t)
	n := 0
	var unwound error
	id := th.ContextCreate(func() error {
		for {
			n++
			if err, errno := th.ContextSwitch(0); err != nil || errno != 0 {
				unwound = err
				return err
			}
		}
	})
	if id == 0 {
		t.Fatal("a created context has the main context's id")
	}
	for i := 0; i < 100; i++ {
		if err, errno := th.ContextSwitch(id); err != nil || errno != 0 {
			t.Fatalf("switch %d: %v %v", i, err, errno)
		}
	}
	if n != 100 {
		t.Fatalf("the context ran %d times, want 100", n)
	}
	if th.InContext() {
		t.Fatal("InContext in the main context")
	}
	if errno := th.ContextDestroy(id); errno != 0 {
		t.Fatal(errno)
	}
	// ContextDestroy waited for the goroutine: its unwinding is visible.
	if !errors.Is(unwound, ErrContextCancelled) {
		t.Fatalf("the destroyed context unwound with %v", unwound)
	}
	if _, errno := th.ContextSwitch(id); errno != wasix.ErrnoInval {
		t.Fatalf("switch to a destroyed context: %v", errno)
	}
	if errno := th.ContextDestroy(id); errno != 0 {
		t.Fatalf("destroying a deleted context: %v, want a no-op", errno)
	}
}

func TestContextErrors(t *testing.T) {
	th := contextThread(t)
	if _, errno := th.ContextSwitch(42); errno != wasix.ErrnoInval {
		t.Errorf("switch to an unknown id: %v", errno)
	}
	if err, errno := th.ContextSwitch(0); err != nil || errno != 0 {
		t.Errorf("switch to the running context: %v %v", err, errno)
	}
	if errno := th.ContextDestroy(0); errno != wasix.ErrnoInval {
		t.Errorf("destroy main: %v", errno)
	}
	var inside wasix.Errno
	var id uint64
	id = th.ContextCreate(func() error {
		inside = th.ContextDestroy(id)
		err, _ := th.ContextSwitch(0)
		return err
	})
	th.ContextSwitch(id)
	if inside != wasix.ErrnoInval {
		t.Errorf("a context destroying itself: %v", inside)
	}
	th.ContextDestroy(id)
}

// An entry that returns terminates its context and resumes the main one
// with an error to raise; the terminated context cannot be switched to.
func TestContextEntryReturns(t *testing.T) {
	th := contextThread(t)
	id := th.ContextCreate(func() error { return nil })
	err, errno := th.ContextSwitch(id)
	if errno != 0 || err == nil || !strings.Contains(err.Error(), "entry function returned") {
		t.Fatalf("switch to a context whose entry returns: %v %v", err, errno)
	}
	if th.InContext() {
		t.Fatal("the main context is not the running one again")
	}
	if _, errno := th.ContextSwitch(id); errno != wasix.ErrnoInval {
		t.Fatalf("switch to a terminated context: %v", errno)
	}
	if errno := th.ContextDestroy(id); errno != 0 {
		t.Fatalf("destroy a terminated context: %v", errno)
	}
}

// When the process exits while contexts are parked, each unwinds with the
// exit, and the main context, parked too, learns of it.
func TestContextProcessExit(t *testing.T) {
	th := contextThread(t)
	parked := make(chan error, 1)
	id := th.ContextCreate(func() error {
		th.Process().SetExit(7)
		err, _ := th.ContextSwitch(0) // never resumed: the process ended
		parked <- err
		return err
	})
	// The context parks itself in its own switch to main, which hands the
	// thread back; main's wait sees either the handoff or the end.
	err, _ := th.ContextSwitch(id)
	var ex *ContextExit
	if err != nil && (!errors.As(err, &ex) || ex.Code != 7) {
		t.Fatalf("main after the exit: %v", err)
	}
	if e := <-parked; !errors.As(e, &ex) || ex.Code != 7 {
		t.Fatalf("the parked context unwound with %v, want the exit 7", e)
	}
	// Once the end is known, a switch unwinds instead of handing over.
	<-th.Context().Done()
	for !th.ctxs.isEnded.Load() {
		th.ctxs.mu.Lock() // the end's goroutine runs after Done; wait for it
		th.ctxs.mu.Unlock()
	}
	if err, _ := th.ContextSwitch(id); !errors.As(err, &ex) {
		t.Fatalf("a switch after the end: %v", err)
	}
	// No context's goroutine outlives the process (the bound only matters
	// when one leaks: the test would hang otherwise).
	for cid, c := range th.ctxs.all {
		if c.done == nil {
			continue
		}
		select {
		case <-c.done:
		case <-time.After(time.Minute):
			t.Fatalf("the goroutine of context %d outlived the process", cid)
		}
	}
}

// Several parked contexts all unwind when the process is killed.
func TestContextsUnwindOnKill(t *testing.T) {
	th := contextThread(t)
	var ids []uint64
	for range 5 {
		ids = append(ids, th.ContextCreate(func() error {
			err, _ := th.ContextSwitch(0)
			return err
		}))
	}
	for _, id := range ids {
		th.ContextSwitch(id) // each starts and parks itself
	}
	th.Process().SetExit(137)
	for _, id := range ids {
		select {
		case <-th.ctxs.all[id].done:
		case <-time.After(time.Minute):
			t.Fatalf("context %d was not unwound by the kill", id)
		}
	}
}
