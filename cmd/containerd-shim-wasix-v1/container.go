package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/containerd/containerd/api/types/task"
	"github.com/containerd/containerd/mount"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/host"
)

// Exit statuses the shim reports for ends that are not the program's own.
const (
	statusTrap   = 134 // a trap, as the CLI reports it (SIGABRT)
	statusKilled = 137 // killed (SIGKILL), as runc reports it
	statusFailed = 127 // the program could not be started
)

// container is one task: a program with its own host.Runtime (its own
// pids, in-memory root and network), its streams and its state.
type container struct {
	id, bundle string
	rootfs     string // host directory of the root filesystem
	mounted    bool   // the shim mounted rootfs and unmounts it on delete
	stdin      string // names containerd gave, reported back by State
	stdout     string
	stderr     string
	terminal   bool

	rt   *host.Runtime
	mod  *host.Module
	spec *specs.Spec // the container's spec, which an exec's process spec amends

	// An exec'd process is a container of its own that shares the
	// runtime of the container it runs in (parent).
	execID string
	parent *container
	execs  map[string]*container // guarded by mu
	// procs is the context of the exec'd processes' runs, ended with the
	// container's first process.
	procs    context.Context
	endProcs context.CancelFunc
	cfg      host.Config
	io       *taskIO
	sigs     chan wasix.Signal
	stop     context.CancelFunc // ends the run whatever it does

	mu       sync.Mutex
	status   task.Status
	exitCode uint32
	exitedAt time.Time
	killed   bool          // SIGKILL was sent: a cut-short run is reported as killed
	sandbox  bool          // a pod's sandbox ("pause") container: no program, runs until killed
	onExit   func()        // the sandbox's: called when a kill ends it
	done     chan struct{} // closed when the program has ended
}

// containerTypeAnnotation says whether CRI creates a pod's sandbox or one
// of its containers.
const containerTypeAnnotation = "io.kubernetes.cri.container-type"

// newContainer prepares a task from its bundle: the root filesystem is
// mounted, the spec mapped, the program read and compiled (so that a
// missing or invalid .wasm fails the create, not the start), and the
// streams opened.
func newContainer(ctx context.Context, cache *host.CodeCache, id, bundle string, rootfs []mount.Mount, stdin, stdout, stderr string, terminal bool) (_ *container, err error) {
	c := &container{
		id: id, bundle: bundle, stdin: stdin, stdout: stdout, stderr: stderr, terminal: terminal,
		status: task.Status_CREATED, done: make(chan struct{}), sigs: make(chan wasix.Signal, 32),
	}
	c.procs, c.endProcs = context.WithCancel(context.Background())
	defer func() {
		if err != nil {
			c.release(context.Background())
		}
	}()
	s, err := readSpec(bundle)
	if err != nil {
		return nil, err
	}
	if s.Annotations[containerTypeAnnotation] == "sandbox" {
		// CRI starts a sandbox container for every pod, with the
		// runtime of the pod, to hold the pod's namespaces. The shim
		// has none to hold: the sandbox runs nothing and waits to be
		// killed, as the pause program would.
		c.sandbox = true
		c.io = &taskIO{}
		return c, nil
	}
	c.rootfs = filepath.Join(bundle, "rootfs")
	if len(rootfs) > 0 {
		if err := os.MkdirAll(c.rootfs, 0o711); err != nil {
			return nil, err
		}
		if err := mount.All(rootfs, c.rootfs); err != nil {
			return nil, fmt.Errorf("mount the root filesystem: %w", err)
		}
		c.mounted = true
	} else if s.Root != nil && s.Root.Path != "" {
		c.rootfs = s.Root.Path
		if !filepath.IsAbs(c.rootfs) {
			c.rootfs = filepath.Join(bundle, c.rootfs)
		}
	}
	c.spec = s
	p, err := planFromSpec(s, c.rootfs)
	if err != nil {
		return nil, err
	}
	wasm, err := readProgram(c.rootfs, p.programs)
	if err != nil {
		return nil, err
	}
	// The runtime outlives the request that creates it.
	if c.rt, err = host.NewRuntime(context.Background(), host.RuntimeConfig{Cache: cache, Net: p.net, MaxFDs: p.maxFDs}); err != nil {
		return nil, err
	}
	if c.mod, err = c.rt.Compile(ctx, wasm); err != nil {
		return nil, fmt.Errorf("%s: %w", p.programs[0], err)
	}
	if c.io, err = openIO(stdin, stdout, stderr, terminal || p.terminal); err != nil {
		return nil, err
	}
	c.cfg = p.cfg
	c.cfg.Stdin, c.cfg.Stdout, c.cfg.Stderr = c.io.streams()
	c.cfg.Signals = c.sigs
	return c, nil
}

// newExec prepares another process in the running container c, as `ctr
// task exec` or `kubectl exec` ask: its program is read from the
// container's root filesystem and runs in the container's runtime (same
// pids, same root, same network), with the container's mounts made anew.
func (c *container) newExec(ctx context.Context, execID string, proc *specs.Process, stdin, stdout, stderr string, terminal bool) (_ *container, err error) {
	if c.sandbox {
		return nil, errors.New("a pod's sandbox runs no processes")
	}
	e := &container{
		id: c.id, bundle: c.bundle, stdin: stdin, stdout: stdout, stderr: stderr, terminal: terminal,
		execID: execID, parent: c, rt: c.rt,
		status: task.Status_CREATED, done: make(chan struct{}), sigs: make(chan wasix.Signal, 32),
	}
	defer func() {
		if err != nil {
			e.release(context.Background())
		}
	}()
	spec := *c.spec
	spec.Process = proc
	p, err := planFromSpec(&spec, c.rootfs)
	if err != nil {
		return nil, err
	}
	wasm, err := readProgram(c.rootfs, p.programs)
	if err != nil {
		return nil, err
	}
	if e.mod, err = c.rt.Compile(ctx, wasm); err != nil {
		return nil, fmt.Errorf("%s: %w", p.programs[0], err)
	}
	if e.io, err = openIO(stdin, stdout, stderr, terminal || p.terminal); err != nil {
		return nil, err
	}
	e.cfg = p.cfg
	e.cfg.Stdin, e.cfg.Stdout, e.cfg.Stderr = e.io.streams()
	e.cfg.Signals = e.sigs
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.status != task.Status_RUNNING {
		return nil, fmt.Errorf("task %s is not running", c.id)
	}
	if c.execs == nil {
		c.execs = map[string]*container{}
	}
	if _, ok := c.execs[execID]; ok {
		return nil, fmt.Errorf("exec %s exists", execID)
	}
	c.execs[execID] = e
	return e, nil
}

// procID names the process in events: the container's id, or the exec id.
func (c *container) procID() string {
	if c.execID != "" {
		return c.execID
	}
	return c.id
}

// exec returns the exec'd process execID of c, or nil.
func (c *container) exec(execID string) *container {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.execs[execID]
}

// forget removes an exec'd process from its container.
func (c *container) forget(execID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.execs, execID)
}

// readSpec reads the bundle's config.json.
func readSpec(bundle string) (*specs.Spec, error) {
	data, err := os.ReadFile(filepath.Join(bundle, "config.json"))
	if err != nil {
		return nil, err
	}
	var s specs.Spec
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("config.json: %w", err)
	}
	return &s, nil
}

// readProgram reads the first of the guest paths that exists in the root
// filesystem. Paths resolve inside rootfs (RESOLVE_IN_ROOT): an image's
// symlinks cannot make the shim read a file of the host.
func readProgram(rootfs string, paths []string) ([]byte, error) {
	root, err := os.Open(rootfs)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	for _, p := range paths {
		fd, err := unix.Openat2(int(root.Fd()), strings.TrimPrefix(p, "/"), &unix.OpenHow{
			Flags:   unix.O_RDONLY | unix.O_CLOEXEC,
			Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS,
		})
		if errors.Is(err, unix.ENOENT) && len(paths) > 1 {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		f := os.NewFile(uintptr(fd), p)
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		return data, nil
	}
	return nil, fmt.Errorf("%s: not found in the image", filepath.Base(paths[0]))
}

// start runs the program. onStart is called once it is sure to run and
// before it can end; onExit once it has ended and its streams are closed.
func (c *container) start(onStart, onExit func()) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.status != task.Status_CREATED {
		return fmt.Errorf("task %s is %s, not created", c.id, c.status)
	}
	c.status = task.Status_RUNNING
	onStart()
	if c.sandbox {
		c.stop, c.onExit = func() {}, onExit
		return nil
	}
	base := context.Background()
	if c.parent != nil {
		base = c.parent.procs
	}
	ctx, stop := context.WithCancel(base)
	c.stop = stop
	go func() {
		code, err := c.rt.RunModule(ctx, c.mod, c.cfg)
		c.mu.Lock()
		killed := c.killed
		c.mu.Unlock()
		switch {
		case err == nil:
		case ctx.Err() != nil || killed:
			code = statusKilled
		default:
			var trap *host.TrapError
			if errors.As(err, &trap) {
				code = statusTrap
			} else {
				code = statusFailed
			}
			if _, stdout, stderr := c.io.streams(); stderr != nil {
				fmt.Fprintf(stderr, "wasix: %v\n", err)
			} else if stdout != nil {
				fmt.Fprintf(stdout, "wasix: %v\n", err)
			}
		}
		if c.parent == nil {
			// The container's first process is its init: when it
			// ends, so does every process left in the container
			// (what it forked, what was exec'd), as in a pid
			// namespace. An exec'd process starting just now is
			// ended by its context.
			c.endProcs()
			c.rt.SignalAll(wasix.SignalKill)
		}
		c.io.finish()
		c.exited(code)
		onExit()
	}()
	return nil
}

// exited records the end of the program.
func (c *container) exited(code uint32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.status = task.Status_STOPPED
	c.exitCode = code
	c.exitedAt = time.Now()
	close(c.done)
}

// kill delivers sig to the program, or with all to every process of the
// container. A task created but not started ends with 128+sig, as a
// process killed before it ran would. It reports false when the task has
// already ended.
func (c *container) kill(sig wasix.Signal, all bool) (ended, ok bool) {
	c.mu.Lock()
	switch c.status {
	case task.Status_STOPPED:
		c.mu.Unlock()
		return false, false
	case task.Status_CREATED:
		c.status = task.Status_STOPPED
		c.exitCode = 128 + uint32(sig)
		c.exitedAt = time.Now()
		close(c.done)
		c.mu.Unlock()
		c.io.finish()
		return true, true
	}
	if sig == wasix.SignalKill {
		c.killed = true
	}
	if c.sandbox {
		c.mu.Unlock()
		return c.killSandbox(sig)
	}
	c.mu.Unlock()
	if all {
		c.rt.SignalAll(sig)
	} else {
		select {
		case c.sigs <- sig:
		case <-c.done:
			return false, false
		}
	}
	if sig == wasix.SignalKill {
		// SIGKILL cannot be caught: ending the run makes sure of it even
		// for a program that does not reach the host to be told.
		c.stop()
	}
	return false, true
}

// killSandbox ends a sandbox as a signal ends the pause program: SIGINT
// and SIGTERM make it exit 0, signals ignored by default change nothing,
// any other ends it with 128+sig.
func (c *container) killSandbox(sig wasix.Signal) (ended, ok bool) {
	code := 128 + uint32(sig)
	switch sig {
	case wasix.SignalInt, wasix.SignalTerm:
		code = 0
	case wasix.SignalChld, wasix.SignalCont, wasix.SignalUrg, wasix.SignalWinch:
		return false, true
	}
	c.exited(code)
	c.onExit()
	return false, true
}

// state returns the task's status and exit.
func (c *container) state() (task.Status, uint32, time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.status, c.exitCode, c.exitedAt
}

// release frees everything the task holds: the run (ended if still going),
// the runtime, the streams and the root filesystem mount.
func (c *container) release(ctx context.Context) error {
	c.mu.Lock()
	execs := c.execs
	c.execs = nil
	c.mu.Unlock()
	for _, e := range execs {
		e.release(ctx)
	}
	if c.stop != nil {
		c.stop()
	}
	if c.endProcs != nil {
		c.endProcs()
	}
	if c.mod != nil {
		c.mod.Close(ctx)
	}
	if c.rt != nil && c.parent == nil { // an exec'd process shares its container's
		c.rt.Close(ctx)
	}
	if c.io != nil {
		c.io.close()
	}
	if c.mounted {
		if err := mount.UnmountAll(c.rootfs, 0); err != nil {
			return fmt.Errorf("unmount %s: %w", c.rootfs, err)
		}
		c.mounted = false
	}
	return nil
}
