package host

import (
	"context"
	"fmt"

	"github.com/tetratelabs/wazero"

	"github.com/wasix-go/wasix"
)

// CodeCache is compiled code shared by several Runtimes (RuntimeConfig.Cache):
// a container runtime running many programs, each in a Runtime of its own
// for its own pids, filesystem and network, compiles a program once and
// keeps its machine code in memory once. Close it after every Runtime
// using it is closed.
type CodeCache struct {
	c   wazero.CompilationCache
	dir string // its directory, or ""
}

// NewCodeCache returns an empty CodeCache; with dir not empty, compiled
// code is also kept in that directory for later processes, as with
// RuntimeConfig.CacheDir.
func NewCodeCache(dir string) (*CodeCache, error) {
	if dir == "" {
		return &CodeCache{c: wazero.NewCompilationCache()}, nil
	}
	c, err := wazero.NewCompilationCacheWithDir(dir)
	if err != nil {
		return nil, fmt.Errorf("compilation cache: %w", err)
	}
	return &CodeCache{c: c, dir: dir}, nil
}

// Close releases the compiled code.
func (c *CodeCache) Close(ctx context.Context) error { return c.c.Close(ctx) }

// Pids returns the pids of the processes running in r (the programs it
// runs and the processes they forked or spawned), in increasing order.
// Pids are the runtime's own: the first program of a Runtime is pid 1.
// A container runtime lists them (ctr task ps).
func (r *Runtime) Pids() []uint32 { return r.kern.Pids() }

// SignalAll delivers sig to every process running in r: a handler the
// process registered runs, or the signal's default action is taken.
// Config.Signals reaches only the program a run started; this reaches the
// processes it forked or spawned too (a container's "kill --all").
func (r *Runtime) SignalAll(sig wasix.Signal) { r.kern.SignalAll(sig) }
