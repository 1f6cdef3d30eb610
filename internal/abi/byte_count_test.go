package abi

import (
	"testing"

	"github.com/tetratelabs/wazero/experimental/wazerotest"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

// TestByteCountsDoNotWrap: 65,536 iovecs of 64 KiB (4 GiB in all) once
// wrote "0 bytes" and 65,537 wrote 65,536: the u32 count wrapped. A call
// now moves at most maxIO bytes, as Linux's MAX_RW_COUNT, and says so.
func TestByteCountsDoNotWrap(t *testing.T) {
	e := newEnv(t, kernel.ProcConfig{})
	e.mem = wazerotest.NewFixedMemory(16 * wazerotest.PageSize)
	e.mod = wazerotest.NewModule(e.mem)
	const arr, buf = 1 << 16, 0
	for _, n := range []uint32{1 << 16, 1<<16 + 1} {
		for i := uint32(0); i < n; i++ {
			e.iov(2*arr+8*i, buf, 1<<16) // every region the same 64 KiB
		}
		for _, tc := range []struct {
			path, call string
			oflags     wasix.Oflags
		}{
			{"/dev/null", "fd_write", 0},
			{"/dev/zero", "fd_read", 0},
		} {
			fd := e.open(tc.path, tc.oflags)
			e.must(e.call(Preview1, tc.call, uint64(fd), 2*arr, uint64(n), 16))
			if got := e.u32(16); got != maxIO {
				t.Errorf("%s of %d iovecs of 64 KiB to %s: %d bytes, want %d", tc.call, n, tc.path, got, maxIO)
			}
			e.must(e.call(Preview1, "fd_close", uint64(fd)))
		}
	}
	// A small call is untouched.
	fd := e.open("/dev/null", 0)
	e.iov(2*arr, buf, 3)
	e.iov(2*arr+8, buf, 0)
	e.iov(2*arr+16, buf, 5)
	e.must(e.call(Preview1, "fd_write", uint64(fd), 2*arr, 3, 16))
	if got := e.u32(16); got != 8 {
		t.Errorf("wrote %d, want 8", got)
	}
}
