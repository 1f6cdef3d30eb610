//go:build linux

package vfs

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// withoutOpenat2 makes h use the component walk meant for kernels before
// openat2, so both paths are tested here.
func withoutOpenat2(h *HostFS) *HostFS {
	h.openat2 = false
	return h
}

func init() {
	extraFSes = append(extraFSes, fsMaker{"HostFS-walk", func(t *testing.T) FS {
		h := must(NewHostFS(t.TempDir()))(t)
		t.Cleanup(func() { h.Close() })
		return withoutOpenat2(h)
	}})
}

func init() {
	hostFSVariant = func(name string, h *HostFS) *HostFS {
		if name == "HostFS-walk" {
			return withoutOpenat2(h)
		}
		return h
	}
}

// TestHostFSMagicLinks mounts /proc, whose magic links (root, cwd, fd/N)
// lead anywhere on the host: neither the FS nor the namespace may follow
// them out.
func TestHostFSMagicLinks(t *testing.T) {
	for _, walk := range []bool{false, true} {
		h, err := NewHostFS("/proc")
		if err != nil {
			t.Skip(err)
		}
		defer h.Close()
		if walk {
			withoutOpenat2(h)
		}
		for _, p := range []string{"self/root/etc/passwd", "thread-self/root/etc/passwd", "1/root/etc/passwd"} {
			_, err := h.Open(p, ORead, 0)
			if err == nil {
				t.Fatalf("walk=%v: %s opened", walk, p)
			}
		}
		ns := NewNamespace(h)
		for _, p := range []string{"self/root/etc/passwd", "self/cwd", "self/exe"} {
			f, _, err := ns.Open("/", p, ORead, 0)
			if err == nil {
				st, _ := f.Stat()
				f.Close()
				if p != "self/cwd" || st.Type != TypeDir {
					t.Fatalf("walk=%v: %s opened %+v", walk, p, st)
				}
			}
		}
		// self/root reads as "/", which the namespace takes as its own root.
		r := must(ns.Resolve("/", "self/root", true))(t)
		if r.Path != "/" {
			t.Fatalf("self/root resolved to %q", r.Path)
		}
	}
}

// TestHostFSFIFO: a FIFO opened without O_NONBLOCK behaves as open(2)
// says. A reader's first read waits for a writer instead of reporting
// end-of-file at once; a writer's open waits for a reader instead of
// failing with ENXIO. With O_NONBLOCK both keep the non-blocking answers.
func TestHostFSFIFO(t *testing.T) {
	for _, walk := range []bool{false, true} {
		dir := t.TempDir()
		if err := unix.Mkfifo(filepath.Join(dir, "p"), 0o600); err != nil {
			t.Skip(err)
		}
		h := must(NewHostFS(dir))(t)
		defer h.Close()
		if walk {
			withoutOpenat2(h)
		}
		fifo := filepath.Join(dir, "p")

		// Reader first. The writer comes a moment later: the old open read
		// end-of-file in that moment; what is checked holds at any timing.
		r, err := h.Open("p", ORead, 0)
		if err != nil {
			t.Fatalf("walk=%v: open for reading: %v", walk, err)
		}
		wrote := make(chan error, 1)
		go func() {
			time.Sleep(20 * time.Millisecond)
			w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
			if err == nil {
				_, err = w.Write([]byte("hello"))
				w.Close()
			}
			wrote <- err
		}()
		buf := make([]byte, 16)
		n, err := r.Read(buf)
		if err != nil || string(buf[:n]) != "hello" {
			t.Fatalf("walk=%v: first read = %q, %v; want hello", walk, buf[:n], err)
		}
		if err := <-wrote; err != nil {
			t.Fatal(err)
		}
		if n, err := r.Read(buf); n != 0 || err != nil {
			t.Fatalf("walk=%v: read after the writer left = %d, %v; want end-of-file", walk, n, err)
		}
		r.Close()

		// Non-blocking: the reader sees no data yet, the writer ENXIO.
		if _, err := h.Open("p", OWrite|ONonblock, 0); err != syscall.ENXIO {
			t.Fatalf("walk=%v: non-blocking open for writing without a reader: %v, want ENXIO", walk, err)
		}
		nr, err := h.Open("p", ORead|ONonblock, 0)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := nr.Read(buf); n != 0 || (err != nil && err != syscall.EAGAIN) {
			t.Fatalf("walk=%v: non-blocking read without a writer = %d, %v", walk, n, err)
		}
		nr.Close()

		// Writer first: its open returns once a reader opens.
		opened := make(chan File, 1)
		go func() {
			w, err := h.Open("p", OWrite, 0)
			if err != nil {
				t.Errorf("walk=%v: open for writing: %v", walk, err)
			}
			opened <- w
		}()
		rd, err := os.Open(fifo)
		if err != nil {
			t.Fatal(err)
		}
		w := <-opened
		if w == nil {
			t.FailNow()
		}
		if _, err := w.Write([]byte("x")); err != nil {
			t.Fatal(err)
		}
		w.Close()
		got, err := io.ReadAll(rd)
		rd.Close()
		if err != nil || string(got) != "x" {
			t.Fatalf("walk=%v: reader got %q, %v", walk, got, err)
		}
	}
}

// TestHostFileCloseWhileReading closes a blocking file while a read waits
// in read(2): the descriptor must stay open (no other open may get its
// number) until the read returns, and be closed then.
func TestHostFileCloseWhileReading(t *testing.T) {
	dir := t.TempDir()
	if err := unix.Mkfifo(filepath.Join(dir, "p"), 0o600); err != nil {
		t.Skip(err)
	}
	h := must(NewHostFS(dir))(t)
	defer h.Close()
	f, err := h.Open("p", ORead, 0)
	if err != nil {
		t.Fatal(err)
	}
	hf := f.(*hostFile)
	if hf.raw < 0 {
		t.Fatal("a blocking FIFO is not read raw")
	}
	w, err := os.OpenFile(filepath.Join(dir, "p"), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	// A first byte ends the wait for a writer; the next read blocks.
	if _, err := w.Write([]byte("a")); err != nil {
		t.Fatal(err)
	}
	if n, err := f.Read(make([]byte, 8)); n != 1 || err != nil {
		t.Fatalf("first read = %d, %v", n, err)
	}
	type result struct {
		n   int
		err error
	}
	done := make(chan result, 1)
	go func() {
		buf := make([]byte, 8)
		n, err := f.Read(buf)
		done <- result{n, err}
	}()
	// The read counts itself in before its system call.
	for hf.rawUse.Load() != 2 {
		time.Sleep(time.Millisecond)
	}
	if err := f.Close(); err != nil {
		t.Fatalf("close with a read in flight: %v", err)
	}
	if _, err := unix.FcntlInt(uintptr(hf.raw), unix.F_GETFD, 0); err != nil {
		t.Fatalf("the descriptor was closed under the read: %v", err)
	}
	if _, err := f.Read(make([]byte, 1)); err != syscall.EBADF {
		t.Fatalf("read after close: %v, want EBADF", err)
	}
	if _, err := w.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if r := <-done; r.n != 1 || r.err != nil {
		t.Fatalf("the read in flight = %d, %v; want 1 byte", r.n, r.err)
	}
	if hf.rawUse.Load() != 1 {
		t.Fatalf("use count %d after the last read, want 1 (closed)", hf.rawUse.Load())
	}
	if err := f.Close(); err != syscall.EBADF {
		t.Fatalf("second close: %v, want EBADF", err)
	}
	// The read closed the os.File on its way out.
	if _, err := hf.f.Stat(); err == nil {
		t.Fatal("the file is still open after the read in flight ended")
	}
}
