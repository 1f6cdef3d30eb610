package abi

import (
	"context"
	"encoding/binary"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

// The entry protocols of the spawn calls:
//
//   - 2022 thread_spawn(user_data, stack_base, stack_start, reactor): the
//     thread enters the export named by callback_thread (_start_thread by
//     default), or for a reactor the one of callback_reactor (_react), with
//     user_data as one i64, or split into two i32 (low, high) when the
//     export takes those, as later Rust toolchains built it. The runtime
//     points __stack_pointer, when exported, at stack_base, the top of the
//     stack the guest allocated; the rest is up to the guest.
//   - seed thread_spawn(*thread_start) and current thread_spawn_v2: the
//     thread enters wasi_thread_start(tid, args). The guest's entry sets
//     __stack_pointer and __tls_base from the structure itself; the runtime
//     also sets them when they are exported, for entries that do not.
//   - wasi.thread-spawn(start_arg) of the wasi-threads proposal (thread.go's
//     sibling thread_wasi.go): wasi_thread_start(tid, start_arg), the guest
//     setting up everything.
const threadStartExport = "wasi_thread_start"

// Offsets in thread_start (seed and current, wasm32).
const (
	threadStartStack   = 0
	threadStartTLSBase = 4
	threadStartSize    = 64
)

func init() {
	modCalls[Wasix2022]["thread_spawn"] = threadSpawn2022
	modCalls[WasixSeed]["thread_spawn"] = threadSpawnStruct
	modCalls[WasixCurrent]["thread_spawn_v2"] = threadSpawnStruct

	w := wasixCalls
	w["thread_id"] = func(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		tid := p.ThreadID()
		if t := kernel.ThreadFrom(ctx); t != nil {
			tid = t.Tid()
		}
		return put32(m, uint32(s[0]), tid)
	}
	w["thread_join"] = func(ctx context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
		return p.Join(ctx, kernel.ThreadFrom(ctx), uint32(s[0]))
	}
	w["thread_exit"] = threadExit
}

// threadSpawn2022 decodes thread_spawn(user_data u64, stack_base u64,
// stack_start u64, reactor bool, tid*).
func threadSpawn2022(ctx context.Context, p *kernel.Process, mod api.Module, s []uint64) wasix.Errno {
	m := mod.Memory()
	userData, stackBase, reactor, out := s[0], s[1], uint32(s[3]) != 0, uint32(s[4])
	if _, ok := span(m, out, 4); !ok {
		return wasix.ErrnoFault
	}
	kind := kernel.CallbackThread
	if reactor {
		kind = kernel.CallbackReactor
	}
	name := p.Callback(kind)
	fn := exportOf(ctx, p, mod, name)
	if fn == nil {
		return wasix.ErrnoNosys
	}
	var args []uint64
	switch params := fn.Definition().ParamTypes(); {
	case len(params) == 0:
	case len(params) == 1 && params[0] == api.ValueTypeI64:
		args = []uint64{userData}
	case len(params) == 1 && params[0] == api.ValueTypeI32:
		args = []uint64{uint64(uint32(userData))}
	case len(params) == 2 && params[0] == api.ValueTypeI32 && params[1] == api.ValueTypeI32:
		args = []uint64{uint64(uint32(userData)), userData >> 32}
	default:
		return wasix.ErrnoNoexec
	}
	tid, errno := p.SpawnThread(kernel.ThreadEntry{Export: name, Args: args, ArgTid: -1, StackPointer: stackBase})
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	return put32(m, out, tid)
}

// threadSpawnStruct decodes thread_spawn(args *thread_start, tid*) of the
// seed and thread_spawn_v2 of current WASIX.
func threadSpawnStruct(_ context.Context, p *kernel.Process, mod api.Module, s []uint64) wasix.Errno {
	m := mod.Memory()
	ptr, out := uint32(s[0]), uint32(s[1])
	b, ok := span(m, ptr, threadStartSize)
	if !ok {
		return wasix.ErrnoFault
	}
	if _, ok := span(m, out, 4); !ok {
		return wasix.ErrnoFault
	}
	if !hasThreadStart(mod) {
		return wasix.ErrnoNosys
	}
	tid, errno := p.SpawnThread(kernel.ThreadEntry{
		Export:       threadStartExport,
		Args:         []uint64{0, uint64(ptr)},
		ArgTid:       0,
		StackPointer: uint64(binary.LittleEndian.Uint32(b[threadStartStack:])),
		TLSBase:      uint64(binary.LittleEndian.Uint32(b[threadStartTLSBase:])),
	})
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	return put32(m, out, tid)
}

// threadExit ends the calling thread with rval (thread_exit): the panic
// unwinds the guest stack to the launcher, which finishes the thread
// alone. Without a thread (no launcher wired), it ends the process.
func threadExit(ctx context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
	rval := uint32(s[0])
	if t := kernel.ThreadFrom(ctx); t != nil {
		t.MarkThreadExit(rval)
	} else {
		p.SetExit(rval)
	}
	panic(sys.NewExitError(rval))
}

// hasThreadStart reports whether mod exports the entry of spawned threads
// with the (i32, i32) signature it is called with.
func hasThreadStart(mod api.Module) bool {
	fn := exportOf(context.Background(), nil, mod, threadStartExport) // never hidden
	if fn == nil {
		return false
	}
	params := fn.Definition().ParamTypes()
	return len(params) == 2 && params[0] == api.ValueTypeI32 && params[1] == api.ValueTypeI32
}

// exportOf returns the function mod, an instance of p's program, exports
// as name, or nil; a -pie program's hidden ones included (p may be nil
// for a name no program hides).
func exportOf(ctx context.Context, p *kernel.Process, mod api.Module, name string) api.Function {
	if mod == nil || name == "" {
		return nil
	}
	if fn := mod.ExportedFunction(name); fn != nil || p == nil {
		return fn
	}
	if l := dynLinkerOf(p); l != nil {
		if fn, err := l.Export(ctx, mod, name); err == nil {
			return fn
		}
	}
	return nil
}

// guestContext returns the context to call back into the guest with from a
// call body: the thread's own, not the call's, which a signal ends (and
// wazero would then close the instance).
func guestContext(ctx context.Context) context.Context {
	if t := kernel.ThreadFrom(ctx); t != nil {
		return t.Context()
	}
	return ctx
}
