//go:build unix

package host

import (
	"github.com/tetratelabs/wazero/experimental"
	"golang.org/x/sys/unix"
)

// mmapAllocator backs linear memories with anonymous mappings of their
// maximum size. Pages come from the kernel zeroed and only when touched,
// so a memory costs nothing to make and never moves or copies when it
// grows; making a forked child's copy then writes the parent's bytes once,
// instead of clearing a Go buffer first. Where the platform has them,
// transparent huge pages cut the page faults of large copies.
var mmapAllocator experimental.MemoryAllocator = experimental.MemoryAllocatorFunc(func(_, max uint64) experimental.LinearMemory {
	if max == 0 {
		max = 1 << 16
	}
	b, err := unix.Mmap(-1, 0, int(max), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON|unix.MAP_NORESERVE)
	if err != nil {
		return &goMemory{}
	}
	adviseHuge(b)
	return &mappedMemory{buf: b[:0], all: b}
})

// mappedMemory is a linear memory in a mapping made by mmapAllocator.
type mappedMemory struct {
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

// Free unmaps the memory.
func (m *mappedMemory) Free() {
	if m.all != nil {
		_ = unix.Munmap(m.all)
		m.all, m.buf = nil, nil
	}
}
