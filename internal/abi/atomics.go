package abi

import (
	"context"
	"errors"
	"fmt"
	"unsafe"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"
	"github.com/wasix-go/wasix/internal/kernel"
	"github.com/wasix-go/wasix/internal/linker"
	"github.com/wasix-go/wasix/internal/wasmbin"
)

// The program's own memory.atomic.wait32/64 and notify instructions become
// calls of these functions (wasmbin.RewriteAtomics, when the runtime
// compiles a program with a shared memory), so that every way a process
// ends reaches threads blocked in them: wazero's own wait listens to
// nothing but a notify. They keep the instructions' semantics, traps
// included; the only difference a program can see is a wake without a
// notify when a signal arrives or the process ends (the call's boundary
// then runs the handler or unwinds the thread).

// atomicsKey files the atomics module among the shared modules of a Host.
// It belongs to no generation.
var atomicsKey = moduleKey{gen: Generation(0xff)}

// The traps of the instructions, as wazero words its own.
var (
	errAtomicUnaligned = errors.New("wasm error: unaligned atomic")
	errAtomicBounds    = errors.New("wasm error: out of bounds memory access")
)

// atomics returns the host module of the rewritten instructions, built
// once per Host.
func (h *Host) atomics(ctx context.Context) (api.Module, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if m := h.shared[atomicsKey]; m != nil {
		return m, nil
	}
	ctx = context.WithoutCancel(ctx)
	i32, i64 := api.ValueTypeI32, api.ValueTypeI64
	b := h.rt.NewHostModuleBuilder(wasmbin.AtomicsModule)
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(atomicWait32), []api.ValueType{i32, i32, i64, i32}, []api.ValueType{i32}).
		WithParameterNames("addr", "expected", "timeout", "offset").Export(wasmbin.AtomicWait32)
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(atomicWait64), []api.ValueType{i32, i64, i64, i32}, []api.ValueType{i32}).
		WithParameterNames("addr", "expected", "timeout", "offset").Export(wasmbin.AtomicWait64)
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(atomicNotify), []api.ValueType{i32, i32, i32}, []api.ValueType{i32}).
		WithParameterNames("addr", "count", "offset").Export(wasmbin.AtomicNotify)
	compiled, err := b.Compile(ctx)
	if err != nil {
		return nil, fmt.Errorf("building the %s module: %w", wasmbin.AtomicsModule, err)
	}
	m, err := h.rt.InstantiateModule(ctx, compiled, linker.ModuleConfig())
	if err != nil {
		_ = compiled.Close(ctx)
		return nil, fmt.Errorf("instantiating the %s module: %w", wasmbin.AtomicsModule, err)
	}
	h.cmu.Lock()
	h.compiled[m] = compiled
	h.cmu.Unlock()
	h.shared[atomicsKey] = m
	return m, nil
}

// atomicWord returns the word of size bytes at addr+offset, trapping as
// the instruction would on a misaligned or out of bounds address.
func atomicWord(mod api.Module, addr, offset, size uint32) (uint32, unsafe.Pointer) {
	ea := uint64(addr) + uint64(offset)
	if ea%uint64(size) != 0 {
		panic(errAtomicUnaligned)
	}
	if ea > 1<<32-1 {
		panic(errAtomicBounds)
	}
	b, ok := span(mod.Memory(), uint32(ea), size)
	if !ok {
		panic(errAtomicBounds)
	}
	return uint32(ea), unsafe.Pointer(&b[0])
}

func atomicWait32(ctx context.Context, mod api.Module, s []uint64) {
	atomicWait(ctx, mod, s, 4)
}

func atomicWait64(ctx context.Context, mod api.Module, s []uint64) {
	atomicWait(ctx, mod, s, 8)
}

func atomicWait(ctx context.Context, mod api.Module, s []uint64, size uint32) {
	ea, word := atomicWord(mod, uint32(s[0]), uint32(s[3]), size)
	expected := s[1]
	if size == 4 {
		expected = uint64(uint32(expected))
	}
	t := kernel.ThreadFrom(ctx)
	var p *kernel.Process
	if t != nil {
		p = t.Process()
		if t.Attention() {
			boundary(ctx, mod, p, t)
		}
	} else if p = kernel.ProcessFrom(ctx); p == nil {
		panic(errors.New("memory.atomic.wait outside a process"))
	}
	cctx := ctx
	if t != nil {
		cctx = t.CallContext()
	}
	res, _ := p.AtomicWait(cctx, ea, word, size == 8, expected, int64(s[2]))
	s[0] = uint64(res)
	if t != nil && t.Attention() {
		boundary(ctx, mod, p, t)
	}
	if err := ctx.Err(); err != nil {
		// The run's context ended. A host call would return EINTR and
		// leave the stop to compute interrupts; an instruction has no
		// error to return, and its caller would wait again at once, so
		// the thread unwinds here, as wazero ends a cancelled call.
		code := sys.ExitCodeContextCanceled
		if errors.Is(err, context.DeadlineExceeded) {
			code = sys.ExitCodeDeadlineExceeded
		}
		panic(sys.NewExitError(code))
	}
}

func atomicNotify(ctx context.Context, mod api.Module, s []uint64) {
	ea, _ := atomicWord(mod, uint32(s[0]), uint32(s[2]), 4)
	var p *kernel.Process
	if t := kernel.ThreadFrom(ctx); t != nil {
		p = t.Process() // cheaper than walking the context
	} else {
		p = kernel.ProcessFrom(ctx)
	}
	if p == nil {
		s[0] = 0
		return
	}
	s[0] = uint64(p.AtomicNotify(ea, uint32(s[1])))
}
