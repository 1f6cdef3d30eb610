package host

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/sys"

	"github.com/wasix-go/wasix/internal/abi"
	"github.com/wasix-go/wasix/internal/kernel"
	"github.com/wasix-go/wasix/internal/linker"
	"github.com/wasix-go/wasix/internal/vfs"
	"github.com/wasix-go/wasix/internal/wasmbin"
)

// Runtime runs WASI and WASIX programs. It holds one wazero runtime, the
// host modules of every ABI generation and one kernel, which all programs
// run by the Runtime share: pids, the in-memory root filesystem, the
// clock offset. A Runtime is safe for concurrent use; Close it when done.
type Runtime struct {
	rt    wazero.Runtime
	cache wazero.CompilationCache
	host  *abi.Host
	kern  *kernel.Kernel

	alloc *memAllocator // the memories programs define
	live  liveSet       // goroutines running guest code (live.go)
	ops   gate          // calls into wazero under way (gate.go)

	rewrites     sync.Map     // sha256 of a program -> its rewrite (atomics.go), nil if none
	rewriteCount atomic.Int32 // entries in rewrites
	cacheDir     string       // where rewrites are kept for later processes (rewritecache.go), or ""

	strictImports bool // RuntimeConfig.StrictImports
	sharedCache   bool // cache is RuntimeConfig.Cache: its owner closes it
}

// NewRuntime returns a Runtime configured by cfg.
func NewRuntime(ctx context.Context, cfg RuntimeConfig) (*Runtime, error) {
	network, err := cfg.Net.network()
	if err != nil {
		return nil, err
	}
	var cache wazero.CompilationCache
	if cfg.DebugInfo {
		cache = wazero.NewCompilationCache()
	} else if cfg.Cache != nil {
		cache = cfg.Cache.c
	} else if cfg.CacheDir != "" {
		var err error
		if cache, err = wazero.NewCompilationCacheWithDir(cfg.CacheDir); err != nil {
			return nil, fmt.Errorf("compilation cache: %w", err)
		}
	} else {
		cache = wazero.NewCompilationCache()
	}
	rc := wazero.NewRuntimeConfig().
		// WASIX programs import a shared memory and use atomics; those
		// built with wasm exceptions (setjmp/longjmp, vfork, C++) throw
		// exnref exceptions. Validation and code of programs without
		// exceptions are unchanged by the feature (host/eh_bench_test.go).
		WithCoreFeatures(coreFeatures).
		// Cancelling the context of a run ends the program, at the price
		// of a check in every loop and function entry.
		WithCloseOnContextDone(!cfg.NoComputeInterrupts).
		WithCompilationCache(cache).
		WithDebugInfoEnabled(cfg.DebugInfo)
	if cfg.MaxMemoryPages != 0 {
		rc = rc.WithMemoryLimitPages(cfg.MaxMemoryPages)
	}
	rt := wazero.NewRuntimeWithConfig(ctx, rc)
	r := &Runtime{
		rt:    rt,
		cache: cache,
		host:  abi.NewHost(rt),
		kern: kernel.New(kernel.Config{AllowClockSet: cfg.AllowClockSet, MaxFDs: cfg.MaxFDs, Net: network,
			MaxProcs: cfg.MaxProcs, MaxHostFDs: cfg.MaxHostFDs, MaxMemFSBytes: cfg.MaxMemFSBytes}),
		alloc: &memAllocator{},

		strictImports: cfg.StrictImports,
	}
	r.sharedCache = cfg.Cache != nil && !cfg.DebugInfo
	switch {
	case cfg.DebugInfo:
	case cfg.Cache != nil:
		r.cacheDir = cfg.Cache.dir
	default:
		r.cacheDir = cfg.CacheDir
	}
	return r, nil
}

// coreFeatures are the wasm features every program may use. A variable
// only so that a benchmark can compare with exceptions off.
var coreFeatures = api.CoreFeaturesV2 | experimental.CoreFeaturesThreads | experimental.CoreFeaturesExceptionHandling

// closeGrace bounds how long Close waits for killed programs to return
// when its context has no deadline. Killed programs blocked in the
// runtime return at once, computing ones at their next check or call,
// and one that computes without calling the host (with compute
// interrupts off) never does: waiting longer would only stall the host.
const closeGrace = time.Second

// ErrClosed is the error of Compile, Run, RunModule and AddCommand called
// during or after the Runtime's Close.
var ErrClosed = errors.New("the runtime is closed")

var errClosed = ErrClosed

// Close ends every program still running and releases the compiled code.
// Programs are killed, as by SIGKILL, and waited for until they return or
// ctx ends (at most closeGrace when ctx has no deadline): their memories
// must not go while their code still runs. The memories of programs that
// did not return by then are leaked, never unmapped under them. Calls
// that race Close or follow it fail with ErrClosed.
func (r *Runtime) Close(ctx context.Context) error {
	wait := ctx
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		wait, cancel = context.WithTimeout(ctx, closeGrace)
		defer cancel()
	}
	inFlight := r.ops.shut()
	if !r.live.close(wait.Done()) {
		r.alloc.leak.Store(true)
	}
	<-inFlight        // compiles and instantiations finish; none starts now
	r.kern.CloseBus() // Go endpoints end; bus processes have ended above
	err := r.rt.Close(ctx)
	_ = r.host.Close(ctx)
	if !r.sharedCache {
		if cerr := r.cache.Close(ctx); err == nil {
			err = cerr
		}
	}
	return err
}

// Module is a compiled program, ready to be run any number of times.
type Module struct {
	r        *Runtime
	compiled wazero.CompiledModule
	imports  []abi.Import
	modules  []string            // the modules imports come from: the ones linked
	calls    map[string][]string // the functions imported, by module; nil for a dynamic program
	memory   *abi.MemoryImport   // imported
	defined  *abi.MemoryImport   // defined by the program
	gen      abi.Generation
	unknown  []abi.UnknownImport // imports of calls no generation defines, linked to stubs
	genErr   error               // why detection failed; an explicit ABI may still do
	threads  *threadCode         // what spawned threads instantiate; nil without a shared memory
	dynamic  *linker.Binary      // a dynamically linked (-pie) program, parsed for the linker
	hot      uint32              // where its stack starts, placed in a huge page (see hugeOffset); 0: unknown
}

// ABI returns the generation detected from the program's imports, or
// ABIAuto if none fits them.
func (m *Module) ABI() ABI {
	if m.genErr != nil {
		return ABIAuto
	}
	return ABI(m.gen.String())
}

// CatchesSignals reports whether the program can install a signal handler:
// it imports callback_signal, or it is dynamically linked (a library may).
// One that cannot is ended by a signal's default action, whoever sends it.
func (m *Module) CatchesSignals() bool {
	if m.dynamic != nil {
		return true
	}
	for _, f := range m.imports {
		if _, name, _ := f.Import(); name == "callback_signal" {
			return true
		}
	}
	return false
}

// Close releases the compiled code.
func (m *Module) Close(ctx context.Context) error {
	if !m.r.ops.enter() {
		return nil // the runtime's Close released it
	}
	defer m.r.ops.leave()
	m.threads.close(ctx)
	return m.compiled.Close(ctx)
}

// Compile validates and compiles a program once, for RunModule.
func (r *Runtime) Compile(ctx context.Context, wasm []byte) (*Module, error) {
	if !bytes.HasPrefix(wasm, []byte("\x00asm")) {
		return nil, errors.New("not a WebAssembly binary (no \\0asm header)")
	}
	if !r.ops.enter() {
		return nil, errClosed
	}
	defer r.ops.leave()
	mem, defined, merr := abi.Memories(wasm)
	shared := merr == nil && (mem != nil && mem.Shared || defined != nil && defined.Shared)
	// A -pie program is compiled with its exports hidden (see
	// linker.PrepareMain); the linker reads the original.
	dynamic := linker.ParseDynamic(wasm)
	code, rewritten, prepared := wasm, false, false
	if dynamic != nil {
		code, rewritten, prepared = r.prepareMain(dynamic, wasm, shared)
	} else if shared {
		code, rewritten = r.rewriteAtomics(wasm)
	}
	compiled, code, err := compileEH(ctx, r.rt, code)
	if err != nil && (rewritten || prepared) {
		// A rewrite of a binary wazero rejects would only blur its
		// error: compile the original for the message.
		compiled, code, err = compileEH(ctx, r.rt, wasm)
		prepared = false
	}
	if err != nil {
		return nil, err
	}
	// wazero has validated the binary; read what its API does not say.
	if merr != nil {
		compiled.Close(ctx)
		return nil, merr
	}
	m := &Module{r: r, compiled: compiled, imports: programImports(code, compiled), memory: mem, defined: defined}
	if dynamic == nil { // a -pie program's layout is the linker's, placed for it (linker.stackTop)
		m.hot, _ = wasmbin.StackPointer(wasm)
	}
	if mem != nil && mem.Shared {
		m.threads = &threadCode{wasm: bytes.Clone(code)}
	}
	if dynamic != nil {
		if prepared {
			linker.Prepared(dynamic)
		}
		// Its env functions come from its libraries, not from the host:
		// the generation is told by the rest.
		m.dynamic = dynamic
		m.imports = slices.DeleteFunc(slices.Clone(m.imports), func(f abi.Import) bool {
			mod, _, _ := f.Import()
			return linker.Linked(mod)
		})
	}
	for _, f := range m.imports {
		if name, _, _ := f.Import(); !slices.Contains(m.modules, name) {
			m.modules = append(m.modules, name)
		}
	}
	if m.dynamic == nil {
		// Its libraries, which may import other calls, are linked to
		// the same host modules: a dynamic program gets them whole.
		m.calls = map[string][]string{}
		for _, f := range m.imports {
			mod, name, _ := f.Import()
			m.calls[mod] = append(m.calls[mod], name)
		}
	}
	if rewritten {
		m.modules = append(m.modules, atomicsModule)
	}
	m.gen, m.unknown, m.genErr = r.detect(m.imports, 0)
	if mem != nil && mem.Module != abi.ModuleEnv {
		compiled.Close(ctx)
		return nil, fmt.Errorf("the program imports its memory from %s.%s; only %s.memory is provided",
			mem.Module, mem.Name, abi.ModuleEnv)
	}
	return m, nil
}

// Run compiles wasm, runs it as cfg says, and returns the exit code of the
// program. The error is not nil when the program could not start, when it
// trapped (a *TrapError, with the wasm stack), or when ctx ended it (the
// error is then ctx's).
func (r *Runtime) Run(ctx context.Context, wasm []byte, cfg Config) (uint32, error) {
	m, err := r.Compile(ctx, wasm)
	if err != nil {
		return 0, err
	}
	defer m.Close(ctx)
	return r.RunModule(ctx, m, cfg)
}

// TrapError reports a program that stopped on a trap (unreachable, an out
// of bounds access, a stack overflow, ...). Its message carries wazero's
// description and the wasm stack trace.
type TrapError struct {
	Err error
}

// Error returns the trap's description and stack.
func (e *TrapError) Error() string { return e.Err.Error() }

// Unwrap returns wazero's error.
func (e *TrapError) Unwrap() error { return e.Err }

// RunModule runs a compiled program as cfg says; see Run.
func (r *Runtime) RunModule(ctx context.Context, m *Module, cfg Config) (uint32, error) {
	gen := m.gen
	if cfg.ABI != ABIAuto {
		want, err := abi.ParseGeneration(string(cfg.ABI))
		if err != nil {
			return 0, err
		}
		if gen, _, err = r.detect(m.imports, want); err != nil {
			return 0, err
		}
	} else if m.genErr != nil {
		return 0, m.genErr
	}

	ns, closeMounts, err := r.namespace(cfg.Mounts)
	if err != nil {
		return 0, err
	}
	defer closeMounts()

	cwd := "/"
	if cfg.Cwd != "" {
		cwd = path.Clean("/" + cfg.Cwd)
	}
	p, err := r.kern.NewProcess(kernel.ProcConfig{
		Args:               cfg.Args,
		Env:                cfg.Env,
		Stdin:              cfg.Stdin,
		Stdout:             cfg.Stdout,
		Stderr:             cfg.Stderr,
		Namespace:          ns,
		Cwd:                cwd,
		Preopens:           preopens(gen, cfg, cwd),
		BidirectionalPipes: gen == abi.Wasix2022,
		ABI:                gen.KernelABI(),
		MaxThreads:         cfg.MaxThreads,
	})
	if err != nil {
		return 0, err
	}
	defer p.Close()

	warnUnknown(cfg, m.unknown)
	var tracer *abi.Tracer
	if cfg.Trace != nil {
		if tracer, err = abi.NewFilteredTracer(cfg.Trace, cfg.TraceFilter); err != nil {
			return 0, err
		}
	}
	// The process's run (instances, fork, exec, threads) is in process.go.
	defer watchProcess(p, cfg)()
	return r.runProcess(ctx, p, m, gen, tracer, cfg.MaxMemoryPages, cfg.Origin)
}

// exit turns the end of a program into its exit code and error.
func (r *Runtime) exit(ctx context.Context, p *kernel.Process, err error) (uint32, error) {
	if err == nil && ctx.Err() != nil {
		// A blocking call was cut short by the context and the program
		// then ended on its own, likely because of it: what it did is
		// incomplete, so the run reports the context's end.
		code, _ := p.ExitCode()
		return code, ctx.Err()
	}
	if err == nil {
		// Returning from _start is exit(0), unless the process already
		// recorded another status.
		if code, ok := p.ExitCode(); ok {
			return code, nil
		}
		return 0, nil
	}
	var ee *sys.ExitError
	if errors.As(err, &ee) {
		code := ee.ExitCode()
		if ctx.Err() != nil {
			// Cancelled by wazero's check, or killed by the kernel when
			// the context ended (kernel.Process.StartMainThread).
			return code, ctx.Err()
		}
		return code, nil
	}
	if ctx.Err() != nil {
		return 0, ctx.Err()
	}
	return 0, &TrapError{Err: err}
}

// namespace returns a copy of the kernel's mount table with cfg's mounts
// added, and a function closing the host directories it opened.
func (r *Runtime) namespace(mounts []Mount) (*vfs.Namespace, func(), error) {
	ns := r.kern.Namespace().Clone()
	var opened []*vfs.HostFS
	closeAll := func() {
		for _, h := range opened {
			h.Close()
		}
	}
	for _, m := range mounts {
		if !path.IsAbs(m.GuestPath) {
			closeAll()
			return nil, nil, fmt.Errorf("mount %q: the guest path must be absolute", m.GuestPath)
		}
		var fsys vfs.FS
		ro := m.ReadOnly
		switch {
		case m.HostDir != "" && m.FS == nil && !m.Memory:
			h, err := vfs.NewHostFS(m.HostDir)
			if err != nil {
				closeAll()
				return nil, nil, fmt.Errorf("mount %s at %s: %w", m.HostDir, m.GuestPath, err)
			}
			opened = append(opened, h)
			fsys = h
		case m.FS != nil && m.HostDir == "" && !m.Memory:
			fsys, ro = vfs.FromIOFS(m.FS), true
		case m.Memory && m.HostDir == "" && m.FS == nil:
			mfs := vfs.NewMemFS()
			if max := r.kern.Config().MaxMemFSBytes; max > 0 {
				mfs.SetCapacity(max)
			}
			fsys = mfs
		default:
			closeAll()
			return nil, nil, fmt.Errorf("mount at %s: set exactly one of HostDir, FS and Memory", m.GuestPath)
		}
		if err := ns.Mount(m.GuestPath, fsys, ro); err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("mount at %s: %w", m.GuestPath, err)
		}
	}
	return ns, closeAll, nil
}

// preopens lists the directories a program finds open from descriptor 3.
// WASIX libc resolves every path from "/" and asks the runtime for the
// working directory, so WASIX programs get "/" and the working directory.
// wasi-libc knows only its preopens, so plain WASI programs get each mount
// under its name, as wasmtime gives them, and "/" only if asked.
func preopens(gen abi.Generation, cfg Config, cwd string) []kernel.Preopen {
	var out []kernel.Preopen
	if gen != abi.Preview1 {
		out = append(out, kernel.Preopen{GuestPath: "/", Name: "/"})
		if cwd != "/" {
			out = append(out, kernel.Preopen{GuestPath: cwd, Name: cwd})
		}
		return out
	}
	if cfg.PreopenRoot {
		out = append(out, kernel.Preopen{GuestPath: "/", Name: "/"})
	}
	for _, m := range cfg.Mounts {
		name := m.Name
		if name == "" {
			name = m.GuestPath
		}
		out = append(out, kernel.Preopen{GuestPath: path.Clean(m.GuestPath), Name: name})
	}
	return out
}
