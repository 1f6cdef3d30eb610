package abi

import (
	"context"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

func init() {
	w := wasixCalls
	w["chdir"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		path, ok := guestString(m, uint32(s[0]), uint32(s[1]))
		if !ok {
			return wasix.ErrnoFault
		}
		return p.Chdir(path)
	}
	w["getcwd"] = getcwd
	w["proc_id"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		return put32(m, uint32(s[0]), p.ProcID())
	}
	w["proc_parent"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		return putResult(m, uint32(s[1]), func() (uint32, wasix.Errno) { return p.ProcParent(uint32(s[0])) })
	}
	w["thread_sleep"] = func(ctx context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
		return p.Sleep(ctx, s[0])
	}
	w["thread_parallelism"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		return put32(m, uint32(s[0]), p.Parallelism())
	}
}

// getcwd(path, path_len*): on entry *path_len is the buffer size. The path
// is written with a NUL after it and *path_len set to its length; when it
// does not fit, *path_len is set to the size needed (NUL included) and the
// call fails with ERANGE, or EOVERFLOW for older programs
// (kernel.Process.GetcwdRange).
func getcwd(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	ptr, lenPtr := uint32(s[0]), uint32(s[1])
	size, ok := readU32(m, lenPtr)
	if !ok {
		return wasix.ErrnoFault
	}
	cwd := p.Getcwd()
	need := uint64(len(cwd)) + 1
	short := wasix.ErrnoOverflow
	if p.GetcwdRange() {
		short = wasix.ErrnoRange
	}
	// A NULL buffer has no room: libc's getcwd(NULL, n) asks the size so.
	if need > uint64(size) || ptr == 0 {
		if !writeU32(m, lenPtr, uint32(need)) {
			return wasix.ErrnoFault
		}
		return short
	}
	b, ok := span(m, ptr, uint32(need))
	if !ok {
		return wasix.ErrnoFault
	}
	copy(b, cwd)
	b[len(cwd)] = 0
	return put32(m, lenPtr, uint32(len(cwd)))
}
