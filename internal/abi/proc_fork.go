package abi

import (
	"context"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

// ForkRequest is the pending reason of proc_fork's unwind: the run loop
// makes the child (Copy: with a copy of memory; otherwise a vfork that
// borrows the parent's instance) and rewinds parent and child.
type ForkRequest struct {
	Copy bool
}

func init() {
	onInstanceCall("proc_fork", procFork)
}

// proc_fork(copy_memory, pid*): 0 in the child, the child's pid in the
// parent. The handler only starts the unwind; the run loop forks.
func procFork(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	in := InstanceFrom(ctx)
	out := uint32(s[1])
	if v, errno, ok := in.rewound(ctx); ok {
		if errno != wasix.ErrnoSuccess {
			return errno
		}
		return put32(m, out, uint32(v))
	}
	if _, ok := span(m, out, 4); !ok {
		return wasix.ErrnoFault
	}
	if in == nil {
		return wasix.ErrnoNotsup
	}
	if in.why != "" {
		in.note(p, "proc_fork: ENOTSUP: "+in.why)
		return wasix.ErrnoNotsup
	}
	return in.unwind(ctx, &ForkRequest{Copy: uint32(s[0])&0xff != 0})
}
