package host

import (
	"bytes"
	"fmt"
	"testing"
	"unsafe"

	"github.com/tetratelabs/wazero/experimental"
	"golang.org/x/sys/unix"
)

// TestForkMemoryShares checks the copy-on-write mechanism itself: fork
// shares (forkMemory reports true), each side keeps its writes, a second
// fork writes back only the parent's own pages and still gives a faithful
// snapshot, and a fork while an earlier child still maps the snapshot
// makes a new one.
func TestForkMemoryShares(t *testing.T) {
	a := &memAllocator{}
	const size = 4 << 20
	mk := func() []byte {
		m := a.Allocate(0, 16<<20)
		t.Cleanup(m.Free)
		return m.Reallocate(size)
	}
	parent := mk()
	for i := range parent {
		parent[i] = byte(i / 4096)
	}
	want := bytes.Clone(parent)

	child := mk()
	if !a.forkMemory(child, parent, true) {
		t.Fatal("forkMemory did not share")
	}
	if !bytes.Equal(child, want) || !bytes.Equal(parent, want) {
		t.Fatal("snapshot differs")
	}
	child[0], parent[4096] = 0xAA, 0xBB
	if parent[0] != want[0] || child[4096] != want[4096] {
		t.Fatal("a write crossed the fork")
	}
	want[4096] = 0xBB
	if a.forkMemory(child, parent, false) {
		t.Fatal("forkMemory shared with other threads running")
	}

	// The first child still maps the snapshot: a new one is made.
	second := mk()
	if !a.forkMemory(second, parent, true) || !bytes.Equal(second, want) {
		t.Fatal("second fork: wrong snapshot")
	}
	if child[4096] != byte(1) || child[0] != 0xAA {
		t.Fatal("the first child saw the parent's later writes")
	}
	a.lookup(child).Free()
	a.lookup(second).Free()
	if pm := a.lookup(parent); pm.back == nil || pm.back.refs.Load() != 1 {
		t.Fatal("freed children still hold the snapshot")
	}

	// Alone again: the parent's own pages are written back.
	parent[size-1] = 0xCC
	want[size-1] = 0xCC
	third := mk()
	if !a.forkMemory(third, parent, true) || !bytes.Equal(third, want) || !bytes.Equal(parent, want) {
		t.Fatal("fork after write-back: wrong snapshot")
	}
	third[size-1] = 0
	if parent[size-1] != 0xCC {
		t.Fatal("a write crossed the fork after write-back")
	}
}

// TestForkSpareMemory checks the memory a freed child leaves to the next
// child of the same parent: the next child gets the same mapping, which
// shows the parent's memory as of the new fork (not what instantiation
// wrote, nor what the first child wrote, in the part it had grown too);
// the parent keeps its few written pages without the next child seeing
// its later writes; and the spare goes when the parent's memory does.
// A memory placed around a hot address (hugeOffset) goes through the
// same, and its whole mapping is unmapped in the end.
func TestForkSpareMemory(t *testing.T) {
	for _, hot := range []uint32{0, 8 << 20} {
		t.Run(fmt.Sprint(hot), func(t *testing.T) { testForkSpareMemory(t, hot) })
	}
}

func testForkSpareMemory(t *testing.T, hot uint32) {
	a := &memAllocator{}
	const size, max = 1 << 20, 16 << 20
	pmem := a.allocate(max, hot)
	mapping := pmem.(*mappedMemory).mapping
	parent := pmem.Reallocate(size)
	for i := range parent {
		parent[i] = byte(i / 4096)
	}
	fork := func() (experimental.LinearMemory, []byte) {
		t.Helper()
		return forkChild(t, a, hot, parent, max, func(child []byte) {
			child[100] = 0x99 // as instantiation writes data segments
		})
	}

	first, child := fork()
	if !bytes.Equal(child, parent) {
		t.Fatal("first child: wrong snapshot")
	}
	grown := first.Reallocate(size + 65536)
	for _, i := range []int{0, 4096 * 7, size + 100} {
		grown[i] = 0xEE
	}
	addr := &child[0]
	first.Free()
	f := a.lookup(parent).back
	if f == nil || f.spare == nil {
		t.Fatal("the freed child's memory was not kept")
	}

	parent[4096*3] = 0x33 // a page of the parent's own
	want := bytes.Clone(parent)
	second, child := fork()
	if &child[0] != addr {
		t.Error("the second child did not get the spare")
	}
	if !bytes.Equal(child, want) {
		t.Fatal("second child: wrong snapshot")
	}
	if g := second.Reallocate(size + 65536); g[size+100] != 0 {
		t.Fatal("second child: the first child's grown memory shows through")
	}
	if own, _, err := ownRuns(parent[4096*3:4096*4], func([]byte, int) error { return nil }); err == nil && own != 1 {
		t.Error("the parent's written page was dropped at the fork, not kept")
	}
	parent[4096*3] = 0x44
	if child[4096*3] != 0x33 {
		t.Fatal("the parent's write after the fork reached the child")
	}
	second.Free()
	if f.spare == nil {
		t.Fatal("the second child's memory was not kept")
	}
	spare := f.spare.mapping
	pmem.Free()
	if f.spare != nil || f.refs.Load() != 0 {
		t.Error("the spare outlived the parent's memory")
	}
	if mapped(mapping) || mapped(spare) {
		t.Error("a memory's mapping outlived it")
	}
}

// mapped reports whether the first page of b is mapped.
func mapped(b []byte) bool {
	var vec [1]byte
	_, _, errno := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&b[0])), 4096, uintptr(unsafe.Pointer(&vec[0])))
	return errno != unix.ENOMEM
}

// TestForkSpareMemoryGrownUnseen: a child whose memory wazero grew without
// Reallocate (as it does once an instance importing the memory closed)
// leaves to the next child only zeroes past its view, once settle has
// told the memory its real length, as the end of a process does.
func TestForkSpareMemoryGrownUnseen(t *testing.T) {
	a := &memAllocator{}
	const size, max = 1 << 20, 16 << 20
	pmem := a.Allocate(0, max)
	parent := pmem.Reallocate(size)
	defer pmem.Free()
	fork := func() experimental.LinearMemory {
		t.Helper()
		lm, _ := forkChild(t, a, 0, parent, max, func([]byte) {})
		return lm
	}
	first := fork()
	mm := a.lookup(first.Reallocate(size))
	mm.all[size+3*4096] = 0xEE // grown and written behind the allocator's back
	mm.settle(size + 4*4096)
	first.Free()
	second := fork()
	defer second.Free()
	if g := second.Reallocate(size + 4*4096); g[size+3*4096] != 0 {
		t.Fatal("the first child's memory, grown unseen, shows through in the next child")
	}
}

// forkChild makes a child's memory of parent's size from a's fork
// allocator, lets instantiate write to it as instantiation would, and
// gives it the parent's contents.
func forkChild(t *testing.T, a *memAllocator, hot uint32, parent []byte, max uint64, instantiate func([]byte)) (experimental.LinearMemory, []byte) {
	t.Helper()
	alloc, release := a.forkAllocator(0, hot, parent, true)
	if alloc == nil {
		t.Fatal("no fork allocator")
	}
	lm := alloc.Allocate(0, max)
	release()
	child := lm.Reallocate(uint64(len(parent)))
	instantiate(child)
	if !a.forkMemory(child, parent, true) {
		t.Fatal("forkMemory did not share")
	}
	return lm, child
}

// A memory placed around hot starts hugeOffset(hot) into a huge page:
// past the first 1.5 MiB, hot lands in the middle of one (within a wasm
// page below 1 MiB); the memory is whole and writable, and its mapping
// goes with it.
func TestHugeOffset(t *testing.T) {
	a := &memAllocator{}
	const max = 16 << 20
	for _, hot := range []uint32{0, 1 << 20, 1316032, 8 << 20, 8<<20 + 7600, 9 << 20, 13<<20 + 12345} {
		m := a.allocate(max, hot).(*mappedMemory)
		all := m.Reallocate(max)
		if len(all) != max || len(m.mapping) < max {
			t.Fatalf("hot %d: %d bytes, mapping %d", hot, len(all), len(m.mapping))
		}
		all[0], all[max-1] = 1, 2
		if hot > hugePage*3/4 {
			at := int(uintptr(unsafe.Pointer(&all[hot])) % hugePage)
			if at > 1<<20 || at < 1<<20-1<<16 {
				t.Errorf("hot %d lands %d bytes into its huge page", hot, at)
			}
		} else if &m.mapping[0] != &all[0] {
			t.Errorf("hot %d: the memory does not start its mapping", hot)
		}
		mapping := m.mapping
		m.Free()
		if mapped(mapping) || mapped(mapping[len(mapping)-4096:]) {
			t.Errorf("hot %d: the mapping outlived the memory", hot)
		}
	}
}
