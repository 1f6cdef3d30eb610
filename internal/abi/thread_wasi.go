package abi

import (
	"context"
	"fmt"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
	"github.com/wasix-go/wasix/internal/linker"
)

// The wasi-threads proposal: programs of wasi-sdk's wasm32-wasi-threads
// target import one function, wasi.thread-spawn(start_arg) -> tid, and
// export wasi_thread_start(tid, start_arg).
const (
	ModuleWasiThreads = "wasi"
	wasiThreadSpawn   = "thread-spawn"
)

// isWasiThreadSpawn reports whether an import is the proposal's spawn call
// with its signature.
func isWasiThreadSpawn(module, name string, params, results []api.ValueType) bool {
	return module == ModuleWasiThreads && name == wasiThreadSpawn &&
		len(params) == 1 && params[0] == api.ValueTypeI32 && len(results) == 1 && results[0] == api.ValueTypeI32
}

// wasiThreadsKey files the wasi module among the shared modules of a Host;
// it belongs to no generation.
var wasiThreadsKey = moduleKey{}

// wasiThreads returns the host module "wasi", built once per Host.
func (h *Host) wasiThreads(ctx context.Context) (api.Module, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if m := h.shared[wasiThreadsKey]; m != nil {
		return m, nil
	}
	ctx = context.WithoutCancel(ctx)
	compiled, err := h.rt.NewHostModuleBuilder(ModuleWasiThreads).NewFunctionBuilder().
		WithGoModuleFunction(api.GoModuleFunc(threadSpawnWasi), []api.ValueType{api.ValueTypeI32}, []api.ValueType{api.ValueTypeI32}).
		WithParameterNames("start_arg").
		Export(wasiThreadSpawn).Compile(ctx)
	if err != nil {
		return nil, fmt.Errorf("building the %s module: %w", ModuleWasiThreads, err)
	}
	m, err := h.rt.InstantiateModule(ctx, compiled, linker.ModuleConfig())
	if err != nil {
		_ = compiled.Close(ctx)
		return nil, fmt.Errorf("instantiating the %s module: %w", ModuleWasiThreads, err)
	}
	h.cmu.Lock()
	h.compiled[m] = compiled
	h.cmu.Unlock()
	h.shared[wasiThreadsKey] = m
	return m, nil
}

// threadSpawnWasi is wasi.thread-spawn(start_arg): the new thread's id, or
// a negative errno.
func threadSpawnWasi(ctx context.Context, mod api.Module, stack []uint64) {
	errno := wasix.ErrnoNosys
	var tid uint32
	if p := kernel.ProcessFrom(ctx); p != nil && hasThreadStart(mod) {
		tid, errno = p.SpawnThread(kernel.ThreadEntry{
			Export: threadStartExport,
			Args:   []uint64{0, uint64(uint32(stack[0]))},
			ArgTid: 0,
		})
	}
	if errno != wasix.ErrnoSuccess {
		stack[0] = uint64(uint32(-int32(errno)))
		return
	}
	stack[0] = uint64(tid)
}
