package kernel

import (
	"context"
	"testing"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/vfs"
)

// renumberSetup opens two files, a (one byte written) and b.
func renumberSetup(t *testing.T, abi ABI) (p *Process, a, b wasix.Fd) {
	p = newProc(t, Config{}, ProcConfig{ABI: abi, Preopens: []Preopen{{GuestPath: "/"}}})
	a = open(t, p, "tmp/a", wasix.OflagsCreat, rw)
	b = open(t, p, "tmp/b", wasix.OflagsCreat, rw)
	if _, errno := p.FdWrite(context.Background(), a, [][]byte{[]byte("A")}); errno != 0 {
		t.Fatal(errno)
	}
	return p, a, b
}

func isOpen(p *Process, fd wasix.Fd) bool {
	_, errno := p.FdFdstatGet(fd)
	return errno == wasix.ErrnoSuccess
}

// TestRenumberPreview1 holds WASI's fd_renumber: a move onto an open
// descriptor; a target that is not open is EBADF.
func TestRenumberPreview1(t *testing.T) {
	p, a, b := renumberSetup(t, ABIPreview1)
	want(t, p.FdRenumber(a, 40), wasix.ErrnoBadf)
	if !isOpen(p, a) {
		t.Fatal("a failed renumber closed the source")
	}
	must(t, p.FdRenumber(a, b))
	if isOpen(p, a) {
		t.Error("the source stays open after a preview1 fd_renumber")
	}
	if off, _ := p.FdTell(b); off != 1 {
		t.Errorf("the target is not the source's description: offset %d", off)
	}
	must(t, p.FdRenumber(b, b))
	want(t, p.FdRenumber(77, b), wasix.ErrnoBadf)
}

// TestRenumberCurrent holds today's WASIX fd_renumber, wasix-libc's dup2:
// the source stays open and shares its description, the target need not
// be open, a preopen cannot be replaced, close-on-exec is clear.
func TestRenumberCurrent(t *testing.T) {
	for _, abi := range []ABI{ABIWasixCurrent, ABIWasixSeed} {
		p, a, b := renumberSetup(t, abi)
		must(t, p.FdFdflagsSet(a, FdflagsextCloexec))
		must(t, p.FdRenumber(a, 40))
		if !isOpen(p, a) || !isOpen(p, 40) {
			t.Fatalf("abi %d: source or target closed", abi)
		}
		if fl, _ := p.FdFdflagsGet(40); fl&FdflagsextCloexec != 0 {
			t.Errorf("abi %d: close-on-exec kept on the target", abi)
		}
		if _, errno := p.FdWrite(context.Background(), 40, [][]byte{[]byte("B")}); errno != 0 {
			t.Fatal(errno)
		}
		if off, _ := p.FdTell(a); off != 2 {
			t.Errorf("abi %d: the two descriptors do not share the offset: %d", abi, off)
		}
		must(t, p.FdRenumber(a, b))
		if !isOpen(p, a) || !isOpen(p, b) {
			t.Errorf("abi %d: renumber onto an open descriptor closed one", abi)
		}
		want(t, p.FdRenumber(a, 3), wasix.ErrnoNotsup) // fd 3 is the preopen "/"
		if _, errno := p.Prestat(3); errno != 0 {
			t.Errorf("abi %d: the preopen was replaced", abi)
		}
		must(t, p.FdRenumber(3, 41)) // a preopen may be the source
		if _, errno := p.Prestat(41); errno != wasix.ErrnoBadf {
			t.Errorf("abi %d: a copy of a preopen is not one: %v", abi, errno)
		}
	}
}

// TestRenumber2022 holds 2022 Wasmer's fd_renumber: a move onto any
// number, open or not.
func TestRenumber2022(t *testing.T) {
	p, a, b := renumberSetup(t, ABIWasix2022)
	must(t, p.FdRenumber(a, 40))
	if isOpen(p, a) || !isOpen(p, 40) {
		t.Fatal("2022 fd_renumber onto a free number is a move")
	}
	must(t, p.FdRenumber(40, b))
	if isOpen(p, 40) || !isOpen(p, b) {
		t.Fatal("2022 fd_renumber onto an open number is a move")
	}
}

// TestRules2022Only holds each 2022 rule for 2022 programs and checks
// that it does not leak into preview1 or today's WASIX.
func TestRules2022Only(t *testing.T) {
	for _, c := range []struct {
		abi  ABI
		is22 bool
	}{{ABIWasix2022, true}, {ABIPreview1, false}, {ABIWasixSeed, false}, {ABIWasixCurrent, false}} {
		p := newProc(t, Config{}, ProcConfig{ABI: c.abi})
		p.StartMainThread(context.Background())

		st, _ := p.FdFdstatGet(1)
		if got := st.FsFiletype == wasix.FiletypeCharacterDevice; got != c.is22 {
			t.Errorf("abi %d: stdout is a character device: %v", c.abi, got)
		}
		fst, _ := p.FdFilestatGet(1)
		if got := fst.Type == vfs.TypeCharDevice; got != c.is22 {
			t.Errorf("abi %d: fd_filestat_get of stdout is a character device: %v", c.abi, got)
		}

		if errno := p.ThreadSignal(0, wasix.SignalUrg); (errno == wasix.ErrnoSuccess) != c.is22 {
			t.Errorf("abi %d: thread_signal(0): %v", c.abi, errno)
		}

		fd, errno := p.EventFD(0, 4)
		if (errno == wasix.ErrnoSuccess) != c.is22 {
			t.Errorf("abi %d: fd_event with flag 4: %v", c.abi, errno)
		}
		if errno == wasix.ErrnoSuccess {
			if _, errno := p.FdRead(context.Background(), fd, [][]byte{make([]byte, 8)}); errno != wasix.ErrnoAgain {
				t.Errorf("abi %d: the EFD_NONBLOCK counter blocks: %v", c.abi, errno)
			}
		}

		r, w, errno := p.Pipe(p.PipeBidirectional())
		must(t, errno)
		if errno := p.FdFdflagsSet(w, FdflagsextCloexec); errno != 0 {
			t.Fatal(errno)
		}
		p.Exec([]string{"x"}, nil)
		if isOpen(p, r) == c.is22 {
			t.Errorf("abi %d: a descriptor without close-on-exec open after exec: %v", c.abi, isOpen(p, r))
		}
		if isOpen(p, w) {
			t.Errorf("abi %d: a close-on-exec descriptor survived exec", c.abi)
		}
		if !isOpen(p, 3) || !isOpen(p, 1) {
			t.Errorf("abi %d: exec closed stdio or the preopen", c.abi)
		}
	}
}
