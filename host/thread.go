package host

import (
	"context"
	"errors"
	"hash/maphash"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"

	"github.com/wasix-go/wasix/internal/abi"
	"github.com/wasix-go/wasix/internal/kernel"
	"github.com/wasix-go/wasix/internal/linker"
)

// threadGrace is how long the end of a run waits for the other threads to
// unwind. Threads blocked in the runtime return at once; one computing
// without calls stops only where compute interrupts are on.
const threadGrace = time.Second

// threadCode is the compiled form of a program that its spawned threads
// instantiate (see threadVariant), made on the first spawn.
type threadCode struct {
	wasm []byte

	once     sync.Once
	compiled wazero.CompiledModule
	own      bool // compiled apart from the main code, closed with it
	err      error
}

// compileLocks serialise the compilations of the same bytes: wazero 1.12
// hands a module found in its cache to a concurrent compile of the same
// bytes before it has finished preparing it (a data race, and a panic
// when the half-made module is instantiated). Runs of one program on
// several goroutines, and the thread variants of its runs, compile the
// same bytes; different programs still compile at the same time.
// A lock is chosen by a fast hash of the bytes: wazero hashes them again
// with SHA-256, and a program of 30 MB need not pay for that twice.
var compileLocks [64]sync.Mutex

var compileSeed = maphash.MakeSeed()

func compileModule(ctx context.Context, rt wazero.Runtime, wasm []byte) (wazero.CompiledModule, error) {
	mu := &compileLocks[maphash.Bytes(compileSeed, wasm)%uint64(len(compileLocks))]
	mu.Lock()
	defer mu.Unlock()
	return rt.CompileModule(ctx, wasm)
}

func (c *threadCode) get(ctx context.Context, rt wazero.Runtime, main wazero.CompiledModule) (wazero.CompiledModule, error) {
	c.once.Do(func() {
		variant, changed, err := threadVariant(c.wasm)
		switch {
		case err != nil:
			c.err = err
		case !changed:
			c.compiled = main
		default:
			// Runs of the same program compile the same variant
			// (compileModule serialises them).
			c.compiled, c.err = compileModule(context.WithoutCancel(ctx), rt, variant)
			c.own = c.err == nil
		}
		c.wasm = nil
	})
	return c.compiled, c.err
}

func (c *threadCode) close(ctx context.Context) {
	if c == nil {
		return
	}
	c.once.Do(func() {}) // no compilation after close
	if c.own {
		_ = c.compiled.Close(ctx)
	}
}

// threads runs the spawned threads of one run: each is a new instance of
// the program linked to the same modules and memory, on a goroutine.
type threads struct {
	r    *Runtime
	m    *Module
	ictx context.Context // links imports; carries the process
	p    *kernel.Process
	ln   *linker.Linker // the dynamic linker of a -pie program, or nil
	live liveSet        // this instance's threads, which its release waits for
}

// launch is the process's kernel.Launcher.
func (th *threads) launch(t *kernel.Thread, e kernel.ThreadEntry) error {
	if th.m.threads == nil {
		return errors.New("the program has no shared memory")
	}
	// The thread is counted by the runtime, which kills and waits for it
	// before it frees memories, and by the instance, whose memory stays
	// until the thread is gone.
	if !th.live.add(nil) {
		return errors.New("the program has been replaced or has ended")
	}
	if !th.r.live.add(th.p) {
		th.live.done(nil)
		return errClosed
	}
	started := false
	defer func() {
		if !started {
			th.r.live.done(th.p)
			th.live.done(nil)
		}
	}()
	if !th.r.ops.enter() {
		return errClosed
	}
	var mod api.Module
	release := func() {}
	if th.ln != nil {
		// A -pie program: the linker makes the thread its own instances
		// of the program and its libraries. The program's start function
		// only relocates its globals and finds its memory initialised.
		var err error
		if mod, release, err = th.ln.LinkThread(th.ictx, th.m.compiled, uint32(e.StackPointer)); err != nil {
			th.r.ops.leave()
			return err
		}
	} else {
		compiled, err := th.m.threads.get(th.ictx, th.r.rt, th.m.compiled)
		if err != nil {
			th.r.ops.leave()
			return err
		}
		if mod, err = th.r.rt.InstantiateModule(th.ictx, compiled, guestConfig); err != nil {
			th.r.ops.leave()
			return err
		}
	}
	fn := mod.ExportedFunction(e.Export)
	if fn == nil && th.ln != nil {
		fn, _ = th.ln.Export(th.ictx, mod, e.Export) // hidden by linker.PrepareMain
	}
	if fn == nil {
		_ = mod.Close(th.ictx)
		release()
		th.r.ops.leave()
		return errors.New("no export " + e.Export)
	}
	th.r.ops.leave()
	setGlobal(mod, "__stack_pointer", e.StackPointer)
	setGlobal(mod, "__tls_base", e.TLSBase)
	started = true
	go func() {
		defer th.live.done(nil)
		defer th.r.live.done(th.p)
		ctx := t.Context()
		_, err := fn.Call(ctx, e.Args...)
		th.end(ctx, t, mod, err)
		if th.r.ops.enter() { // else the runtime's Close closes them
			_ = mod.Close(context.Background())
			release()
			th.r.ops.leave()
		}
	}()
	return nil
}

// end finishes a thread whose entry returned with err.
func (th *threads) end(ctx context.Context, t *kernel.Thread, mod api.Module, err error) {
	byCall, rval := t.ExitedByCall()
	var ee *sys.ExitError
	switch {
	case err == nil || byCall:
		if derr := abi.ThreadEnd(ctx, mod, t); derr != nil && !errors.As(derr, &ee) {
			th.p.Trap(&TrapError{Err: derr})
		}
		t.Finish(rval)
	case errors.As(err, &ee):
		// proc_exit, or the process ended under it.
		t.Finish(ee.ExitCode())
	default:
		th.p.Trap(&TrapError{Err: err})
		t.Finish(1)
	}
}

// setGlobal sets an exported mutable global if the program has it and v is
// not zero.
func setGlobal(mod api.Module, name string, v uint64) {
	if v == 0 {
		return
	}
	if g, ok := mod.ExportedGlobal(name).(api.MutableGlobal); ok {
		g.Set(v)
	}
}

// startThreads makes the main thread of p and, for a program with a shared
// memory, installs the launcher of its other threads and returns it too.
// ictx links imports.
func (r *Runtime) startThreads(ictx context.Context, m *Module, p *kernel.Process) (*kernel.Thread, *threads) {
	main := p.StartMainThread(ictx)
	var th *threads
	if m.threads != nil {
		th = &threads{r: r, m: m, ictx: ictx, p: p}
		p.SetLauncher(th.launch)
	}
	return main, th
}

// endThreads ends the run of p once its main thread has left _start with
// code and err (as exit made them): a main thread that called thread_exit
// leaves the process to its other threads, the last of which gives the
// exit code; otherwise the process ends, every thread with it. A trap in
// any thread is the run's error.
func (r *Runtime) endThreads(ctx context.Context, p *kernel.Process, main *kernel.Thread, mod api.Module, code uint32, err error) (uint32, error) {
	if byCall, rval := main.ExitedByCall(); byCall {
		_ = abi.ThreadEnd(main.Context(), mod, main)
		main.Finish(rval)
		p.WaitThreads(ctx.Done())
		code, err = rval, nil
		if v, ok := p.LastThreadValue(); ok {
			code = v
		}
		if ctx.Err() != nil {
			err = ctx.Err()
		}
	}
	main.Finish(code)
	p.SetExit(code)
	stop := make(chan struct{})
	timer := time.AfterFunc(threadGrace, func() { close(stop) })
	p.WaitThreads(stop)
	timer.Stop()
	if trap := p.Trapped(); trap != nil && err == nil {
		return 0, trap
	}
	if c, ok := p.ExitCode(); ok && err == nil {
		code = c
	}
	return code, err
}

// watchProcess sends the signals of cfg.Signals to p and calls cfg.OnExit
// when p ends, until the returned function is called.
func watchProcess(p *kernel.Process, cfg Config) (stop func()) {
	if cfg.Signals == nil && cfg.OnExit == nil {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		sigs, exited := cfg.Signals, p.Exited()
		if cfg.OnExit == nil {
			exited = nil
		}
		for {
			select {
			case sig, ok := <-sigs:
				if !ok {
					sigs = nil
					continue
				}
				p.Signal(sig)
			case <-exited:
				code, _ := p.ExitCode()
				cfg.OnExit(code)
				exited = nil
			case <-done:
				return
			}
		}
	}()
	return func() { close(done) }
}
