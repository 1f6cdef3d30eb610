package host

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"sync"
	"unsafe"

	"github.com/tetratelabs/wazero/experimental"
	"golang.org/x/sys/unix"
)

// adviseHuge asks for transparent huge pages where the system gives them
// on request.
func adviseHuge(b []byte) { _ = unix.Madvise(b, unix.MADV_HUGEPAGE) }

// hugePage is the size of a transparent huge page (x86-64, and arm64 with
// 4 KiB pages).
const hugePage = 2 << 20

// hugeOffset is how far into a huge page a memory starts so that the
// address hot, where a program's stack starts (wasm-ld's __stack_pointer),
// lands about 1 MiB into one: what a program touches first, the top of
// its stack and, above it or not far below, its data and the start of its
// heap, then shares one huge page, where across two a start faults in and
// the kernel clears 2 MiB more (some 55 µs on this VM, a third of a small
// program's start) and the exit unmaps more. wasm-ld's stack-first layout
// puts the stack's top at 8 MiB, right on a boundary. 0 when hot is in
// the first 1.5 MiB or unknown: a data-first program's data, stack and the
// start of its heap are in the first huge page already, which moving them
// would split. A multiple of 64 KiB, so that the memory stays
// page-aligned for any page size.
func hugeOffset(hot uint32) int {
	if hot <= hugePage*3/4 {
		return 0
	}
	return ((hugePage/2 - int(hot%hugePage) + hugePage) % hugePage) &^ (1<<16 - 1)
}

// forkMemory makes dst, the fresh memory of a forked child, a
// copy-on-write copy of src, its parent's, and reports whether it could;
// the caller copies otherwise. alone says that no other thread runs over
// src: the parent's memory is switched under it, and a write by another
// thread while its pages move to the snapshot could be lost.
//
// Linux forks a process by sharing its pages until either side writes.
// Here the parent's memory becomes a private mapping of a memory file
// (memfd) that holds a snapshot of it, and the child maps the same file
// privately: both read the snapshot's pages and get pages of their own
// when they write, so neither sees the other's writes. Making the first
// snapshot copies the parent's touched pages into the file once; at a
// later fork, if no earlier child still maps the file, only the pages
// the parent has written since (its private ones, which
// /proc/self/pagemap tells apart) are written back into it. A parent with
// few such pages keeps them: they now equal the file, and writing a page
// back costs less than the page fault that would take it again.
func (a *memAllocator) forkMemory(dst, src []byte, alone bool) bool {
	if !alone || len(src) == 0 || len(dst) < len(src) {
		return false
	}
	pm, cm := a.lookup(src), a.lookup(dst)
	if pm == nil || cm == nil || pm == cm {
		return false
	}
	pm.mu.Lock()
	defer pm.mu.Unlock()
	cm.mu.Lock()
	defer cm.mu.Unlock()
	if pm.all == nil || cm.all == nil || len(cm.all) < len(src) {
		return false
	}
	if f := cm.back; f != nil && f == pm.back {
		// Made by forkAllocator: the pages instantiation wrote (the data
		// segments) get the snapshot's bytes back, read from the file.
		// Mapping the snapshot afresh instead would drop them, only for
		// the child to fault them in again.
		if readBack(f.fd, dst[:len(src)]) == nil {
			return true
		}
		if err := cm.mapView(f, len(src)); err != nil {
			cm.reset()
			return false
		}
		return true
	}
	f, err := pm.snapshot(len(src))
	if err != nil {
		return false
	}
	if err := cm.mapView(f, len(src)); err != nil {
		cm.reset() // a failed MAP_FIXED may leave a hole
		return false
	}
	f.refs.Add(1)
	cm.back.unref()
	cm.back = f
	return true
}

// forkAllocator returns the allocator of a forked child's memory, made a
// view of its parent's snapshot from the start, and a release to call
// once the child is instantiated; nil where forkMemory will copy. The
// memory wasm-ld's start function initialises is then already marked
// initialised, and the data segments wazero writes fault in only their
// own pages: a fresh memory would take a page fault (or a huge page's) for
// every byte initialised, only for the fork to throw them away.
func (a *memAllocator) forkAllocator(maxPages, hot uint32, src []byte, alone bool) (experimental.MemoryAllocator, func()) {
	pm := a.lookup(src)
	if !alone || pm == nil {
		return nil, func() {}
	}
	pm.mu.Lock()
	f, err := pm.snapshot(len(src))
	if err == nil {
		f.refs.Add(1) // the child's, handed over or released below
	}
	pm.mu.Unlock()
	if err != nil {
		return nil, func() {}
	}
	var once sync.Once
	release := func() { once.Do(f.unref) }
	size, limit := len(src), limitBytes(maxPages)
	return experimental.MemoryAllocatorFunc(func(_, max uint64) experimental.LinearMemory {
		max = min(max, limit)
		handed := false
		if max >= uint64(size) {
			once.Do(func() { handed = true })
		}
		if !handed {
			return a.allocate(max, hot) // too small, or a second memory: not the one forked
		}
		if m := f.takeSpare(max, size); m != nil {
			m.back = f
			a.memories.Store(uintptr(unsafe.Pointer(&m.all[0])), m)
			return m
		}
		lm := a.allocate(max, hot)
		m, ok := lm.(*mappedMemory)
		if !ok {
			f.unref()
			return lm
		}
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.mapView(f, size) != nil {
			m.reset()
			f.unref()
			return m
		}
		m.back = f
		return m
	}), release
}

// keepSpare keeps m, a forked child's memory being freed, for the next
// child its snapshot file makes (see takeSpare), and reports whether it
// did. Kept, the mapping keeps its page tables, which a new mapping gets
// built at its first page faults and a munmap frees again, and the few
// pages the child wrote in its view, which the next child would write
// too (its stack, libc's data): forkMemory reads the snapshot back over
// them, as over the pages instantiation writes, where dropping them here
// would cost a zap and the next child a fault each. Many pages, and any
// past the view (memory the child grew), are dropped. On a virtual
// machine that shadows page tables, a fault or a zap costs 10-15 µs: that
// was much of what a small fork cost. m.mu is held.
func (m *mappedMemory) keepSpare() bool {
	f := m.back
	if f == nil || m.view == 0 || f.refs.Load() < 2 {
		return false // no parent left to fork from the file
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.spare != nil {
		return false
	}
	used := max(len(m.buf), m.view)
	drop := m.all[m.view:used]
	pages, runs, err := ownRuns(m.all[:m.view], func([]byte, int) error { return nil })
	if err != nil || pages > keepPages || runs > keepRuns {
		drop = m.all[:used]
	}
	if len(drop) > 0 && unix.Madvise(drop, unix.MADV_DONTNEED) != nil {
		return false
	}
	f.spare = &mappedMemory{a: m.a, all: m.all, mapping: m.mapping, view: m.view}
	return true
}

// takeSpare returns f's spare memory, if it is one of max bytes, as a view
// of size bytes of f (with at most a few pages of its own, which
// forkMemory reads back), or nil. The file holds the parent's memory,
// which never shrinks: the view only grows.
func (f *memFile) takeSpare(max uint64, size int) *mappedMemory {
	f.mu.Lock()
	s := f.spare
	f.spare = nil
	f.mu.Unlock()
	if s == nil {
		return nil
	}
	if uint64(len(s.all)) != max || s.view > size || s.extendView(f, size) != nil {
		_ = unix.Munmap(s.mapping)
		return nil
	}
	return s
}

// reset maps m afresh, anonymous and zero, and drops its snapshot file.
func (m *mappedMemory) reset() {
	_, err := unix.MmapPtr(-1, 0, unsafe.Pointer(&m.all[0]), uintptr(len(m.all)),
		unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON|unix.MAP_FIXED|unix.MAP_NORESERVE)
	if err != nil {
		panic("wasix: cannot remap a linear memory: " + err.Error()) // the address space is exhausted
	}
	m.back.unref()
	m.back, m.view = nil, 0
}

// snapshot makes the file m's first size bytes are a private view of hold
// them as they are now, and returns it. m.mu is held.
func (m *mappedMemory) snapshot(size int) (*memFile, error) {
	mem := m.all[:size]
	if f := m.back; f != nil && f.refs.Load() == 1 {
		// No child maps the file any more: write back the parent's own
		// pages, and drop them if they are many (each fork writes back
		// the ones kept).
		pages, runs, err := writeBack(f.fd, mem)
		if err != nil {
			return nil, err
		}
		if pages <= keepPages && runs <= keepRuns {
			return f, nil
		}
		if err := m.mapView(f, size); err != nil {
			m.restore(f, size)
			return nil, err
		}
		return f, nil
	}
	fd, err := unix.MemfdCreate("wasix-memory", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, err
	}
	f := &memFile{fd: fd}
	f.refs.Store(1)
	if err := unix.Ftruncate(fd, int64(len(m.all))); err != nil {
		f.unref()
		return nil, err
	}
	if err := fill(fd, m.back, mem); err != nil {
		f.unref()
		return nil, err
	}
	if err := m.mapView(f, size); err != nil {
		m.restore(f, size)
		f.unref()
		return nil, err
	}
	m.back.unref()
	m.back = f
	return f, nil
}

// fill writes mem into the empty file fd. A memory that is already a view
// of a snapshot (old) is copied from that file by the kernel, and only the
// pages it wrote since are written from memory: reading the rest through
// the mapping would fault every page in, which costs more than the copy.
// Chunks of an anonymous memory never touched stay holes in the file.
func fill(fd int, old *memFile, mem []byte) error {
	if old != nil {
		for off := int64(0); off < int64(len(mem)); {
			in, out := off, off
			n, err := unix.CopyFileRange(old.fd, &in, fd, &out, len(mem)-int(off), 0)
			if err != nil || n == 0 {
				return pwriteAll(fd, mem, 0) // no kernel copy here: all of it
			}
			off += int64(n)
		}
		_, _, err := writeBack(fd, mem)
		return err
	}
	for off := 0; off < len(mem); off += len(zeroChunk) {
		end := min(off+len(zeroChunk), len(mem))
		if !bytes.Equal(mem[off:end], zeroChunk[:end-off]) {
			if err := pwriteAll(fd, mem[off:end], int64(off)); err != nil {
				return err
			}
		}
	}
	return nil
}

// restore puts back m's contents from f, which holds them, after a failed
// remap may have left a hole.
func (m *mappedMemory) restore(f *memFile, size int) {
	back := m.back
	m.back = nil
	m.reset()
	m.back = back
	for off := 0; off < size; {
		n, err := unix.Pread(f.fd, m.all[off:size], int64(off))
		if err != nil || n == 0 {
			return
		}
		off += n
	}
}

// A parent keeps its own pages at a fork (see forkMemory) while there are
// at most keepPages of them in at most keepRuns runs: writing them back
// at the next fork then costs at most about 16 system calls and 256 KiB
// of copying (some 50 µs on this project's 2-core VM, where one page
// fault costs 10-15 µs), and they take at most 256 KiB twice.
const (
	keepPages = 64
	keepRuns  = 16
)

// writeBack writes into fd the pages of mem (a private view of fd) that
// the process has written, and returns how many there were and in how
// many runs. Without /proc/self/pagemap it writes all of them.
func writeBack(fd int, mem []byte) (pages, runs int, err error) {
	pages, runs, err = ownRuns(mem, func(b []byte, off int) error { return pwriteAll(fd, b, int64(off)) })
	if errors.Is(err, errNoPagemap) {
		return len(mem) / os.Getpagesize(), 1, pwriteAll(fd, mem, 0)
	}
	return pages, runs, err
}

// readBack reads from fd, over the pages of mem (a private view of fd)
// that the process has written, what the file holds there.
func readBack(fd int, mem []byte) error {
	_, _, err := ownRuns(mem, func(b []byte, off int) error {
		for len(b) > 0 {
			n, err := unix.Pread(fd, b, int64(off))
			if err != nil {
				return err
			}
			if n == 0 {
				return errors.New("short read")
			}
			b, off = b[n:], off+n
		}
		return nil
	})
	return err
}

// errNoPagemap: /proc/self/pagemap cannot be read.
var errNoPagemap = errors.New("no /proc/self/pagemap")

// ownRuns calls do for each run of pages of mem that the process has a
// page of its own for (written, or swapped out): in a private view of a
// file, the pages it has written. It returns how many pages and runs it
// found.
func ownRuns(mem []byte, do func(run []byte, off int) error) (own, runs int, err error) {
	pm := pagemap()
	if pm == nil {
		return 0, 0, errNoPagemap
	}
	page := os.Getpagesize()
	base := uintptr(unsafe.Pointer(&mem[0]))
	pages := len(mem) / page
	bp := pagemapBufs.Get().(*[4096 * 8]byte)
	defer pagemapBufs.Put(bp)
	buf := bp[:]
	run := -1 // first page of the current run of own pages
	flush := func(end int) error {
		if run < 0 {
			return nil
		}
		runs++
		err := do(mem[run*page:end*page], run*page)
		run = -1
		return err
	}
	for first := 0; first < pages; first += len(buf) / 8 {
		n := min(len(buf)/8, pages-first)
		if _, err := pm.ReadAt(buf[:n*8], int64(base/uintptr(page)+uintptr(first))*8); err != nil {
			return 0, 0, errNoPagemap
		}
		for i := range n {
			e := binary.LittleEndian.Uint64(buf[i*8:])
			const present, swapped, file = 1 << 63, 1 << 62, 1 << 61
			mine := e&swapped != 0 || (e&present != 0 && e&file == 0)
			if mine {
				own++
				if run < 0 {
					run = first + i
				}
			} else if err := flush(first + i); err != nil {
				return own, runs, err
			}
		}
	}
	err = flush(pages)
	return own, runs, err
}

// pagemapBufs holds ownRuns's buffers, 4096 entries of the pagemap: on a
// goroutine's stack, one would make a child's goroutine grow its stack
// to 64 KiB at each fork.
var pagemapBufs = sync.Pool{New: func() any { return new([4096 * 8]byte) }}

// pagemap is /proc/self/pagemap, opened once, or nil where it cannot be.
var pagemap = sync.OnceValue(func() *os.File {
	f, err := os.Open("/proc/self/pagemap")
	if err != nil {
		return nil
	}
	return f
})

// pwriteAll writes all of b at off in fd.
func pwriteAll(fd int, b []byte, off int64) error {
	for len(b) > 0 {
		n, err := unix.Pwrite(fd, b, off)
		if err != nil {
			return err
		}
		if n == 0 {
			return errors.New("short write")
		}
		b, off = b[n:], off+int64(n)
	}
	return nil
}
