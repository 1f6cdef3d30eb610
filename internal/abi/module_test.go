package abi

import (
	"context"
	"fmt"
	"testing"

	"github.com/tetratelabs/wazero"
)

// A guest whose imports are known gets host modules with those calls
// alone, shared by every guest importing the same set; past maxSubsets
// sets, guests get the whole module.
func TestLinkBuildsOnlyTheImportedCalls(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	h := NewHost(rt)
	defer h.Close(ctx)
	link := func(calls ...string) map[string]bool {
		t.Helper()
		l, err := h.Link(ctx, LinkConfig{Gen: Preview1, Imports: []string{ModulePreview1},
			Calls: map[string][]string{ModulePreview1: calls}})
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close(ctx)
		got := map[string]bool{}
		for name := range l.byName[ModulePreview1].ExportedFunctionDefinitions() {
			got[name] = true
		}
		return got
	}
	if got := link("fd_write", "proc_exit"); len(got) != 2 || !got["fd_write"] || !got["proc_exit"] {
		t.Errorf("exports %v, want fd_write and proc_exit", got)
	}
	shared := len(h.shared)
	link("proc_exit", "fd_write")
	if len(h.shared) != shared {
		t.Error("the same calls in another order built another module")
	}
	for i := range maxSubsets {
		link("fd_write", fmt.Sprint("no_such_call_", i))
	}
	if got := link("fd_read"); len(got) != len(SpecOf(Preview1).Funcs) {
		t.Errorf("past %d sets: %d exports, want the whole module's %d", maxSubsets, len(got), len(SpecOf(Preview1).Funcs))
	}
}
