//go:build unix

package host

import (
	"github.com/tetratelabs/wazero/experimental"
	"golang.org/x/sys/unix"
)

// Allocate backs a linear memory with an anonymous mapping of its maximum
// size. Pages come from the kernel zeroed and only when touched, so a
// memory costs nothing to make and never moves or copies when it grows;
// making a forked child's copy then writes the parent's bytes once,
// instead of clearing a Go buffer first. Where the platform has them,
// transparent huge pages cut the page faults of large copies.
func (a *memAllocator) Allocate(_, max uint64) experimental.LinearMemory {
	if max == 0 {
		max = 1 << 16
	}
	b, err := unix.Mmap(-1, 0, int(max), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON|unix.MAP_NORESERVE)
	if err != nil {
		return &goMemory{}
	}
	adviseHuge(b)
	return &mappedMemory{a: a, buf: b[:0], all: b}
}

// mappedMemory is a linear memory in a mapping made by a memAllocator.
type mappedMemory struct {
	a        *memAllocator
	buf, all []byte
}

// Reallocate gives the memory size bytes, or nil past the mapping.
func (m *mappedMemory) Reallocate(size uint64) []byte {
	if size > uint64(len(m.all)) {
		return nil
	}
	m.buf = m.all[:size]
	return m.buf
}

// Free unmaps the memory, unless the allocator leaks: a goroutine may
// then still run guest code over it, and unmapping memory under compiled
// code is a segmentation fault that takes the whole host down, where a
// leaked mapping costs only address space (see memAllocator.leak).
func (m *mappedMemory) Free() {
	if m.all == nil {
		return
	}
	if !m.a.leak.Load() {
		_ = unix.Munmap(m.all)
	}
	m.all, m.buf = nil, nil
}
