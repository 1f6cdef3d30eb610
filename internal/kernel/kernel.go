// Package kernel holds the semantics of the runtime: processes, their
// descriptor tables, pipes, event counters, clocks, terminals and exit
// state. The ABI layer (internal/abi) decodes a call's arguments from guest
// memory and asks a Process to act; every generation of the ABI reaches the
// same Process, so a descriptor made through one module is usable through
// any other.
//
// Calls report failure with a wasix.Errno; ErrnoSuccess means none.
package kernel

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/wasix-go/wasix/internal/hostnet"
	"github.com/wasix-go/wasix/internal/vfs"
)

// DefaultMaxFDs is the descriptor limit of a process when Config.MaxFDs is 0.
const DefaultMaxFDs = 1024

// Config configures a Kernel.
type Config struct {
	// AllowClockSet lets guests call clock_time_set on the realtime clock.
	// The host clock is never touched: the kernel keeps an offset.
	AllowClockSet bool
	// MaxFDs bounds the descriptors one process may hold open; 0 means
	// DefaultMaxFDs.
	MaxFDs int
	// Root is the filesystem mounted at "/". Nil means a fresh vfs.MemFS
	// laid out with /tmp, /home and friends. A vfs.DevFS is mounted at /dev
	// in both cases.
	Root vfs.FS
	// Net is the network guests may use through sockets, with its policy;
	// nil turns networking off (socket calls fail with EACCES).
	Net *hostnet.Network
}

// Kernel is the shared state of one runtime: the root namespace, the pid
// counter, and the realtime clock offset. It is safe for concurrent use.
type Kernel struct {
	cfg     Config
	ns      *vfs.Namespace
	nextPid atomic.Uint32
	start   time.Time // when the kernel was made

	// realOffset is added to the host's realtime clock (clock_time_set).
	realOffset atomic.Int64

	mu    sync.Mutex
	procs map[uint32]*Process
}

// New returns a kernel configured by cfg.
func New(cfg Config) *Kernel {
	if cfg.MaxFDs <= 0 {
		cfg.MaxFDs = DefaultMaxFDs
	}
	root := cfg.Root
	if root == nil {
		root = vfs.NewRootMemFS()
	}
	ns := vfs.NewNamespace(root)
	_ = ns.Mount("/dev", vfs.NewDevFS(), false) // cannot fail: absolute path, non-nil FS
	k := &Kernel{cfg: cfg, ns: ns, start: time.Now(), procs: map[uint32]*Process{}}
	return k
}

// Namespace returns the kernel's default mount table, which processes
// without a namespace of their own share. Embedders mount host directories
// on it before starting processes.
func (k *Kernel) Namespace() *vfs.Namespace { return k.ns }

// Config returns the configuration the kernel runs with (defaults filled).
func (k *Kernel) Config() Config { return k.cfg }

// process returns the live process with the given pid, or nil.
func (k *Kernel) process(pid uint32) *Process {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.procs[pid]
}
