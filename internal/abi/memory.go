package abi

import (
	"fmt"
	"sync"

	"github.com/tetratelabs/wazero/experimental"
	"github.com/wasix-go/wasix/internal/wasmbin"
)

// MemoryImport is the memory a guest imports, as its binary declares it.
// wazero's api.MemoryDefinition does not say whether a memory is shared, so
// the runtime reads the import section itself.
type MemoryImport struct {
	Module, Name string
	Min          uint32 // pages
	Max          uint32 // pages; meaningful when HasMax
	HasMax       bool
	Shared       bool
}

// ImportedMemory returns the first memory wasm imports, or nil if it
// imports none. It reads only the section headers and the import section.
func ImportedMemory(wasm []byte) (*MemoryImport, error) {
	imported, _, err := Memories(wasm)
	return imported, err
}

// Memories returns the first memory wasm imports and the first it defines
// (Module and Name empty), each nil if there is none.
func Memories(wasm []byte) (imported, defined *MemoryImport, err error) {
	imp, def, err := wasmbin.Memories(wasm)
	if err != nil {
		return nil, nil, err
	}
	if imp != nil {
		if imp.Limits.Is64 {
			return nil, nil, fmt.Errorf("%s.%s is a 64-bit memory, which this runtime does not support", imp.Module, imp.Name)
		}
		imported = fromLimits(imp.Limits)
		imported.Module, imported.Name = imp.Module, imp.Name
	}
	if def != nil {
		defined = fromLimits(*def)
	}
	return imported, defined, nil
}

func fromLimits(l wasmbin.Limits) *MemoryImport {
	return &MemoryImport{Min: uint32(l.Min), Max: uint32(l.Max), HasMax: l.HasMax, Shared: l.Shared}
}

// LimitAllocator returns a memory allocator that gives each memory a
// fixed buffer of at most maxPages pages, reserved at once (the Go runtime
// maps large allocations lazily, so untouched pages cost nothing) and never
// moved, which shared memories require. Growth past it fails as
// memory.grow does at a memory's maximum.
func LimitAllocator(maxPages uint32) experimental.MemoryAllocator {
	limit := uint64(maxPages) << 16
	return experimental.MemoryAllocatorFunc(func(_, max uint64) experimental.LinearMemory {
		return &fixedMemory{buf: make([]byte, 0, min(max, limit))}
	})
}

// fixedMemory is a linear memory that never moves.
type fixedMemory struct{ buf []byte }

// Reallocate gives the buffer size bytes, or nil past its capacity.
func (m *fixedMemory) Reallocate(size uint64) []byte {
	if size > uint64(cap(m.buf)) {
		return nil
	}
	m.buf = m.buf[:size]
	return m.buf
}

// Free lets the garbage collector have the buffer.
func (m *fixedMemory) Free() { m.buf = nil }

// memoryModule returns a WebAssembly binary that defines one memory with the
// given limits and exports it as "memory". A guest importing env.memory is
// linked against an instance of it, one per process.
func memoryModule(min, max uint32, shared bool) []byte {
	flags := byte(1) // a maximum is always given: it is how limits apply
	if shared {
		flags = 3
	}
	limits := wasmbin.AppendULEB([]byte{1, flags}, uint64(min)) // one memory
	limits = wasmbin.AppendULEB(limits, uint64(max))
	export := append([]byte{1, 6}, "memory"...) // one export, a 6-byte name
	export = append(export, 2, 0)               // memory 0

	b := []byte("\x00asm\x01\x00\x00\x00")
	b = append(b, 5)
	b = wasmbin.AppendULEB(b, uint64(len(limits)))
	b = append(b, limits...)
	b = append(b, 7)
	b = wasmbin.AppendULEB(b, uint64(len(export)))
	return append(b, export...)
}

// keptAllocator makes imported memories whose Free does nothing, and frees
// them itself when their Link closes. wazero frees the memory of every
// module that closes, the modules importing it included: a thread's
// instance ending, or a main instance exiting, would unmap the memory
// under the process's other threads.
type keptAllocator struct {
	a    experimental.MemoryAllocator
	mu   sync.Mutex
	held []experimental.LinearMemory
}

// Allocate is experimental.MemoryAllocator's.
func (k *keptAllocator) Allocate(cap, max uint64) experimental.LinearMemory {
	m := k.a.Allocate(cap, max)
	k.mu.Lock()
	k.held = append(k.held, m)
	k.mu.Unlock()
	return keptMemory{m}
}

// free frees every memory Allocate made.
func (k *keptAllocator) free() {
	k.mu.Lock()
	held := k.held
	k.held = nil
	k.mu.Unlock()
	for _, m := range held {
		m.Free()
	}
}

// keptMemory is a memory whose owner, not wazero, frees it.
type keptMemory struct{ experimental.LinearMemory }

// Free does nothing: the keptAllocator frees the memory.
func (keptMemory) Free() {}
