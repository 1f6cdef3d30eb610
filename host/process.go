package host

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/sys"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/abi"
	"github.com/wasix-go/wasix/internal/kernel"
	"github.com/wasix-go/wasix/internal/linker"
)

// errNotCommand is the error of a program without _start.
var errNotCommand = errors.New("the program exports no _start function: it is not a command (a library or reactor?)")

// AddCommand registers wasm as the command name: exec and spawn find it
// when no file on the search path matches, and /bin/NAME and
// /usr/bin/NAME show it in the in-memory root. The CLI's --command does
// this. Programs whose argv[0] picks the tool (multicall binaries) may be
// registered under each name.
func (r *Runtime) AddCommand(ctx context.Context, name string, wasm []byte) error {
	if _, err := r.launcher().Compile(wasm); err != nil {
		return fmt.Errorf("command %s: %w", name, err)
	}
	return r.kern.AddCommand(name, wasm)
}

// launcher returns the runtime's kernel.Runner, made on first use.
func (r *Runtime) launcher() *launcher {
	return r.kern.RunnerOr(func() kernel.Runner {
		return &launcher{r: r, compiled: map[[32]byte]*Module{}}
	}).(*launcher)
}

// launcher compiles and starts the programs of exec and spawn. Compiled
// programs are kept by content for the life of the runtime, so that a
// shell running the same command many times compiles it once.
type launcher struct {
	r *Runtime

	mu       sync.Mutex
	compiled map[[32]byte]*Module
	libs     map[[32]byte]libEntry // the dynamic linker's (dylink.go)
	plans    linker.Plans          // the start-up plans of -pie programs
	libIDs   map[string][32]byte   // a library file's identity -> its sum

	settings sync.Map // pid -> runSettings, what spawned children inherit
}

// Compile is kernel.Runner.Compile.
func (l *launcher) Compile(wasm []byte) (any, error) {
	sum := sha256.Sum256(wasm)
	l.mu.Lock()
	defer l.mu.Unlock()
	if m := l.compiled[sum]; m != nil {
		return m, nil
	}
	m, err := l.r.Compile(context.Background(), wasm)
	if err != nil {
		return nil, err
	}
	if m.genErr != nil {
		_ = m.Close(context.Background())
		return nil, m.genErr
	}
	l.compiled[sum] = m
	return m, nil
}

// Start is kernel.Runner.Start: the program runs on its own goroutine.
func (l *launcher) Start(p *kernel.Process, prog *kernel.Program) error {
	m, ok := prog.Code.(*Module)
	if !ok {
		return errors.New("not compiled by this runtime")
	}
	ppid, _ := p.ProcParent(p.Pid())
	var set runSettings
	if v, ok := l.settings.Load(ppid); ok {
		set = v.(runSettings)
	}
	// A proc_fork_env child that execs already has a main thread, whose
	// context carries its slot: the new program's instance goes there.
	slot := &abi.Slot{}
	if mt := p.MainThread(); mt != nil {
		if s := abi.SlotFrom(mt.Context()); s != nil {
			slot = s
		}
	}
	pr := &procRun{r: l.r, ctx: context.Background(), p: p, m: m, gen: m.gen, slot: slot, tracer: set.tracer, maxPages: set.maxPages,
		path: prog.Path}
	warnUnknownChild(p, prog.Path, m.unknown)
	return pr.start()
}

// start instantiates the program of a child process (spawned, forked
// from a vfork, exec'd by one) and runs it on a goroutine of its own,
// which the runtime counts until the child's memory is released.
func (pr *procRun) start() error {
	if !pr.r.live.add(pr.p) {
		return errClosed
	}
	if err := pr.instantiate(); err != nil {
		pr.r.live.done(pr.p)
		return err
	}
	go func() {
		defer pr.r.live.done(pr.p)
		pr.finish(pr.loop())
	}()
	return nil
}

// runSettings are the settings of a run that spawned children inherit:
// the trace and the memory limit.
type runSettings struct {
	tracer   *abi.Tracer
	maxPages uint32
}

// procRun runs the programs of one process: the current instance and the
// loop through which fork, vfork, exec and longjmp go.
type procRun struct {
	r        *Runtime
	ctx      context.Context // the run's context
	p        *kernel.Process
	m        *Module
	gen      abi.Generation
	tracer   *abi.Tracer
	maxPages uint32
	alloc    experimental.MemoryAllocator // a forked child's memory (forkAllocator), or nil
	forkOf   *abi.Instance                // a forked child's parent instance, or nil

	link *abi.Link
	mod  api.Module
	slot *abi.Slot // what the handlers of this process's main thread see
	main *kernel.Thread
	th   *threads // the launcher of the instance's threads, or nil
	vf   *vfork   // a vforked child borrowing the instance, or nil

	ln     *linker.Linker // the dynamic linker of a -pie program, or nil
	origin fs.FS          // where $ORIGIN reads from (Config.Origin)
	path   string         // the program's guest path, or $ORIGIN/NAME
}

// instantiate makes an instance of pr.m for pr.p with its own link (and
// so its own memory) and makes it the current one.
func (pr *procRun) instantiate() error {
	r := pr.r
	if !r.ops.enter() {
		return errClosed
	}
	defer r.ops.leave()
	// No memory grows past abi.MaxMemoryPages (a memory of 4 GiB traps on
	// every access in wazero), nor past the run's limit.
	pages := uint32(abi.MaxMemoryPages)
	if pr.maxPages != 0 {
		pages = min(pages, pr.maxPages)
	}
	alloc := r.alloc.limit(pages, pr.m.hot) // the memory, defined or imported
	if pr.alloc != nil {
		alloc, pr.alloc = pr.alloc, nil // a forked child's first instance
	}
	// The imported env.memory comes from the same allocator: left to
	// wazero, a shared one is a Go slice of its whole maximum (4 GiB for
	// wasixcc's programs), which the Go heap clears page by page when it
	// reuses freed memory: seconds and gigabytes of RSS per exec. The
	// allocator's memories never move, as a shared memory requires.
	link, err := r.host.Link(pr.ctx, abi.LinkConfig{Gen: pr.gen, Memory: pr.m.memory, MaxMemoryPages: pr.maxPages, Tracer: pr.tracer,
		Unknown: pr.m.unknown, Allocator: alloc, Imports: pr.m.modules, Calls: pr.m.calls})
	if err != nil {
		return err
	}
	// Handlers find the process and the instance in the context of the
	// call; the resolver links the imports to this generation's modules.
	ictx := experimental.WithImportResolver(pr.ctx, link.Resolver())
	if d := pr.m.defined; d != nil && d.Min > abi.MaxMemoryPages {
		link.Close(pr.ctx)
		return fmt.Errorf("the program's memory needs %d pages at start; the runtime allows %d (a 4 GiB memory is not addressable in wazero)", d.Min, abi.MaxMemoryPages)
	}
	if pr.maxPages != 0 {
		if d := pr.m.defined; d != nil && d.Min > pr.maxPages {
			link.Close(pr.ctx)
			return fmt.Errorf("the program's memory needs %d pages at start; the limit is %d", d.Min, pr.maxPages)
		}
	}
	ictx = experimental.WithMemoryAllocator(ictx, alloc)
	pctx := kernel.WithProcess(abi.WithSlot(ictx, pr.slot), pr.p)
	pr.p.SetABI(pr.gen.KernelABI()) // the kernel's rules follow the program's generation
	var mod api.Module
	var ln *linker.Linker
	if pr.m.dynamic != nil {
		// A -pie program: the linker instantiates it with its libraries.
		ln = pr.newLinker(link)
		mod, err = ln.LinkMain(pctx, pr.m.dynamic, pr.m.compiled)
		if err != nil {
			ln.Close(pr.ctx)
			err = fmt.Errorf("dynamic linking: %w", err)
		}
	} else {
		mod, err = r.rt.InstantiateModule(pctx, pr.m.compiled, guestConfig)
	}
	if err != nil {
		link.Close(pr.ctx)
		return err
	}
	if pr.mod != nil {
		// exec: a thread of the old program that would not stop (see
		// kernel.Process.Exec) may still run over its memory.
		pr.release(pr.mod, pr.link, pr.th, pr.ln)
	}
	pr.link, pr.mod, pr.ln = link, mod, ln
	if ln != nil {
		abi.SetDynLinker(pr.p, ln)
	} else {
		abi.SetDynLinker(pr.p, nil)
	}
	if pr.forkOf != nil {
		pr.slot.In, pr.forkOf = pr.forkOf.ForkCopy(mod), nil
	} else {
		pr.slot.In = abi.NewInstance(mod, pr.tracer)
	}
	// The first call makes the main thread; later ones (exec) keep it and
	// point the launcher of threads at the new program.
	pr.main, pr.th = r.startThreads(pctx, pr.m, pr.p)
	if pr.th != nil {
		pr.th.ln = ln
	}
	if code, ended := pr.p.ExitCode(); ended {
		// Killed (Runtime.Close) before its main thread existed: the
		// kill could not end the thread's context then; it does now.
		pr.p.SetExit(code)
	}
	if pr.tracer != nil || pr.maxPages != 0 {
		r.launcher().settings.Store(pr.p.Pid(), runSettings{pr.tracer, pr.maxPages})
	}
	return nil
}

// guestConfig instantiates programs and their threads: unnamed, with no
// start function (the run loop calls _start), and with a random source of
// its own: without one wazero seeds a new math/rand generator at each
// instantiation (some 10 µs per fork, spawn or thread), which nothing
// reads (the host, not wazero, answers random_get).
var guestConfig = wazero.NewModuleConfig().WithName("").WithStartFunctions().WithRandSource(rand.Reader)

// close releases the current instance.
func (pr *procRun) close() {
	if v := pr.vf; v != nil {
		// The run ended (a trap) while a vforked child borrowed the
		// instance: the child dies with it.
		v.end(pr, 128+uint32(wasix.SignalKill))
		pr.r.live.done(v.child)
		pr.vf = nil
	}
	if pr.mod != nil {
		pr.release(pr.mod, pr.link, pr.th, pr.ln)
		pr.mod, pr.th, pr.ln = nil, nil, nil
	}
	abi.SetDynLinker(pr.p, nil)
	pr.r.launcher().settings.Delete(pr.p.Pid())
}

// release closes an instance and its link, which holds the memory a
// program imports, once no thread runs over them any more: closing a
// module frees its memory. The threads of an ended process unwind at
// their next call, but one computing may take a while (endThreads waits
// only threadGrace for them, exec up to a second), and then the instance is
// released in the background when the last of them returns.
func (pr *procRun) release(mod api.Module, link *abi.Link, th *threads, ln *linker.Linker) {
	closeAll := func() {
		if !pr.r.ops.enter() {
			return // the runtime's Close closes them
		}
		defer pr.r.ops.leave()
		pr.r.alloc.settle(mod.Memory())
		_ = mod.Close(pr.ctx)
		if ln != nil {
			ln.Close(pr.ctx)
		}
		// This instance's link, not pr.link: after an exec, pr.link is the
		// new program's, which closing here would unmap under it.
		link.Close(pr.ctx)
	}
	if th == nil || th.live.close(closedChan) {
		closeAll()
		return
	}
	go func() {
		th.live.close(nil)
		closeAll()
	}()
}

// finish ends a child process run in the background.
func (pr *procRun) finish(code uint32, err error) {
	var trap *TrapError
	if errors.As(err, &trap) {
		pr.p.Abort()
	}
	_, err = pr.r.endThreads(pr.ctx, pr.p, pr.main, pr.mod, code, err)
	if err != nil {
		// Nobody waits for this run's error: the process's standard error
		// gets it, as a shell would show a crashed child's message.
		msg, _, _ := strings.Cut(err.Error(), "\n")
		_, _ = pr.p.FdWrite(context.Background(), 2, [][]byte{[]byte(fmt.Sprintf("wasix: pid %d: %s\n", pr.p.Pid(), msg))})
	}
	// Closed before the parent's join can return: with no thread left,
	// the child's memory is freed now, and its parent, holding its
	// snapshot file alone again, forks next by writing back only what it
	// wrote, into a child memory kept from this one (keepSpare).
	pr.close()
	pr.p.Close()
}

// callContext is the context _start is called with: the main thread's,
// or the vforked child's while it borrows the instance.
func (pr *procRun) callContext() context.Context {
	if pr.vf != nil {
		return pr.vf.main.Context()
	}
	return pr.main.Context()
}

// loop calls _start until the program really ends: an unwind for fork or
// stack_checkpoint, a longjmp, an exec, or the end of a vforked child
// returns from the call, is acted on, and the entry point is called again
// (to rewind, or to start the new program).
func (pr *procRun) loop() (uint32, error) {
	var start api.Function
	var startOf api.Module
	for {
		if startOf != pr.mod {
			// Each lookup makes a call engine with a stack of its own:
			// one per instance, not one per fork or longjmp.
			start, startOf = pr.mod.ExportedFunction("_start"), pr.mod
		}
		if start == nil {
			return 0, errNotCommand
		}
		_, err := start.Call(pr.callContext())
		in := pr.slot.In
		if err == nil && in.Unwound() {
			pending, snap, err := in.FinishUnwind(pr.ctx)
			if err != nil {
				return 0, &TrapError{Err: err}
			}
			if req, ok := pending.(*abi.ForkRequest); ok {
				if pr.vf != nil {
					// A vforked child may only exec or exit.
					err = in.Rewind(pr.ctx, snap, 0, wasix.ErrnoNotsup, false)
				} else if req.Copy {
					err = pr.fork(snap)
				} else {
					err = pr.vfork(snap)
				}
				if err != nil {
					return 0, &TrapError{Err: err}
				}
			}
			continue
		}
		var restore *abi.RestoreRequest
		if errors.As(err, &restore) {
			if err := in.Rewind(pr.ctx, restore.Snap, restore.Val, 0, true); err != nil {
				return 0, &TrapError{Err: err}
			}
			continue
		}
		var ex *abi.ExecRequest
		if errors.As(err, &ex) {
			if pr.vf != nil {
				if err := pr.vf.exec(pr, ex.Prog); err != nil {
					return 0, &TrapError{Err: err}
				}
				continue
			}
			if err := pr.exec(ex.Prog); err != nil {
				// The new program would not instantiate, and the process
				// was already readied for it: it ends as a shell's
				// "cannot execute".
				return 126, nil
			}
			continue
		}
		if pr.vf != nil {
			if err := pr.vf.exit(pr, err); err != nil {
				return 0, &TrapError{Err: err}
			}
			continue
		}
		return pr.r.exit(pr.ctx, pr.p, err)
	}
}

// exec replaces the program of the process by prog, in place.
func (pr *procRun) exec(prog *kernel.Program) error {
	m := prog.Code.(*Module)
	pr.m, pr.gen, pr.path, pr.origin = m, m.gen, prog.Path, nil
	warnUnknownChild(pr.p, prog.Path, m.unknown)
	err := pr.instantiate()
	if err != nil {
		var ee *sys.ExitError
		if errors.As(err, &ee) {
			pr.p.SetExit(ee.ExitCode())
		}
	}
	return err
}

// runProcess runs m as the process p until it ends and returns its exit
// code, as RunModule reports it.
func (r *Runtime) runProcess(ctx context.Context, p *kernel.Process, m *Module, gen abi.Generation, tracer *abi.Tracer, maxPages uint32, origin fs.FS) (uint32, error) {
	if !r.live.add(p) {
		return 0, errClosed
	}
	defer r.live.done(p) // after pr.close: the memory is gone
	r.launcher()         // exec and spawn need the runner
	pr := &procRun{r: r, ctx: ctx, p: p, m: m, gen: gen, tracer: tracer, maxPages: maxPages, slot: &abi.Slot{},
		origin: origin, path: "$ORIGIN/main.wasm"}
	if err := pr.instantiate(); err != nil {
		// A start function may exit or trap; anything else is a link error.
		var ee *sys.ExitError
		if errors.As(err, &ee) {
			return r.exit(ctx, p, err)
		}
		return 0, err
	}
	defer pr.close()
	code, err := pr.loop()
	if errors.Is(err, errNotCommand) {
		return 0, err
	}
	return r.endThreads(ctx, p, pr.main, pr.mod, code, err)
}
