// Package kernel holds the semantics of the runtime: processes, their
// descriptor tables, pipes, event counters, clocks, terminals and exit
// state. The ABI layer (internal/abi) decodes a call's arguments from guest
// memory and asks a Process to act; every generation of the ABI reaches the
// same Process, so a descriptor made through one module is usable through
// any other.
//
// Calls report failure with a wasix.Errno; ErrnoSuccess means none.
//
// # Decisions
//
//   - Descriptors: the lowest free number is used (POSIX), up to
//     Config.MaxFDs per process (EMFILE beyond). Each descriptor has its own
//     rights; fd_dup shares the open file description (offset, status
//     flags, directory cursor) but not the rights or cloexec.
//   - Rights: every call checks its right and reports ENOTCAPABLE without
//     it, before looking at the kind of object. path_open intersects the
//     requested rights with the directory's inheriting ones (no error) and
//     with what the object can do. fd_read opens for reading, fd_write for
//     writing; a directory asked for writing gives EISDIR.
//   - Paths: relative to a directory descriptor, which is a capability:
//     absolute paths and ".." above it give ENOTCAPABLE unless the
//     directory is "/". The working directory is no such boundary.
//   - Stdio: descriptors 0-2 wrap the configured reader and writers; they
//     report character_device when the host stream is a terminal and
//     unknown otherwise, so that isatty answers as on the host. Pipes and
//     event counters report unknown too: wasi has no type for them.
//   - Clocks: realtime and monotonic, 1 ns resolution; the CPU-time clocks
//     give EINVAL everywhere (see clock.go).
//   - Signals: no handlers yet; proc_raise applies the default action of
//     the spec's signal list (terminate with status 128+sig, or ignore).
//   - Ids: the first process is pid 1 with parent 0; the main thread's id
//     is the pid, as wasix-libc expects.
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
	// MaxProcs bounds the live processes of the kernel; fork and spawn
	// past it fail with EAGAIN. 0 means DefaultMaxProcs (limits.go).
	MaxProcs int
	// MaxHostFDs bounds the host descriptors all processes hold together
	// (sockets, host files); past it opens fail with ENFILE. 0 means
	// DefaultMaxHostFDs().
	MaxHostFDs int
	// MaxMemFSBytes bounds the file contents of the in-memory root (/tmp,
	// /home, ...); writes past it fail with ENOSPC. 0 means
	// DefaultMaxMemFSBytes, negative no limit. It applies to a Root given
	// here only if that is a *vfs.MemFS.
	MaxMemFSBytes int64
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

	// pt links processes: parents, children, statuses, groups (proctable.go).
	pt procTable

	// bus holds the endpoints of the bus and its registries (bus.go).
	bus busTable

	// dirs holds every open directory, whose anchors renames must move.
	dirsMu sync.Mutex
	dirs   map[*fileObj]struct{}

	host hostFDs // host descriptors held (limits.go)
}

// New returns a kernel configured by cfg.
func New(cfg Config) *Kernel {
	if cfg.MaxFDs <= 0 {
		cfg.MaxFDs = DefaultMaxFDs
	}
	if cfg.MaxMemFSBytes == 0 {
		cfg.MaxMemFSBytes = DefaultMaxMemFSBytes
	}
	root := cfg.Root
	if root == nil {
		root = vfs.NewRootMemFS()
	}
	if m, ok := root.(*vfs.MemFS); ok && cfg.MaxMemFSBytes > 0 {
		m.SetCapacity(cfg.MaxMemFSBytes)
	}
	ns := vfs.NewNamespace(root)
	_ = ns.Mount("/dev", vfs.NewDevFS(), false) // cannot fail: absolute path, non-nil FS
	k := &Kernel{cfg: cfg, ns: ns, start: time.Now(), procs: map[uint32]*Process{}, dirs: map[*fileObj]struct{}{}}
	k.host.max = int64(cfg.MaxHostFDs)
	if k.host.max <= 0 {
		k.host.max = int64(DefaultMaxHostFDs())
	}
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
