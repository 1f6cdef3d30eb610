package host

import (
	"bytes"
	"testing"
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
	a.retire(child)
	a.retire(second)
	if pm := a.lookup(parent); pm.back == nil || pm.back.refs.Load() != 1 {
		t.Fatal("retired children still hold the snapshot")
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
