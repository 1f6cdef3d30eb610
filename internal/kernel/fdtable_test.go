package kernel

import (
	"sync"
	"testing"

	"github.com/wasix-go/wasix"
)

// TestFdTable: lookups see what writers put, with gaps between
// descriptors, and run (under -race) while entries are inserted, replaced
// and removed; a failed update changes nothing.
func TestFdTable(t *testing.T) {
	tab := &fdTable{max: 1000}
	of := &openFile{refs: 1}
	for _, fd := range []int{0, 63, 64, 200} {
		tab.installEntry(fd, &fdEntry{of: of, base: wasix.RightsFdRead})
	}
	for _, fd := range []wasix.Fd{0, 63, 64, 200} {
		if e, errno := tab.get(fd, wasix.RightsFdRead); errno != wasix.ErrnoSuccess || e.of != of {
			t.Fatalf("fd %d: %v", fd, errno)
		}
		if _, errno := tab.get(fd, wasix.RightsFdWrite); errno != wasix.ErrnoNotcapable {
			t.Fatalf("fd %d without the right: %v", fd, errno)
		}
	}
	for _, fd := range []wasix.Fd{1, 65, 199, 201, 100000} {
		if _, errno := tab.get(fd, 0); errno != wasix.ErrnoBadf {
			t.Fatalf("fd %d: %v, want EBADF", fd, errno)
		}
	}
	// An update replaces the entry: a copy taken before keeps the old
	// rights.
	before, _ := tab.get(64, 0)
	if errno := tab.update(64, func(e *fdEntry) wasix.Errno { e.base = wasix.RightsFdWrite; return 0 }); errno != 0 {
		t.Fatal(errno)
	}
	if after, _ := tab.get(64, 0); before.base != wasix.RightsFdRead || after.base != wasix.RightsFdWrite {
		t.Fatalf("update: before %v after %v", before.base, after.base)
	}
	// A failed update changes nothing.
	tab.update(64, func(e *fdEntry) wasix.Errno { e.base = 0; return wasix.ErrnoInval })
	if e, _ := tab.get(64, 0); e.base != wasix.RightsFdWrite {
		t.Fatal("a failed update was kept")
	}

	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				for fd := wasix.Fd(0); fd < 300; fd++ {
					if e, errno := tab.get(fd, 0); errno == wasix.ErrnoSuccess && e.of != of {
						t.Errorf("fd %d: a stranger's entry", fd)
						return
					}
				}
			}
		}()
	}
	for i := range 2000 {
		fd, errno := tab.insert(&fdEntry{of: of}, 100)
		if errno != wasix.ErrnoSuccess {
			t.Fatal(errno)
		}
		tab.update(fd, func(e *fdEntry) wasix.Errno { e.cloexec = i%2 == 0; return 0 })
		if _, errno := tab.remove(fd); errno != wasix.ErrnoSuccess {
			t.Fatal(errno)
		}
	}
	close(stop)
	wg.Wait()
	if got := len(tab.closeAll()); got != 4 {
		t.Fatalf("closeAll: %d descriptions, want 4", got)
	}
	if _, errno := tab.get(0, 0); errno != wasix.ErrnoBadf {
		t.Fatalf("after closeAll: %v", errno)
	}
}
