package abi

import (
	"context"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental/table"
	"github.com/tetratelabs/wazero/sys"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

// context_create, context_switch, context_destroy: the decoding of the
// execution contexts of today's wasix-libc; the kernel keeps them
// (kernel/context.go). A context runs its entry through the thread's own
// instance, on a goroutine of its own, with the thread's context, so its
// calls act for the same thread and process.

func init() {
	cur := modCalls[WasixCurrent]
	cur["context_create"] = contextCreate
	cur["context_switch"] = contextSwitch
	cur["context_destroy"] = contextDestroy
}

// context_create(new_context_ptr, entrypoint): EINVAL unless entrypoint is
// a function of the table taking and returning nothing.
func contextCreate(ctx context.Context, p *kernel.Process, mod api.Module, s []uint64) wasix.Errno {
	t := kernel.ThreadFrom(ctx)
	if t == nil || t.ForkEnvParent() != nil {
		return wasix.ErrnoNotsup // no thread, or a proc_fork_env child's calls
	}
	out := uint32(s[0])
	if _, ok := span(mod.Memory(), out, 8); !ok {
		return wasix.ErrnoFault
	}
	fn := entryFunction(mod, uint32(s[1]))
	if fn == nil {
		return wasix.ErrnoInval
	}
	base := t.Context()
	id := t.ContextCreate(func() error {
		_, err := fn.Call(base)
		return err
	})
	return put64(mod.Memory(), out, id)
}

// entryFunction returns the function at index idx of the instance's
// table, if it has the type () -> (); nil otherwise.
func entryFunction(mod api.Module, idx uint32) (fn api.Function) {
	defer func() {
		if recover() != nil {
			fn = nil // wazero panics as call_indirect would trap
		}
	}()
	return table.LookupFunction(mod, 0, idx, nil, nil)
}

// context_switch(next_context): returns once switched back to. The guest's
// stack pointer is the caller's again then: the contexts share the global,
// and each resumes where its own stack was.
func contextSwitch(ctx context.Context, p *kernel.Process, mod api.Module, s []uint64) wasix.Errno {
	t := kernel.ThreadFrom(ctx)
	if t == nil || t.ForkEnvParent() != nil {
		return wasix.ErrnoAgain
	}
	sp := stackPointer(ctx, mod)
	var saved uint64
	if sp != nil {
		saved = sp.Get()
	}
	err, errno := t.ContextSwitch(s[0])
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	if err != nil {
		if ex, ok := err.(*kernel.ContextExit); ok {
			panic(sys.NewExitError(ex.Code))
		}
		panic(err)
	}
	if sp != nil {
		sp.Set(saved)
	}
	return wasix.ErrnoSuccess
}

// context_destroy(context).
func contextDestroy(ctx context.Context, p *kernel.Process, mod api.Module, s []uint64) wasix.Errno {
	t := kernel.ThreadFrom(ctx)
	if t == nil || t.ForkEnvParent() != nil {
		return wasix.ErrnoAgain // no environment: Wasmer's answer (create's is ENOTSUP)
	}
	return t.ContextDestroy(s[0])
}

// stackPointer returns the guest's __stack_pointer global, from the run
// loop's instance when mod is it (found once), else by name.
func stackPointer(ctx context.Context, mod api.Module) api.MutableGlobal {
	if in := InstanceFrom(ctx); in != nil && in.mod == mod && in.sp != nil {
		return in.sp
	}
	sp, _ := mod.ExportedGlobal("__stack_pointer").(api.MutableGlobal)
	return sp
}
