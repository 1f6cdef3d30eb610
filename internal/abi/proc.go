package abi

import (
	"context"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

func init() {
	rawCalls["proc_exit"] = procExit
	preview1Calls["sched_yield"] = func(_ context.Context, p *kernel.Process, _ api.Memory, _ []uint64) wasix.Errno {
		return p.SchedYield()
	}
	preview1Calls["random_get"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		b, ok := span(m, uint32(s[0]), uint32(s[1]))
		if !ok {
			return wasix.ErrnoFault
		}
		return p.RandomGet(b)
	}
}

// exit ends the program the wazero way: the module is closed with the
// code, and the panic unwinds the guest stack to the caller of _start.
func exit(ctx context.Context, mod api.Module, code uint32) {
	vforkExit(ctx, code) // a vforked child leaves the parent's instance open (stack.go)
	if p := kernel.ProcessFrom(ctx); p != nil {
		p.SetExit(code)
	}
	_ = mod.CloseWithExitCode(ctx, code)
	panic(sys.NewExitError(code))
}

// proc_exit(rval)
func procExit(ctx context.Context, mod api.Module, stack []uint64) {
	forkEnvExit(ctx, mod, uint32(stack[0]))
	exit(ctx, mod, uint32(stack[0]))
}
