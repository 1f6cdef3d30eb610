//go:build unix

package host

import (
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/tetratelabs/wazero/experimental"
	"golang.org/x/sys/unix"
)

// Allocate backs a linear memory with an anonymous mapping of its maximum
// size. Pages come from the kernel zeroed and only when touched, so a
// memory costs nothing to make and never moves or copies when it grows
// (which shared memories require). Where the platform has them,
// transparent huge pages cut the page faults of large memories; the
// memory starts hugeOffset(hot) into one, so that the address hot lands
// in the middle of a huge page.
func (a *memAllocator) allocate(max uint64, hot uint32) experimental.LinearMemory {
	if max == 0 {
		max = 1 << 16
	}
	off := hugeOffset(hot)
	size := int(max)
	if off != 0 {
		size += hugePage + off // room to align the start, then to offset it
	}
	mapping, err := unix.Mmap(-1, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON|mapNoReserve)
	if err != nil {
		return newGoMemory(max)
	}
	adviseHuge(mapping)
	b := mapping
	if off != 0 {
		start := (hugePage-int(uintptr(unsafe.Pointer(&mapping[0]))%hugePage))%hugePage + off
		b = mapping[start : start+int(max)]
	}
	m := &mappedMemory{a: a, buf: b[:0], all: b, mapping: mapping}
	a.memories.Store(uintptr(unsafe.Pointer(&b[0])), m)
	return m
}

// mappedMemory is a linear memory in a mapping made by a memAllocator.
// After a fork (process_memory_linux.go) the mapping is a private view of
// back, a file holding a snapshot the parent and its child share until
// either writes a page.
type mappedMemory struct {
	a        *memAllocator
	buf, all []byte
	mapping  []byte // the whole mapping, all and what allocate put around it

	mu   sync.Mutex // guards back against a fork racing Free
	back *memFile   // the snapshot this memory is a private view of, or nil
	view int        // how many bytes at its start map back
}

// memFile is a file holding a snapshot of a memory, mapped privately by
// every memory made from it. It is written only while its one user holds
// it alone.
type memFile struct {
	fd   int
	refs atomic.Int32

	mu    sync.Mutex
	spare *mappedMemory // a freed child's memory kept for the next (see keepSpare), or nil
}

// unref drops one user of f and closes it after the last.
func (f *memFile) unref() {
	if f != nil && f.refs.Add(-1) == 0 {
		_ = unix.Close(f.fd)
		f.mu.Lock()
		s := f.spare
		f.spare = nil
		f.mu.Unlock()
		if s != nil {
			_ = unix.Munmap(s.mapping)
		}
	}
}

// Reallocate gives the memory size bytes, or nil past the mapping.
func (m *mappedMemory) Reallocate(size uint64) []byte {
	if size > uint64(len(m.all)) {
		return nil
	}
	m.buf = m.all[:size]
	return m.buf
}

// settle tells m the length its memory has at the end of its process.
// Once an instance importing the memory has closed (a thread's), wazero
// forgets the allocator and grows the memory without Reallocate, so m.buf
// may be shorter than what the program grew into: pages keepSpare must
// drop, or the next child would find them written.
func (m *mappedMemory) settle(n uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.all != nil && n > uint64(len(m.buf)) && n <= uint64(len(m.all)) {
		m.buf = m.all[:n]
	}
}

// Free unmaps the memory, unless the allocator leaks: a goroutine may
// then still run guest code over it, and unmapping memory under compiled
// code is a segmentation fault that takes the whole host down, where a
// leaked mapping costs only address space (see memAllocator.leak).
func (m *mappedMemory) Free() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.all == nil {
		return
	}
	m.a.memories.Delete(uintptr(unsafe.Pointer(&m.all[0])))
	if !m.a.leak.Load() && !m.keepSpare() {
		_ = unix.Munmap(m.mapping)
	}
	m.back.unref()
	m.all, m.buf, m.back = nil, nil, nil
}

// mapView maps size bytes of f privately over the start of m, in place.
func (m *mappedMemory) mapView(f *memFile, size int) error {
	m.view = 0
	return m.extendView(f, size)
}

// extendView maps the bytes of f from m.view to size privately over the
// same bytes of m, in place.
func (m *mappedMemory) extendView(f *memFile, size int) error {
	if size == m.view {
		return nil
	}
	_, err := unix.MmapPtr(f.fd, int64(m.view), unsafe.Pointer(&m.all[m.view]), uintptr(size-m.view),
		unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_FIXED|mapNoReserve)
	if err == nil {
		m.view = size
	}
	return err
}
