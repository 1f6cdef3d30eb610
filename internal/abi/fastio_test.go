package abi

import (
	"context"
	"strings"
	"testing"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

// TestFastIO runs fd_write and fd_read as a guest thread makes them (the
// raw path of fastIO) and checks what the wrapped path guarantees: the
// counts, EFAULT for a bad count pointer or iovec with nothing moved, and
// EBADF for a closed descriptor.
func TestFastIO(t *testing.T) {
	e := newEnv(t, kernel.ProcConfig{Stdin: strings.NewReader("input")})
	th := e.p.StartMainThread(context.Background())
	e.ctx = th.Context()
	if kernel.ThreadFrom(e.ctx) != th {
		t.Fatal("the context does not carry the thread")
	}
	for _, gen := range []Generation{Preview1, WasixSeed, Wasix2022} {
		e.out.Reset()
		e.put(100, []byte("hello"))
		e.iov(200, 100, 5)
		e.iov(208, 100, 3)
		e.setU32(300, 0)
		e.must(e.call(gen, "fd_write", 1, 200, 2, 300))
		if got := e.out.String(); got != "hellohel" || e.u32(300) != 8 {
			t.Fatalf("%s: fd_write wrote %q and counted %d, want %q and 8", gen, got, e.u32(300), "hellohel")
		}

		// A count pointer past the memory: EFAULT, nothing written.
		e.want(e.call(gen, "fd_write", 1, 200, 1, 1<<20), wasix.ErrnoFault)
		// An iovec past the memory: EFAULT, nothing written.
		e.iov(216, 1<<20, 4)
		e.want(e.call(gen, "fd_write", 1, 216, 1, 300), wasix.ErrnoFault)
		if got := e.out.String(); got != "hellohel" {
			t.Fatalf("%s: a faulting fd_write wrote: %q", gen, got)
		}
		e.want(e.call(gen, "fd_write", 77, 200, 1, 300), wasix.ErrnoBadf)
	}

	// fd_read into two buffers, the second one partly filled.
	e.iov(200, 400, 3)
	e.iov(208, 500, 16)
	e.must(e.call(Preview1, "fd_read", 0, 200, 2, 300))
	if n := e.u32(300); n != 5 || string(e.mem.Bytes[400:403]) != "inp" || string(e.mem.Bytes[500:502]) != "ut" {
		t.Fatalf("fd_read counted %d: %q %q", n, e.mem.Bytes[400:403], e.mem.Bytes[500:502])
	}
	e.want(e.call(Preview1, "fd_read", 0, 200, 2, 1<<20), wasix.ErrnoFault)
}
