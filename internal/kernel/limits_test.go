package kernel

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/hostnet"
	"github.com/wasix-go/wasix/internal/vfs"
)

// TestMaxProcs: fork and new processes past Config.MaxProcs fail with
// EAGAIN, and a process that ends makes room again.
func TestMaxProcs(t *testing.T) {
	k := New(Config{MaxProcs: 3})
	p, err := k.NewProcess(ProcConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c1, errno := p.Fork()
	must(t, errno)
	c2, errno := p.Fork()
	must(t, errno)
	if _, errno := p.Fork(); errno != wasix.ErrnoAgain {
		t.Fatalf("fork past the limit: %s, want EAGAIN", errno.Name())
	}
	if _, err := k.NewProcess(ProcConfig{}); !errors.Is(err, ErrProcessLimit) || ToErrno(err) != wasix.ErrnoAgain {
		t.Fatalf("new process past the limit: %v", err)
	}
	c1.Close()
	c3, errno := p.Fork()
	must(t, errno)
	c2.Close()
	c3.Close()
}

// TestMaxHostFDs: sockets and host files past Config.MaxHostFDs fail with
// ENFILE, in whichever process; closing one gives its descriptor back.
func TestMaxHostFDs(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/f", []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	hfs, err := vfs.NewHostFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer hfs.Close()
	k := New(Config{MaxHostFDs: 4})
	ns := k.Namespace().Clone()
	if err := ns.Mount("/h", hfs, false); err != nil {
		t.Fatal(err)
	}
	p, err := k.NewProcess(ProcConfig{Namespace: ns, Preopens: []Preopen{{GuestPath: "/"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	q, errno := p.Fork()
	must(t, errno)
	defer q.Close()

	a, b, errno := p.SockPair(hostnet.Unix, hostnet.Stream, 0)
	must(t, errno)
	_, _, errno = q.SockPair(hostnet.Unix, hostnet.Stream, 0)
	must(t, errno)
	if _, _, errno := q.SockPair(hostnet.Unix, hostnet.Stream, 0); errno != wasix.ErrnoNfile {
		t.Fatalf("sock_pair past the limit: %s, want ENFILE", errno.Name())
	}
	open := func(p *Process) wasix.Errno {
		_, errno := p.PathOpen(context.Background(), 3, OpenRequest{Path: "h/f", Base: wasix.RightsFdRead})
		return errno
	}
	if errno := open(p); errno != wasix.ErrnoNfile {
		t.Fatalf("host file past the limit: %s, want ENFILE", errno.Name())
	}
	if n, limit := k.HostFDs(); n != 4 || limit != 4 {
		t.Fatalf("HostFDs %d of %d", n, limit)
	}
	must(t, p.FdClose(a))
	must(t, p.FdClose(b))
	must(t, open(p))
	must(t, open(q))
	if n, _ := k.HostFDs(); n != 4 {
		t.Fatalf("HostFDs %d, want 4", n)
	}
}

// TestMaxMemFSBytes: the in-memory root refuses writes past its quota with
// ENOSPC.
func TestMaxMemFSBytes(t *testing.T) {
	p := newProc(t, Config{MaxMemFSBytes: 256 << 10}, ProcConfig{})
	fd, errno := p.PathOpen(context.Background(), 3, OpenRequest{Path: "tmp/big", Oflags: wasix.OflagsCreat,
		Base: wasix.RightsFdWrite})
	must(t, errno)
	buf := make([]byte, 64<<10)
	total := 0
	for i := 0; i < 8; i++ {
		n, errno := p.FdWrite(context.Background(), fd, [][]byte{buf})
		total += int(n)
		if errno == wasix.ErrnoNospc {
			break
		}
		must(t, errno)
	}
	if total > 256<<10 || total < 128<<10 {
		t.Fatalf("wrote %d bytes under a quota of 256 KiB", total)
	}
	if _, errno := p.FdWrite(context.Background(), fd, [][]byte{buf}); errno != wasix.ErrnoNospc {
		t.Fatalf("write past the quota: %s, want ENOSPC", errno.Name())
	}
}
