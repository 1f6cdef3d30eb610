package abi

import (
	"context"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

// The calls of wasix-libc's asyncify-free process model (2025-12):
// proc_exit2 is the exit every program built with it imports (its _Exit),
// and proc_fork_env its vfork: the calling thread's calls act for a new
// child (kernel/forkenv.go) until the child execs or calls proc_exit2,
// which then return in the parent; wasix-libc longjmps back to the vfork.

func init() {
	genRawCalls[WasixCurrent]["proc_exit2"] = procExit2
	modCalls[WasixCurrent]["proc_fork_env"] = procForkEnv
}

// proc_exit2(rval): ends the process as proc_exit does, or, in a
// proc_fork_env child, the child, and returns in the parent.
func procExit2(ctx context.Context, mod api.Module, stack []uint64) {
	code := uint32(stack[0])
	if t := kernel.ThreadFrom(ctx); t != nil && t.Current().ExitForkEnv(code) {
		return
	}
	exit(ctx, mod, code)
}

// forkEnvExit is proc_exit in a proc_fork_env child: the child ends with
// the code, and since proc_exit may not return, the parent then exits with
// 129, as under Wasmer (wasix-libc calls proc_exit2 there).
func forkEnvExit(ctx context.Context, mod api.Module, code uint32) {
	if t := kernel.ThreadFrom(ctx); t != nil && t.Current().ExitForkEnv(code) {
		exit(ctx, mod, 129)
	}
}

// proc_fork_env(pid*): the child's pid; from here on the calls of this
// thread act for the child. Only the main context of an instance the run
// loop tracks may fork, as for proc_fork.
func procForkEnv(ctx context.Context, p *kernel.Process, mod api.Module, s []uint64) wasix.Errno {
	out := uint32(s[0])
	if _, ok := span(mod.Memory(), out, 4); !ok {
		return wasix.ErrnoFault
	}
	t, in := kernel.ThreadFrom(ctx), InstanceFrom(ctx)
	if t == nil || in == nil || in.mod != mod || t.InContext() {
		return wasix.ErrnoNotsup
	}
	// The child gets a slot of its own (the instance it borrows, then the
	// one of the program it execs) and a context that does not end with
	// the parent, which an exec'd child outlives.
	slot := &Slot{In: in}
	child, errno := t.ForkEnv(WithSlot(context.WithoutCancel(t.Context()), slot))
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	return put32(mod.Memory(), out, child.Pid())
}
