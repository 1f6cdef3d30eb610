package host

import (
	"io"
	"io/fs"

	"github.com/wasix-go/wasix"
)

// RuntimeConfig configures a Runtime. The zero value is ready to use.
type RuntimeConfig struct {
	// CacheDir, if not empty, keeps compiled machine code in this
	// directory so that later runtimes (and later runs of the CLI) skip
	// compilation. Empty keeps the cache in memory, for this Runtime only.
	CacheDir string

	// Cache, if not nil, holds compiled code this Runtime shares with
	// other Runtimes given the same one (see NewCodeCache): a program
	// compiled by one is compiled once for all, and its machine code is
	// in memory once. CacheDir is then not used.
	Cache *CodeCache

	// DebugInfo reads the programs' DWARF sections, so that the stack of a
	// trap names source files and lines. It is off by default because it
	// slows every start of such a program: wasixcc's output carries libc's
	// DWARF even without -g, and wazero reads the source map it makes back
	// from the compile cache 8 bytes per read call (a C hello: about 9,000
	// reads instead of 70). Code compiled with it stays in memory, for this
	// Runtime only (CacheDir and Cache are not used), so that cached code
	// compiled without it never serves a run that asked for lines.
	DebugInfo bool

	// MaxMemoryPages bounds every linear memory of every guest, in 64 KiB
	// pages, when it is compiled: a program declaring a larger maximum is
	// refused. 0 leaves the programs' own maxima (Config.MaxMemoryPages
	// bounds growth instead). Whatever the limits, no memory grows past
	// 65,535 pages: a memory of exactly 4 GiB traps on every access in
	// wazero, so memory.grow fails one page short of it.
	MaxMemoryPages uint32

	// MaxFDs bounds the descriptors one process may hold open; 0 means
	// 1024. It is a property of the kernel all processes of a Runtime
	// share, so it lives here rather than in Config.
	MaxFDs int

	// NoComputeInterrupts leaves out of the compiled code the checks that
	// let a cancelled context stop a program in the middle of computing.
	// Compute-bound programs then run several times faster (Go's own
	// strings tests: about 7x), but cancelling a run no longer stops a
	// program that does not call the host; only closing the process (the
	// CLI exits) does. The CLI sets it and exits on a second Ctrl-C.
	// Runtime.Close cannot stop such a program either: it gives up
	// waiting for it and leaks its memory rather than free it under it.
	NoComputeInterrupts bool

	// AllowClockSet lets guests set the realtime clock with
	// clock_time_set. The host's clock is never changed: the runtime keeps
	// an offset, which every process of the Runtime sees, as they would on
	// one machine. Without it the call fails with EPERM.
	AllowClockSet bool

	// Net turns networking on and says what programs may bind, connect
	// to and resolve; nil (the default) leaves them without network, so
	// that their socket calls fail with EACCES.
	Net *NetConfig

	// MaxProcs bounds the processes running at once in the Runtime (runs,
	// and the children they fork or spawn); fork and spawn past it fail
	// with EAGAIN, a run with an error. 0 means 512.
	MaxProcs int

	// MaxHostFDs bounds the host descriptors all programs of the Runtime
	// hold together (sockets, files and directories of host mounts); past
	// it opens fail with ENFILE, so that programs cannot exhaust the host
	// process's own RLIMIT_NOFILE. 0 means half of RLIMIT_NOFILE, at most
	// 65,536 and at least 64.
	MaxHostFDs int

	// MaxMemFSBytes bounds the in-memory root (/tmp, /home, ...) and, each
	// on its own, every Mount with Memory set: file contents, plus 256
	// bytes and the name for each file, directory and link (and a
	// symlink's target); writes and creations past it fail with ENOSPC.
	// 0 means 512 MiB, negative no limit.
	MaxMemFSBytes int64
	// StrictImports refuses programs importing a call of wasix_32v1 or
	// wasi_snapshot_preview1 that no generation the runtime knows defines.
	// Without it such a call is linked to a stub that fails with ENOSYS
	// (or traps, naming it, when it has no errno result), and Run warns
	// about each on the program's standard error.
	StrictImports bool
}

// ABI names a generation of the interface a program was built against.
// The empty ABI detects it from the program's imports.
type ABI string

// The ABI generations a program may be run as.
const (
	ABIAuto         ABI = ""
	ABIPreview1     ABI = "preview1"      // wasi_snapshot_preview1 only
	ABIWasix2022    ABI = "wasix-2022"    // wasix_32v1 as shipped in late 2022
	ABIWasixSeed    ABI = "wasix-seed"    // the snapshot this project's bindings use
	ABIWasixCurrent ABI = "wasix-current" // today's wasix_32v1
)

// Config configures one run of a program.
type Config struct {
	// Args is the argument vector, the program's name first. Empty gives
	// the program no arguments at all, not even a name.
	Args []string

	// Env holds KEY=VALUE strings. Nothing of the host's environment is
	// passed unless the embedder copies it here.
	Env []string

	// Stdin is read for descriptor 0; nil reads as an empty stream.
	Stdin io.Reader
	// Stdout and Stderr receive descriptors 1 and 2; nil discards.
	Stdout, Stderr io.Writer

	// Mounts attach directories to the guest's filesystem, in order (a
	// later mount at the same path replaces an earlier one). Without any,
	// the guest sees only the runtime's in-memory root with /dev, /tmp
	// and /home.
	Mounts []Mount

	// Cwd is the absolute guest path of the working directory; empty
	// means "/".
	Cwd string

	// PreopenRoot hands a plain WASI (preview1) program "/" as a preopened
	// directory in addition to its mounts. WASIX programs always get it.
	PreopenRoot bool

	// ABI forces a generation instead of detecting it from the imports.
	ABI ABI

	// Trace, if not nil, receives one line per call the program makes:
	// its name, decoded arguments, result and duration.
	Trace io.Writer
	// TraceFilter, if not empty, keeps in the trace only the calls whose
	// names match one of these globs (path.Match syntax: "fd_*").
	TraceFilter []string

	// MaxMemoryPages bounds the program's memory, in 64 KiB pages; 0
	// leaves the program's own maximum (and RuntimeConfig.MaxMemoryPages).
	// An imported memory (env.memory, as every WASIX program has) gets it
	// as its declared maximum; a memory the program defines fails to grow
	// past it, as at its own maximum (malloc returns NULL). The whole
	// amount is reserved as address space at start (only pages touched use
	// memory). With 0, or above it, the cap is 65,535 pages (4 GiB less
	// one page). The CLI's --max-memory sets it.
	MaxMemoryPages uint32
	// MaxThreads bounds the threads of the program, the main one included;
	// spawning past it fails with EAGAIN. 0 means 512.
	MaxThreads int
	// Signals, if not nil, delivers signals to the running program: a
	// handler it registered runs, or the signal's default action is taken
	// (SIGINT and SIGTERM end it with status 128+n).
	Signals <-chan wasix.Signal
	// OnExit, if not nil, is called once as soon as the program has ended
	// (its exit, a trap, a signal's default action), with its exit code.
	// The run itself returns when its threads have unwound, which a thread
	// computing without compute interrupts never does: OnExit lets the
	// embedder stop waiting for it.
	OnExit func(code uint32)

	// Origin is the directory a dynamically linked (-pie) program was
	// loaded from, as the host sees it: "$ORIGIN" in the program's rpath
	// names it, so side modules shipped beside the program are found
	// without mounting them. nil leaves $ORIGIN unresolvable; libraries
	// are then looked for in the guest's LD_LIBRARY_PATH, /lib and
	// /usr/lib. The CLI sets it to the program's directory.
	Origin fs.FS
}

// Mount attaches a filesystem to the guest at GuestPath. Exactly one of
// HostDir, FS and Memory says what is mounted.
type Mount struct {
	// GuestPath is the absolute path where the guest sees the mount.
	GuestPath string

	// HostDir is a directory of the host. Nothing outside it is reachable
	// from the guest: "..", absolute symlinks and symlinks climbing out
	// all stay beneath it.
	HostDir string
	// FS is a Go filesystem, mounted read-only whatever ReadOnly says.
	FS fs.FS
	// Memory mounts a fresh, empty in-memory directory.
	Memory bool

	// ReadOnly makes every change through the mount fail with EROFS.
	ReadOnly bool

	// Name is what a plain WASI program sees as the preopen's name
	// (wasi-libc matches relative paths against it); empty means
	// GuestPath. The CLI's --dir passes the directory as the user wrote
	// it, as wasmtime does.
	Name string
}
