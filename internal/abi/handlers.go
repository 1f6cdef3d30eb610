package abi

import (
	"context"
	"slices"
	"sync/atomic"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

// call is the body of a handler: it reads its params from stack, acts on
// the process through the kernel, and returns the errno to report.
type call func(ctx context.Context, p *kernel.Process, m api.Memory, stack []uint64) wasix.Errno

// modCall is the body of a handler that also needs the calling module,
// to look at its exports or call back into it.
type modCall func(ctx context.Context, p *kernel.Process, mod api.Module, stack []uint64) wasix.Errno

// wrap turns a call into a wazero stack-based host function. A context
// without a process (a wiring bug of the embedder) gives ENOSYS rather than
// a crash. A thread's call runs with the thread's call context, which a
// signal ends, and the boundaries of the call deliver its signals and
// unwind it when the process ends (signal.go).
func wrap(c call) api.GoModuleFunc {
	return wrapMod(func(ctx context.Context, p *kernel.Process, mod api.Module, stack []uint64) wasix.Errno {
		return c(ctx, p, mod.Memory(), stack)
	})
}

// ForkEnvReturnHook, set by tests only, runs when a call of a
// proc_fork_env child has returned in the parent (an exec or an exit),
// with the child's process: a test makes the child end there, so that the
// parent's checks after the call meet an ended child.
var ForkEnvReturnHook atomic.Pointer[func(child *kernel.Process)]

// wrapMod is wrap for a modCall: the same boundaries, with the module.
func wrapMod(c modCall) api.GoModuleFunc {
	return func(ctx context.Context, mod api.Module, stack []uint64) {
		// A thread knows its process: the type switch of ThreadFrom is
		// cheaper than walking the context for the process on every call.
		t := kernel.ThreadFrom(ctx)
		if t == nil {
			p := kernel.ProcessFrom(ctx)
			if p == nil {
				stack[0] = uint64(wasix.ErrnoNosys)
				return
			}
			stack[0] = uint64(c(ctx, p, mod, stack))
			return
		}
		self := t
		t = t.Current() // a proc_fork_env child's calls act for the child
		p := t.Process()
		if t.Attention() {
			boundary(ctx, mod, p, t)
		}
		stack[0] = uint64(c(t.CallContext(), p, mod, stack))
		if cur := self.Current(); cur != t {
			if h := ForkEnvReturnHook.Load(); h != nil {
				(*h)(p)
			}
			// The call ended or exec'd the proc_fork_env child: it returns
			// in the parent, and the child's exit (an exec'd program may
			// already have ended) is no business of this goroutine.
			t, p = cur, cur.Process()
		}
		if t.Attention() {
			boundary(ctx, mod, p, t)
		}
	}
}

// preview1Calls holds the handlers of wasi_snapshot_preview1, which serve
// the same names of every wasix_32v1 generation whose core signature is
// the same.
var preview1Calls = map[string]call{}

// wasixCalls holds the process-level WASIX calls common to every
// wasix_32v1 generation that defines them with the same signature.
var wasixCalls = map[string]call{}

// genCalls holds calls whose behaviour or layout depends on the
// generation; they take precedence over the shared tables.
var genCalls = map[Generation]map[string]call{
	Preview1: {}, Wasix2022: {}, WasixSeed: {}, WasixCurrent: {},
}

// modCalls holds, per generation, the calls that need the calling module
// (spawning, callbacks, signals); they take precedence over every other
// table.
var modCalls = map[Generation]map[string]modCall{
	Preview1: {}, Wasix2022: {}, WasixSeed: {}, WasixCurrent: {},
}

// instanceCalls holds the calls that drive the caller's instance (see
// onInstanceCall), for every WASIX generation that has the seed's
// signature of them.
var instanceCalls = map[string]call{}

// rawCalls holds handlers that need the module itself (proc_exit closes it)
// or that skip wrap's closures on a hot path (fd_read, fd_write).
var rawCalls = map[string]api.GoModuleFunc{}

// genRawCalls holds, per generation, raw handlers of calls only that
// generation has (proc_exit2); they take precedence over every table.
var genRawCalls = map[Generation]map[string]api.GoModuleFunc{WasixCurrent: {}}

// handlerFor returns the handler of the call name in generation gen, or
// nil if the runtime does not implement it (the caller then registers a
// stub returning ENOSYS). A handler is only returned when the core
// signature of the call in gen is the one it decodes.
func handlerFor(gen Generation, name string) api.GoModuleFunc {
	spec := SpecOf(gen)
	if spec == nil {
		return nil
	}
	f := spec.Func(name)
	if f == nil {
		return nil
	}
	if h, ok := genRawCalls[gen][name]; ok {
		return h
	}
	if c, ok := modCalls[gen][name]; ok {
		return wrapMod(c)
	}
	if c, ok := instanceCalls[name]; ok && gen != Preview1 && sameSig(f, wasixRef(name)) {
		return wrapMod(onInstance(c))
	}
	if c, ok := genCalls[gen][name]; ok {
		return wrap(c)
	}
	if c, ok := wasixCalls[name]; ok && gen != Preview1 && sameSig(f, wasixRef(name)) {
		return wrap(c)
	}
	if !sameSig(f, SpecOf(Preview1).Func(name)) {
		return nil
	}
	if h, ok := rawCalls[name]; ok {
		return h
	}
	if c, ok := preview1Calls[name]; ok {
		return wrap(c)
	}
	return nil
}

// wasixRef returns the signature the shared WASIX handlers decode: the
// seed's, which the other generations share for those calls.
func wasixRef(name string) *Func { return SpecOf(WasixSeed).Func(name) }

func sameSig(a, b *Func) bool {
	return a != nil && b != nil && slices.Equal(a.Params, b.Params) && slices.Equal(a.Results, b.Results)
}
