package host

import (
	"sync/atomic"

	"github.com/tetratelabs/wazero/experimental"
)

// memAllocator makes the linear memories that a Runtime's programs define
// (process_memory_unix.go). There is one per Runtime so that its Close
// can tell it to stop giving memory back.
type memAllocator struct {
	// leak, once set, makes Free keep the memory instead of unmapping
	// it. Runtime.Close sets it when guest goroutines are still running
	// after its wait (a guest computing without calls, with compute
	// interrupts off): closing the wazero runtime frees every memory, and
	// one still in use must stay mapped, leaked for the life of the host
	// process, rather than be pulled from under the code using it.
	leak atomic.Bool
}

// goMemory is a linear memory in a Go slice, grown by copying.
type goMemory struct{ buf []byte }

// Reallocate grows the buffer to size bytes.
func (m *goMemory) Reallocate(size uint64) []byte {
	if size <= uint64(cap(m.buf)) {
		m.buf = m.buf[:size]
		return m.buf
	}
	nb := make([]byte, size, size+size/2)
	copy(nb, m.buf)
	m.buf = nb
	return nb
}

// Free lets the garbage collector have the buffer.
func (m *goMemory) Free() { m.buf = nil }

// limitedAlloc makes memories of at most limit bytes: growth past it fails
// as memory.grow does at a memory's maximum (Config.MaxMemoryPages).
type limitedAlloc struct {
	a     experimental.MemoryAllocator
	limit uint64
}

// Allocate is experimental.MemoryAllocator's.
func (l limitedAlloc) Allocate(cap, max uint64) experimental.LinearMemory {
	return l.a.Allocate(min(cap, l.limit), min(max, l.limit))
}

// fixedAlloc gives memories that never move, as shared memories need (the
// imported env.memory): a's where it maps them, else a Go buffer of the
// whole maximum, which is what wazero itself gives a shared memory.
type fixedAlloc struct{ a experimental.MemoryAllocator }

// Allocate is experimental.MemoryAllocator's.
func (f fixedAlloc) Allocate(cap, max uint64) experimental.LinearMemory {
	m := f.a.Allocate(cap, max)
	if _, moves := m.(*goMemory); moves {
		return &fixedMemory{buf: make([]byte, 0, max)}
	}
	return m
}

// fixedMemory is a Go buffer that never moves.
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
