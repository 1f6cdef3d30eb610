package host

import (
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// memAllocator makes every linear memory of a Runtime's programs: the ones
// they define and the env.memory they import, at start, fork, spawn and
// exec alike (process_memory_unix.go). There is one per Runtime so that
// its Close can tell it to stop giving memory back.
//
// The rest of the package sees it through three calls: limit (the
// allocator for one process, with its page limit), forkMemory (make a
// child's memory a copy of its parent's, copy-on-write where the
// platform allows) and the leak flag.
type memAllocator struct {
	// leak, once set, makes Free keep the memory instead of unmapping
	// it. Runtime.Close sets it when guest goroutines are still running
	// after its wait (a guest computing without calls, with compute
	// interrupts off): closing the wazero runtime frees every memory, and
	// one still in use must stay mapped, leaked for the life of the host
	// process, rather than be pulled from under the code using it.
	leak atomic.Bool

	memories sync.Map // the start of each live mapped memory -> *mappedMemory
}

// lookup returns the mapped memory that starts where mem does, or nil.
func (a *memAllocator) lookup(mem []byte) *mappedMemory {
	if len(mem) == 0 {
		return nil
	}
	m, _ := a.memories.Load(uintptr(unsafe.Pointer(&mem[0])))
	mm, _ := m.(*mappedMemory)
	return mm
}

// settle tells the mapped memory under mem, if any, its length at the end
// of its process (see mappedMemory.settle).
func (a *memAllocator) settle(mem api.Memory) {
	if mem == nil {
		return
	}
	if b, ok := mem.Read(0, 1); ok {
		if mm := a.lookup(b); mm != nil {
			mm.settle(uint64(mem.Size()))
		}
	}
}

// limit returns the allocator of one process whose memory may have at
// most maxPages pages (0: no limit but the memory's own maximum). Growth
// past the limit fails as memory.grow does at a memory's maximum. hot is
// the address the program's memory is placed around (see hugeOffset), 0
// for none.
func (a *memAllocator) limit(maxPages, hot uint32) experimental.MemoryAllocator {
	limit := limitBytes(maxPages)
	return experimental.MemoryAllocatorFunc(func(_, max uint64) experimental.LinearMemory {
		return a.allocate(min(max, limit), hot)
	})
}

// limitBytes is the most bytes a memory of a process limited to maxPages
// may have (0: no limit but 4 GiB).
func limitBytes(maxPages uint32) uint64 {
	if maxPages != 0 {
		return uint64(maxPages) << 16
	}
	return 1 << 32
}

// Allocate makes a memory of at most max bytes (wazero's allocator).
func (a *memAllocator) Allocate(_, max uint64) experimental.LinearMemory {
	return a.allocate(max, 0)
}

// goMemory is a linear memory in a Go buffer reserved at its maximum, so
// that it never moves (shared memories require it). The Go runtime maps
// large allocations lazily, but zeroes a reused one: it is the fallback
// where there is no mmap, not the way.
type goMemory struct{ buf []byte }

func newGoMemory(max uint64) *goMemory { return &goMemory{buf: make([]byte, 0, max)} }

// Reallocate gives the buffer size bytes, or nil past its capacity.
func (m *goMemory) Reallocate(size uint64) []byte {
	if size > uint64(cap(m.buf)) {
		return nil
	}
	m.buf = m.buf[:size]
	return m.buf
}

// Free lets the garbage collector have the buffer.
func (m *goMemory) Free() { m.buf = nil }

// memoryOf returns the bytes of mod's memory, or nil.
func memoryOf(mod api.Module) []byte {
	mem := mod.Memory()
	if mem == nil {
		return nil
	}
	b, _ := mem.Read(0, mem.Size())
	return b
}

// alone reports whether no thread but the main one runs over pr's
// instance: its memory may then be remapped under it.
func (pr *procRun) alone() bool {
	return pr.th == nil || pr.th.live.count() == 0
}
