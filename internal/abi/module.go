package abi

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/wasix-go/wasix/internal/linker"
	"github.com/wasix-go/wasix/internal/wasmbin"
)

// errnoNosys is wasi's ENOSYS, what a call without a handler returns.
const errnoNosys = 52

// Host builds and keeps the host modules of one wazero runtime.
//
// The generations of wasix_32v1 give different signatures to the same
// names, so no module is instantiated under its import name: each is
// anonymous, and a guest is linked by an import resolver (see Link) that
// maps the names it imports to the modules of its generation. Modules
// without tracing are built once and shared by every guest, which find
// their process in the context of the call; traced ones are built per guest
// because the trace goes to that guest's writer.
type Host struct {
	rt wazero.Runtime

	mu       sync.Mutex
	shared   map[moduleKey]api.Module
	subsets  int // modules of shared built for a set of calls
	memories map[memoryKey]wazero.CompiledModule
	closers  []func(context.Context) error

	cmu      sync.Mutex                           // guards compiled, apart from mu: build runs under mu
	compiled map[api.Module]wazero.CompiledModule // the code of each host module
}

type moduleKey struct {
	gen      Generation
	unstable bool // wasi_unstable rather than the generation's own module
	// calls, if not empty, are the only calls the module exports, sorted
	// and comma-separated (see LinkConfig.Calls).
	calls string
}

// maxSubsets bounds the modules built for a set of calls that a runtime
// keeps; past it, guests get whole modules.
const maxSubsets = 32

type memoryKey struct {
	min, max uint32
	shared   bool
}

// NewHost returns a Host building modules in rt. The runtime must enable
// the threads feature for guests with a shared memory.
func NewHost(rt wazero.Runtime) *Host {
	return &Host{rt: rt, shared: map[moduleKey]api.Module{}, memories: map[memoryKey]wazero.CompiledModule{},
		compiled: map[api.Module]wazero.CompiledModule{}}
}

// Close releases the compiled memory modules. The host modules themselves
// close with the runtime.
func (h *Host) Close(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range h.closers {
		_ = c(ctx)
	}
	h.closers = nil
	h.cmu.Lock()
	defer h.cmu.Unlock()
	for _, c := range h.compiled {
		_ = c.Close(ctx)
	}
	h.compiled = map[api.Module]wazero.CompiledModule{}
	return nil
}

// LinkConfig says how to link one guest instance.
type LinkConfig struct {
	// Gen is the generation of the guest's wasix_32v1 imports.
	Gen Generation
	// Memory is the memory the guest imports (from env), or nil.
	Memory *MemoryImport
	// MaxMemoryPages bounds an imported memory; 0 leaves the guest's own
	// maximum (or 65536 pages) in force.
	MaxMemoryPages uint32
	// Tracer, if not nil, traces every call of this guest.
	Tracer *Tracer
	// Imports, if not nil, are the names of the modules the guest imports
	// functions from: only those host modules are linked. Each costs a
	// compiled trampoline per call the first time, which a CLI run pays at
	// every start.
	Imports []string
	// Calls, if not nil, are the functions the guest imports, by module:
	// a host module then exports only these (built once per set of
	// calls), which spares a CLI run the trampolines of the calls its
	// program never makes. Leave it nil when other modules may link to
	// the same host modules later (a dynamically linked program's
	// libraries).
	Calls map[string][]string
	// Allocator, if not nil, makes the imported memory, as it makes the
	// memories guests define (without it wazero zeroes a Go buffer of the
	// memory's full maximum for every shared one). The memory is freed
	// when the Link closes (see keptAllocator).
	Allocator experimental.MemoryAllocator
	// Unknown are imports no generation defines (DetectLenient): the
	// guest's modules get a stub for each, built for this guest alone.
	Unknown []UnknownImport
}

// Link is the set of modules one guest instance is linked against.
type Link struct {
	h      *Host
	byName map[string]api.Module
	owned  []api.Module   // per-guest modules, closed with the Link
	mem    *keptAllocator // the imported memory's, freed with the Link
}

// Link prepares the modules for one guest instance: the modules of its
// generation and of preview1, and a fresh memory if it imports one.
func (h *Host) Link(ctx context.Context, cfg LinkConfig) (*Link, error) {
	l := &Link{h: h, byName: map[string]api.Module{}}
	get := h.sharedModule
	if cfg.Calls != nil {
		get = func(ctx context.Context, k moduleKey) (api.Module, error) {
			name := ModuleWasix
			switch {
			case k.unstable:
				name = ModuleUnstable
			case k.gen == Preview1:
				name = ModulePreview1
			}
			k.calls = strings.Join(slices.Sorted(slices.Values(cfg.Calls[name])), ",")
			return h.sharedModule(ctx, k)
		}
	}
	if cfg.Tracer != nil || len(cfg.Unknown) > 0 {
		get = func(ctx context.Context, k moduleKey) (api.Module, error) {
			m, err := h.build(ctx, k, cfg.Tracer, stubsFor(k, cfg.Unknown)...)
			if err == nil {
				l.owned = append(l.owned, m)
			}
			return m, err
		}
	}
	wanted := func(name string) bool { return cfg.Imports == nil || slices.Contains(cfg.Imports, name) }
	for name, k := range map[string]moduleKey{
		ModulePreview1: {gen: Preview1},
		ModuleUnstable: {gen: Preview1, unstable: true},
	} {
		if !wanted(name) {
			continue
		}
		m, err := get(ctx, k)
		if err != nil {
			l.Close(ctx)
			return nil, err
		}
		l.byName[name] = m
	}
	if cfg.Gen != Preview1 && cfg.Gen != 0 && wanted(ModuleWasix) {
		m, err := get(ctx, moduleKey{gen: cfg.Gen})
		if err != nil {
			l.Close(ctx)
			return nil, err
		}
		l.byName[ModuleWasix] = m
	}
	// Every guest may spawn threads the wasi-threads way.
	if wanted(ModuleWasiThreads) {
		wt, err := h.wasiThreads(ctx)
		if err != nil {
			l.Close(ctx)
			return nil, err
		}
		l.byName[ModuleWasiThreads] = wt
	}
	// The program's atomic waits, rewritten into host calls (atomics.go).
	if wanted(wasmbin.AtomicsModule) {
		at, err := h.atomics(ctx)
		if err != nil {
			l.Close(ctx)
			return nil, err
		}
		l.byName[wasmbin.AtomicsModule] = at
	}
	if mi := cfg.Memory; mi != nil {
		mctx := ctx
		if cfg.Allocator != nil {
			l.mem = &keptAllocator{a: cfg.Allocator}
			mctx = experimental.WithMemoryAllocator(ctx, l.mem)
		}
		m, err := h.memory(mctx, mi, cfg.MaxMemoryPages)
		if err != nil {
			l.Close(ctx)
			return nil, err
		}
		l.owned = append(l.owned, m)
		l.byName[mi.Module] = m
	}
	return l, nil
}

// Resolver returns the import resolver that links a guest to l; pass it
// with experimental.WithImportResolver in the context of instantiation.
func (l *Link) Resolver() experimental.ImportResolver {
	return func(name string) api.Module { return l.byName[name] }
}

// Close closes the modules built for this guest alone.
func (l *Link) Close(ctx context.Context) {
	for _, m := range l.owned {
		_ = m.Close(ctx)
		l.h.cmu.Lock()
		c := l.h.compiled[m]
		delete(l.h.compiled, m)
		l.h.cmu.Unlock()
		if c != nil {
			_ = c.Close(ctx)
		}
	}
	l.owned = nil
	if l.mem != nil {
		l.mem.free()
	}
}

func (h *Host) sharedModule(ctx context.Context, k moduleKey) (api.Module, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if m := h.shared[k]; m != nil {
		return m, nil
	}
	if k.calls != "" && h.subsets >= maxSubsets {
		k.calls = ""
		if m := h.shared[k]; m != nil {
			return m, nil
		}
	}
	if k.calls != "" {
		h.subsets++
	}
	// The module outlives the run that happens to build it.
	m, err := h.build(context.WithoutCancel(ctx), k, nil)
	if err != nil {
		return nil, err
	}
	h.shared[k] = m
	return m, nil
}

// build instantiates, anonymously, the host module of one generation (or
// wasi_unstable), tracing its calls if t is not nil. A call without a
// handler returns ENOSYS, so that every program links; one that never
// returns traps instead, with a message naming it.
func (h *Host) build(ctx context.Context, k moduleKey, t *Tracer, stubs ...UnknownImport) (api.Module, error) {
	spec := SpecOf(k.gen)
	if spec == nil {
		return nil, fmt.Errorf("no ABI tables for generation %d", k.gen)
	}
	name := spec.Module
	if k.unstable {
		name = ModuleUnstable
	}
	b := h.rt.NewHostModuleBuilder(name)
	var calls []string
	if k.calls != "" {
		calls = strings.Split(k.calls, ",")
	}
	for i := range spec.Funcs {
		f := &spec.Funcs[i]
		if calls != nil && !slices.Contains(calls, f.Name) {
			continue
		}
		fn := handlerFor(k.gen, f.Name)
		if k.unstable {
			fn = unstable(f.Name, fn)
		}
		implemented := fn != nil
		if fn == nil {
			fn = notImplemented(name, f)
		}
		if t != nil {
			fn = t.wrap(f, fn, implemented)
		}
		fb := b.NewFunctionBuilder().WithGoModuleFunction(fn, f.Params, f.Results)
		if len(f.ParamNames) == len(f.Params) {
			fb = fb.WithParameterNames(f.ParamNames...)
		}
		fb.Export(f.Name)
	}
	for _, u := range stubs {
		f := &Func{Name: u.Name, Params: u.Params, Results: u.Results}
		var fn api.GoModuleFunc = unknownCall(u)
		if t != nil {
			fn = t.wrap(f, fn, false)
		}
		b.NewFunctionBuilder().WithGoModuleFunction(fn, u.Params, u.Results).Export(u.Name)
	}
	compiled, err := b.Compile(ctx)
	if err != nil {
		return nil, fmt.Errorf("building the %s module for %s: %w", name, k.gen, err)
	}
	m, err := h.rt.InstantiateModule(ctx, compiled, linker.ModuleConfig())
	if err != nil {
		_ = compiled.Close(ctx)
		return nil, fmt.Errorf("instantiating the %s module for %s: %w", name, k.gen, err)
	}
	// The resolver must hand wazero the module itself, so the compiled
	// code is released with it by a closer.
	h.cmu.Lock()
	h.compiled[m] = compiled
	h.cmu.Unlock()
	return m, nil
}

// notImplemented is the handler of a call nobody has written yet.
func notImplemented(module string, f *Func) api.GoModuleFunc {
	if f.NoReturn {
		msg := fmt.Sprintf("%s.%s is not implemented by this runtime", module, f.Name)
		return func(context.Context, api.Module, []uint64) { panic(msg) }
	}
	return func(_ context.Context, _ api.Module, stack []uint64) {
		if len(stack) > 0 {
			stack[0] = errnoNosys
		}
	}
}

// stubsFor returns the unknown imports that the module of k serves.
func stubsFor(k moduleKey, unknown []UnknownImport) []UnknownImport {
	module := ModuleWasix
	switch {
	case k.unstable:
		module = ModuleUnstable
	case k.gen == Preview1:
		module = ModulePreview1
	}
	var out []UnknownImport
	for _, u := range unknown {
		if u.Module == module {
			out = append(out, u)
		}
	}
	return out
}

// unknownCall is the stub of an import no generation defines: ENOSYS when
// its only result is an i32 (an errno), else a trap naming it.
func unknownCall(u UnknownImport) api.GoModuleFunc {
	if len(u.Results) == 1 && u.Results[0] == api.ValueTypeI32 {
		return func(_ context.Context, _ api.Module, stack []uint64) { stack[0] = errnoNosys }
	}
	msg := fmt.Sprintf("%s is not known to this runtime (a call of a newer ABI) and has no errno result to fail with", u)
	return func(context.Context, api.Module, []uint64) { panic(msg) }
}

// memory instantiates, anonymously, a memory with the limits mi asks for,
// its maximum lowered to maxPages. wazero links an imported memory only if
// the provider's maximum is no larger than the importer's, so lowering is
// always allowed; a minimum above the limit is refused here.
func (h *Host) memory(ctx context.Context, mi *MemoryImport, maxPages uint32) (api.Module, error) {
	max := uint32(MaxMemoryPages)
	if mi.HasMax {
		max = min(mi.Max, MaxMemoryPages)
	}
	if maxPages != 0 && maxPages < max {
		max = maxPages
	}
	if mi.Min > max {
		return nil, fmt.Errorf("the program's memory %s.%s needs %d pages at start; the limit is %d",
			mi.Module, mi.Name, mi.Min, max)
	}
	if mi.Name != "memory" {
		return nil, fmt.Errorf("the program imports its memory as %s.%s; only %s.memory is provided",
			mi.Module, mi.Name, ModuleEnv)
	}
	key := memoryKey{mi.Min, max, mi.Shared}
	h.mu.Lock()
	compiled := h.memories[key]
	if compiled == nil {
		var err error
		compiled, err = h.rt.CompileModule(ctx, memoryModule(mi.Min, max, mi.Shared))
		if err != nil {
			h.mu.Unlock()
			return nil, fmt.Errorf("building the memory %s.%s: %w", mi.Module, mi.Name, err)
		}
		h.memories[key] = compiled
		h.closers = append(h.closers, compiled.Close)
	}
	h.mu.Unlock()
	return h.rt.InstantiateModule(ctx, compiled, linker.ModuleConfig())
}

// unstable adapts a preview1 handler to wasi_unstable (snapshot 0), whose
// calls have the same core signatures but in a few places other values and
// layouts: the whence codes of fd_seek are ordered differently, filestat
// has a 32-bit nlink (56 bytes instead of 64), and a clock subscription of
// poll_oneoff carries an extra identifier (56 bytes instead of 48).
func unstable(name string, fn api.GoModuleFunc) api.GoModuleFunc {
	if fn == nil {
		return nil
	}
	switch name {
	case "fd_seek":
		return func(ctx context.Context, mod api.Module, stack []uint64) {
			// snapshot 0: cur=0, end=1, set=2; preview1: set=0, cur=1, end=2.
			switch uint32(stack[2]) { // the upper half of an i32 on the stack is junk
			case 0:
				stack[2] = 1
			case 1:
				stack[2] = 2
			case 2:
				stack[2] = 0
			}
			fn(ctx, mod, stack)
		}
	case "fd_filestat_get":
		return filestat0(fn, 1)
	case "path_filestat_get":
		return filestat0(fn, 4)
	case "poll_oneoff":
		return pollOneoff0(fn)
	}
	return fn
}

// Subscription sizes of poll_oneoff in snapshot 0 and preview1.
const (
	subscription0Size = 56
	subscription1Size = 48
)

// pollOneoff0 calls the preview1 poll_oneoff on snapshot 0 subscriptions.
// They are rewritten in place into the smaller preview1 form for the call
// and the guest's bytes restored afterwards; events have the same layout.
func pollOneoff0(fn api.GoModuleFunc) api.GoModuleFunc {
	return func(ctx context.Context, mod api.Module, stack []uint64) {
		in, n := uint32(stack[0]), uint32(stack[3])
		size := uint64(n) * subscription0Size
		if size > 1<<24 { // no guest polls this much; leave it to the handler's checks
			fn(ctx, mod, stack)
			return
		}
		buf, ok := mod.Memory().Read(in, uint32(size))
		if !ok {
			fn(ctx, mod, stack)
			return
		}
		saved := append([]byte(nil), buf...)
		for i := uint32(0); i < n; i++ {
			src := saved[i*subscription0Size : (i+1)*subscription0Size]
			dst := buf[i*subscription1Size : (i+1)*subscription1Size]
			copy(dst[0:16], src[0:16]) // userdata, tag
			clear(dst[16:])
			if src[8] == 0 { // clock: drop the identifier at 16
				copy(dst[16:48], src[24:56])
			} else { // fd_read, fd_write: the fd at 16
				copy(dst[16:20], src[16:20])
			}
		}
		fn(ctx, mod, stack)
		copy(buf, saved)
	}
}

// filestat0 calls a preview1 filestat handler whose out-pointer is param
// out and rewrites the 64-byte preview1 filestat into snapshot 0's 56-byte
// one, restoring the 8 bytes after it that the preview1 form overwrote.
func filestat0(fn api.GoModuleFunc, out int) api.GoModuleFunc {
	return func(ctx context.Context, mod api.Module, stack []uint64) {
		ptr := uint32(stack[out])
		mem := mod.Memory()
		var saved [8]byte
		after, ok := mem.Read(ptr+56, 8)
		if ok {
			copy(saved[:], after)
		}
		fn(ctx, mod, stack)
		if uint32(stack[0]) != 0 || !ok {
			return
		}
		buf, _ := mem.Read(ptr, 64)
		// preview1: dev@0 ino@8 filetype@16 nlink:u64@24 size@32 atim@40 mtim@48 ctim@56
		// snapshot 0: dev@0 ino@8 filetype@16 nlink:u32@20 size@24 atim@32 mtim@40 ctim@48
		nlink := binary.LittleEndian.Uint64(buf[24:])
		binary.LittleEndian.PutUint32(buf[20:], uint32(nlink))
		copy(buf[24:56], buf[32:64])
		copy(buf[56:64], saved[:])
	}
}
