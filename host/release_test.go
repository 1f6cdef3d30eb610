package host

import (
	"context"
	"testing"
	"time"

	"github.com/wasix-go/wasix/internal/abi"
)

// TestReleaseClosesItsOwnLink: after an exec, the old program's instance
// is released once its last thread returns, which may be while the new
// program runs; the release must close the old program's link (its
// memory), never the current one, which is the new program's.
func TestReleaseClosesItsOwnLink(t *testing.T) {
	ctx := context.Background()
	r, err := NewRuntime(ctx, RuntimeConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(ctx)
	link := func() (*abi.Link, func() bool) {
		t.Helper()
		mi := &abi.MemoryImport{Module: "env", Name: "memory", Min: 1, Max: 16, HasMax: true, Shared: true}
		l, err := r.host.Link(ctx, abi.LinkConfig{Gen: abi.WasixCurrent, Memory: mi, Imports: []string{}, Allocator: r.alloc})
		if err != nil {
			t.Fatal(err)
		}
		mem := l.Resolver()("env")
		return l, mem.IsClosed
	}
	oldLink, oldClosed := link()
	newLink, newClosed := link()
	defer newLink.Close(ctx)
	oldMod := oldLink.Resolver()("env") // an instance over the old memory

	th := &threads{r: r}
	if !th.live.add(nil) { // a thread of the old program, still running
		t.Fatal("live set closed")
	}
	pr := &procRun{r: r, ctx: ctx, link: oldLink}
	pr.release(oldMod, oldLink, th, nil)
	pr.link = newLink // the exec goes on: the new program's link is current
	if oldClosed() {
		t.Fatal("the old link closed while its thread still ran")
	}
	oldMem, _ := oldMod.Memory().Read(0, 1)
	if r.alloc.lookup(oldMem) == nil {
		t.Skip("memories are not mapped on this platform: their freeing is not seen")
	}
	th.live.done(nil) // the old thread returns: the release goes ahead
	// Until the old memory is freed (the old link closed) or the new
	// link closes; the deadline only guards against a hang.
	deadline := time.Now().Add(20 * time.Second)
	for r.alloc.lookup(oldMem) != nil && !newClosed() && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if newClosed() {
		t.Fatal("the release closed the new program's link")
	}
	if r.alloc.lookup(oldMem) != nil {
		t.Fatal("the release did not free the old program's memory")
	}
}
