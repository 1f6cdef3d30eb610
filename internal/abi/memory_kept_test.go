package abi

import (
	"context"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// countingAlloc counts the memories it frees.
type countingAlloc struct{ freed int }

func (c *countingAlloc) Allocate(_, max uint64) experimental.LinearMemory {
	return &countingMem{c: c, buf: make([]byte, 0, max)}
}

type countingMem struct {
	c   *countingAlloc
	buf []byte
}

func (m *countingMem) Reallocate(size uint64) []byte {
	if size > uint64(cap(m.buf)) {
		return nil
	}
	m.buf = m.buf[:size]
	return m.buf
}

func (m *countingMem) Free() { m.c.freed++ }

// TestImportedMemoryOutlivesImporters: wazero frees the memory of every
// module that closes, importers included; the imported memory must stay
// until its Link closes, since other instances (threads) may still use it.
func TestImportedMemoryOutlivesImporters(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().
		WithCoreFeatures(api.CoreFeaturesV2|experimental.CoreFeaturesThreads))
	defer rt.Close(ctx)
	h := NewHost(rt)
	defer h.Close(ctx)
	alloc := &countingAlloc{}
	l, err := h.Link(ctx, LinkConfig{Gen: Preview1, Allocator: alloc,
		Memory: &MemoryImport{Module: ModuleEnv, Name: "memory", Min: 1, Max: 2, HasMax: true, Shared: true}})
	if err != nil {
		t.Fatal(err)
	}
	// (import "env" "memory" (memory 1 2 shared))
	importer := []byte{0, 'a', 's', 'm', 1, 0, 0, 0, 2, 16, 1, 3, 'e', 'n', 'v', 6, 'm', 'e', 'm', 'o', 'r', 'y', 2, 3, 1, 2}
	compiled, err := rt.CompileModule(ctx, importer)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		mod, err := rt.InstantiateModule(experimental.WithImportResolver(ctx, l.Resolver()), compiled, wazero.NewModuleConfig().WithName(""))
		if err != nil {
			t.Fatal(err)
		}
		_ = mod.Close(ctx)
	}
	if alloc.freed != 0 {
		t.Fatalf("closing an importer freed the shared memory (%d frees)", alloc.freed)
	}
	l.Close(ctx)
	if alloc.freed != 1 {
		t.Fatalf("closing the link freed the memory %d times, want once", alloc.freed)
	}
}
