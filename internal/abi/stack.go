package abi

import (
	"context"
	"crypto/rand"
	"fmt"
	"maps"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

// Fork and setjmp/longjmp need the guest's call stack as data. WebAssembly
// gives no access to it, so guests are built with binaryen's asyncify
// pass, which lets a running call unwind the stack into a buffer and later
// rewind it from that buffer:
//
//   - a host call that needs the stack calls asyncify_start_unwind(buf) and
//     returns; every guest function then saves its locals into the buffer
//     and returns, up to the entry point, whose call ends in the host;
//   - the host calls asyncify_stop_unwind and copies the buffer, the
//     guest's stack in linear memory (from __stack_pointer to the top of the
//     stack region) and the stack pointer: a Snapshot;
//   - to resume, in this instance or a copy of it (fork), the host writes
//     the buffer back, calls asyncify_start_rewind(buf) and calls the
//     entry point again; every function restores its locals and re-enters
//     the call it was in, down to the same host call, which sees the
//     rewind, calls asyncify_stop_rewind and returns its result.
//
// As Wasmer does, the buffer is a two-word header {next, end} at the low
// end of the stack region followed by the data, so that it uses free
// stack space: it runs from there up to the stack pointer. The region's
// top is the stack pointer before _start runs.

// asyncifyHeader is the size of the {next, end} header of the buffer.
const asyncifyHeader = 8

// Instance is the asyncify state of one guest instance. The host's run
// loop makes one per instance and passes it to handlers in the context of
// its calls (WithInstance); handlers start unwinds and finish rewinds, the
// run loop does the rest. It is used by one goroutine at a time.
type Instance struct {
	mod       api.Module
	fns       [4]api.Function // asyncify's exports (asyncifyExports), or nil until needed
	sp        api.MutableGlobal
	low, high uint32 // the stack region
	why       string // why the instance cannot unwind, or ""
	tracer    *Tracer

	pending   any // what the unwind in progress is for
	rewinding bool
	result    uint64 // what the rewound call returns
	errno     wasix.Errno

	snaps    map[[16]byte]*Snapshot // stack_checkpoint's records by hash
	borrowed bool                   // run by a vforked child
}

// Snapshot is a guest call stack saved by an unwind: the asyncify data,
// the stack in linear memory and the stack pointer.
type Snapshot struct {
	SP    uint32
	Data  []byte
	Stack []byte
}

// asyncifyExports are the functions binaryen's asyncify pass exports, in
// the order of Instance.fns.
var asyncifyExports = [...]string{"asyncify_start_unwind", "asyncify_stop_unwind", "asyncify_start_rewind", "asyncify_stop_rewind"}

const (
	startUnwind = iota
	stopUnwind
	startRewind
	stopRewind
)

// NewInstance finds the asyncify exports and the stack layout of mod,
// which must not have run yet. A module without them is still run; its fork and stack_checkpoint give
// ENOTSUP, and the trace says why. t may be nil.
func NewInstance(mod api.Module, t *Tracer) *Instance {
	in := &Instance{mod: mod, tracer: t, snaps: map[[16]byte]*Snapshot{}}
	for i, name := range asyncifyExports {
		if in.fns[i] = mod.ExportedFunction(name); in.fns[i] == nil {
			in.why = "the program exports no asyncify_* functions (build it with wasm-opt --asyncify)"
			return in
		}
	}
	sp, ok := mod.ExportedGlobal("__stack_pointer").(api.MutableGlobal)
	if !ok {
		in.why = "the program does not export __stack_pointer (link it with --export=__stack_pointer)"
		return in
	}
	in.sp = sp
	// Made before _start runs, the stack pointer is still at the top of
	// the stack region. Its bottom is __stack_low where the linker says
	// it; else the end of the data when the data comes first (lld's
	// default for C); else the start of memory (--stack-first, Rust's).
	in.high = uint32(sp.Get())
	if low := mod.ExportedGlobal("__stack_low"); low != nil && uint32(low.Get()) < in.high {
		in.low = uint32(low.Get())
	} else if end := mod.ExportedGlobal("__data_end"); end != nil && uint32(end.Get()) < in.high {
		in.low = uint32(end.Get())
	}
	in.low = (in.low + 7) &^ 7
	if in.low+asyncifyHeader >= in.high {
		in.why = "the program's stack region is empty"
	}
	return in
}

// ForkCopy returns the Instance of mod, a new instance of in's program
// made for a forked child, which goes on from in's stack: it has in's
// stack layout and stack_checkpoint records. Its asyncify functions are
// looked up when first called: each lookup makes a call engine with a
// stack of its own, and most children never unwind.
func (in *Instance) ForkCopy(mod api.Module) *Instance {
	c := &Instance{mod: mod, tracer: in.tracer, why: in.why, low: in.low, high: in.high, snaps: maps.Clone(in.snaps)}
	if c.why == "" {
		var ok bool
		if c.sp, ok = mod.ExportedGlobal("__stack_pointer").(api.MutableGlobal); !ok {
			c.why = "the program does not export __stack_pointer (link it with --export=__stack_pointer)"
		}
	}
	return c
}

// call calls asyncify's function f, looking it up on first use.
func (in *Instance) call(ctx context.Context, f int, params ...uint64) error {
	if in.fns[f] == nil {
		in.fns[f] = in.mod.ExportedFunction(asyncifyExports[f])
	}
	_, err := in.fns[f].Call(ctx, params...)
	return err
}

// Module returns the guest instance.
func (in *Instance) Module() api.Module { return in.mod }

// Unwindable returns "" if the instance can unwind, else why not.
func (in *Instance) Unwindable() string { return in.why }

type slotKey struct{}

// Slot holds the instance a thread of a process runs now. The run loop
// puts one in the context the thread is made with and changes its
// content when exec replaces the program.
type Slot struct {
	In *Instance
}

// WithSlot returns a context carrying s for the handlers.
func WithSlot(ctx context.Context, s *Slot) context.Context {
	return context.WithValue(ctx, slotKey{}, s)
}

// SlotFrom returns the slot carried by ctx, or nil.
func SlotFrom(ctx context.Context) *Slot {
	s, _ := ctx.Value(slotKey{}).(*Slot)
	return s
}

// InstanceFrom returns the instance in the slot carried by ctx, or nil.
func InstanceFrom(ctx context.Context) *Instance {
	if s, _ := ctx.Value(slotKey{}).(*Slot); s != nil {
		return s.In
	}
	return nil
}

// SetBorrowed marks the instance as run by a vforked child, whose exit
// must leave it open for the parent (see VforkExit).
func (in *Instance) SetBorrowed(b bool) { in.borrowed = b }

// VforkExit is what proc_exit panics with in a vforked child: the
// instance is the parent's, so it is not closed; the run loop ends the
// child with Code and resumes the parent.
type VforkExit struct {
	Code uint32
}

// Error describes the exit (it travels as a panic through wazero).
func (e *VforkExit) Error() string {
	return fmt.Sprintf("vfork child exit %d (handled by the run loop)", e.Code)
}

func (e *VforkExit) traceResult() string { return fmt.Sprintf("exit %d of the vforked child", e.Code) }

// vforkExit panics with a VforkExit if ctx runs a vforked child.
func vforkExit(ctx context.Context, code uint32) {
	if in := InstanceFrom(ctx); in != nil && in.borrowed {
		panic(&VforkExit{Code: code})
	}
}

// note writes a line to the trace, if the run is traced.
func (in *Instance) note(p *kernel.Process, msg string) {
	if in.tracer != nil {
		in.tracer.line(fmt.Sprintf("[%d] %s", p.Pid(), msg))
	}
}

// unwind starts unwinding the guest for the reason pending; the handler
// then returns and the guest unwinds to the run loop.
func (in *Instance) unwind(ctx context.Context, pending any) wasix.Errno {
	mem := in.mod.Memory()
	sp := uint32(in.sp.Get())
	start := in.low + asyncifyHeader
	if sp <= start || sp > in.high {
		return wasix.ErrnoNomem
	}
	if !writeU32(mem, in.low, start) || !writeU32(mem, in.low+4, sp) {
		return wasix.ErrnoFault
	}
	if err := in.call(ctx, startUnwind, uint64(in.low)); err != nil {
		return wasix.ErrnoNotsup
	}
	in.pending = pending
	return wasix.ErrnoSuccess
}

// Unwound reports whether the guest's entry point returned because of an
// unwind, which the run loop must finish with FinishUnwind.
func (in *Instance) Unwound() bool { return in.pending != nil }

// FinishUnwind stops the unwind and returns what it was for and the
// stack it saved.
func (in *Instance) FinishUnwind(ctx context.Context) (any, *Snapshot, error) {
	pending := in.pending
	in.pending = nil
	if err := in.call(ctx, stopUnwind); err != nil {
		return nil, nil, err
	}
	mem := in.mod.Memory()
	next, ok := readU32(mem, in.low)
	start := in.low + asyncifyHeader
	if !ok || next < start {
		return nil, nil, fmt.Errorf("asyncify: bad unwind buffer")
	}
	sp := uint32(in.sp.Get())
	data, ok1 := span(mem, start, next-start)
	stack, ok2 := span(mem, sp, in.high-sp)
	if !ok1 || !ok2 {
		return nil, nil, fmt.Errorf("asyncify: unwind buffer or stack out of memory")
	}
	snap := &Snapshot{SP: sp, Data: append([]byte(nil), data...), Stack: append([]byte(nil), stack...)}
	if cp, ok := pending.(*checkpoint); ok {
		// stack_checkpoint: keep the snapshot and go on with 0.
		in.snaps[cp.hash] = snap
		return nil, nil, in.Rewind(ctx, snap, 0, wasix.ErrnoSuccess, false)
	}
	return pending, snap, nil
}

// Rewind prepares the guest to resume the call saved in snap, which then
// returns result (or fails with errno); the run loop calls the entry point
// next. With restore, the stack memory and stack pointer are put back as
// they were (a longjmp, a copy of the instance, the end of a vfork).
func (in *Instance) Rewind(ctx context.Context, snap *Snapshot, result uint64, errno wasix.Errno, restore bool) error {
	mem := in.mod.Memory()
	start := in.low + asyncifyHeader
	if uint64(start)+uint64(len(snap.Data)) > uint64(snap.SP) {
		return fmt.Errorf("asyncify: the saved stack does not fit below the stack pointer")
	}
	if restore {
		if !mem.Write(snap.SP, snap.Stack) {
			return fmt.Errorf("asyncify: cannot restore the stack")
		}
		in.sp.Set(uint64(snap.SP))
	}
	if !mem.Write(start, snap.Data) || !writeU32(mem, in.low, start+uint32(len(snap.Data))) || !writeU32(mem, in.low+4, snap.SP) {
		return fmt.Errorf("asyncify: cannot write the rewind buffer")
	}
	in.rewinding, in.result, in.errno = true, result, errno
	return in.call(ctx, startRewind, uint64(in.low))
}

// rewound ends a rewind in the handler it reached and returns what the
// call returns; false when no rewind is under way.
func (in *Instance) rewound(ctx context.Context) (uint64, wasix.Errno, bool) {
	if in == nil || !in.rewinding {
		return 0, 0, false
	}
	in.rewinding = false
	if err := in.call(ctx, stopRewind); err != nil {
		panic(err) // the guest is in no state to go on
	}
	return in.result, in.errno, true
}

// checkpoint is the pending reason of stack_checkpoint's unwind.
type checkpoint struct{ hash [16]byte }

// RestoreRequest is what stack_restore panics with: the run loop catches
// it, rewinds Snap, and the stack_checkpoint that made it returns Val.
type RestoreRequest struct {
	Snap *Snapshot
	Val  uint64
}

// Error describes the request (it travels as a panic through wazero).
func (r *RestoreRequest) Error() string { return "stack_restore (handled by the run loop)" }

func (r *RestoreRequest) traceResult() string { return fmt.Sprintf("longjmp with %d", r.Val) }

// runLoopRequest is a value a handler panics with for the run loop to act
// on; the trace shows it as the call's outcome rather than as a trap.
type runLoopRequest interface{ traceResult() string }

func init() {
	onInstanceCall("stack_checkpoint", stackCheckpoint)
	onInstanceCall("stack_restore", stackRestore)
}

// onInstanceCall registers c, a call that drives the caller's instance
// (unwinds it, or abandons its stack), in every WASIX generation whose
// signature of name is the seed's. It is a modCall so that it can tell
// the instance of the run loop from a thread's instance, which has no loop
// to come back to: a thread gets ENOTSUP.
// handlerFor checks the signature when a program imports the call, not
// here: package initialisation runs at every start.
func onInstanceCall(name string, c call) { instanceCalls[name] = c }

// onInstance adapts c to run only on the instance the run loop tracks.
func onInstance(c call) modCall {
	return func(ctx context.Context, p *kernel.Process, mod api.Module, s []uint64) wasix.Errno {
		if in := InstanceFrom(ctx); in != nil && in.mod != mod {
			return wasix.ErrnoNotsup
		}
		if t := kernel.ThreadFrom(ctx); t != nil && t.InContext() {
			return wasix.ErrnoNotsup // only the main context may unwind or exec
		}
		return c(ctx, p, mod.Memory(), s)
	}
}

// Offsets in stack_snapshot {user: u64, hash: hash (16 bytes)}.
const (
	snapshotHash = 8
	snapshotSize = 24
)

// stack_checkpoint(snapshot*, out*): 0 when called, the value passed to
// stack_restore when restored.
func stackCheckpoint(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	in := InstanceFrom(ctx)
	if v, errno, ok := in.rewound(ctx); ok {
		if errno != wasix.ErrnoSuccess {
			return errno
		}
		return put64(m, uint32(s[1]), v)
	}
	snapPtr, out := uint32(s[0]), uint32(s[1])
	b, ok := span(m, snapPtr, snapshotSize)
	if _, ok2 := span(m, out, 8); !ok || !ok2 {
		return wasix.ErrnoFault
	}
	if in == nil || in.why != "" {
		if in != nil {
			in.note(p, "stack_checkpoint: ENOTSUP: "+in.why)
		}
		return wasix.ErrnoNotsup
	}
	var h [16]byte
	_, _ = rand.Read(h[:])
	copy(b[snapshotHash:], h[:]) // before the unwind, so the saved stack holds it
	return in.unwind(ctx, &checkpoint{hash: h})
}

// stack_restore(snapshot*, val): back to the stack_checkpoint that wrote
// the snapshot, which then returns val. An unknown snapshot traps.
func stackRestore(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	in := InstanceFrom(ctx)
	if in == nil {
		return wasix.ErrnoNotsup // the guest traps on returning from a noreturn call
	}
	b, ok := span(m, uint32(s[0]), snapshotSize)
	if !ok {
		panic(fmt.Errorf("stack_restore: the snapshot at %#x is out of memory", uint32(s[0])))
	}
	var h [16]byte
	copy(h[:], b[snapshotHash:])
	if in.snaps[h] == nil {
		panic(fmt.Errorf("stack_restore: no stack_checkpoint made this snapshot"))
	}
	panic(&RestoreRequest{Snap: in.snaps[h], Val: s[1]})
}
