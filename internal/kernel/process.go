package kernel

import (
	"context"
	"io"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/vfs"
)

// Preopen is a directory handed to a process already open.
type Preopen struct {
	// GuestPath is the absolute path of the directory in the namespace.
	GuestPath string
	// Name is what fd_prestat_dir_name reports; empty means GuestPath.
	Name string
}

// ProcConfig configures one process.
type ProcConfig struct {
	// Args is the argument vector, program name first.
	Args []string
	// Env holds KEY=VALUE strings.
	Env []string
	// Stdin is read for descriptor 0; nil reads as an empty stream.
	Stdin io.Reader
	// Stdout and Stderr receive descriptors 1 and 2; nil discards.
	Stdout, Stderr io.Writer
	// Namespace is the process's mount table; nil means the kernel's.
	Namespace *vfs.Namespace
	// Cwd is the absolute working directory; empty means "/".
	Cwd string
	// Preopens become descriptors 3, 4, ... in order.
	Preopens []Preopen
	// BidirectionalPipes makes fd_pipe create pipes whose two ends both
	// read and write, as WASIX did in 2022.
	BidirectionalPipes bool
	// ABI is the generation of the program (see SetABI).
	ABI ABI
	// MaxThreads bounds the threads of the process, the main one included;
	// 0 means DefaultMaxThreads.
	MaxThreads int
}

// Process is one running program: its descriptor table, working
// directory, arguments, environment and exit state. Its methods are safe
// for concurrent use by the threads of the program.
type Process struct {
	k    *Kernel
	pid  uint32
	ppid uint32
	cfg  ProcConfig
	ns   *vfs.Namespace
	born time.Time

	cpuBase int64 // the host's CPU time when the process began (clock.go)

	fds fdTable

	abi atomic.Uint32 // an ABI: the generation of the running program (generation.go)

	cwdMu sync.RWMutex
	cwd   string

	stdin          *stdinStream
	stdout, stderr *writerStream

	exitMu   sync.Mutex
	exitCode uint32
	exited   bool

	tty ttyState

	thr threads // threads, futexes, thread-locals, signals (thread.go)

	links procLinks // parent, children, exit status; guarded by k.pt.mu (proctable.go)
}

// NewProcess starts a process (pid 1 for the first) with descriptors 0, 1
// and 2 on the configured streams and the preopens from 3 on. It fails if a
// preopen cannot be opened as a directory.
func (k *Kernel) NewProcess(cfg ProcConfig) (*Process, error) {
	p := &Process{k: k, cfg: cfg, ns: cfg.Namespace, born: time.Now(), cwd: "/"}
	p.cpuBase, _ = hostCPUTime()
	if p.ns == nil {
		p.ns = k.ns
	}
	if cfg.Cwd != "" {
		p.cwd = path.Clean("/" + cfg.Cwd)
	}
	p.fds.max = k.cfg.MaxFDs
	p.abi.Store(uint32(cfg.ABI))
	p.stdin = newStdinStream(cfg.Stdin)
	p.stdout = newWriterStream(cfg.Stdout)
	p.stderr = newWriterStream(cfg.Stderr)
	p.fds.install(0, newOpenFile(p.stdin, 0), rightsStream&^wasix.RightsFdWrite, 0)
	p.fds.install(1, newOpenFile(p.stdout, 0), rightsStream&^wasix.RightsFdRead, 0)
	p.fds.install(2, newOpenFile(p.stderr, 0), rightsStream&^wasix.RightsFdRead, 0)
	for i, pre := range cfg.Preopens {
		f, abs, err := p.ns.Open("/", pre.GuestPath, vfs.ODirectory, 0)
		if err != nil {
			p.Close()
			return nil, &PreopenError{Path: pre.GuestPath, Err: err}
		}
		name := pre.Name
		if name == "" {
			name = pre.GuestPath
		}
		o := k.newDirObj(f, p.ns, abs)
		k.countHost(o) // a preopen is not refused: it only counts
		of := newOpenFile(o, 0)
		fd := 3 + i
		p.fds.installEntry(fd, &fdEntry{of: of, base: rightsDirBase, inh: rightsDirBase | rightsFileBase,
			isPreopen: true, preopen: name})
	}
	k.mu.Lock()
	if len(k.procs) >= k.maxProcs() {
		k.mu.Unlock()
		for _, of := range p.fds.closeAll() {
			of.release()
		}
		p.stdin.stop()
		return nil, ErrProcessLimit
	}
	p.pid = k.nextPid.Add(1)
	k.procs[p.pid] = p
	k.mu.Unlock()
	return p, nil
}

// PreopenError reports a preopen that could not be opened.
type PreopenError struct {
	Path string
	Err  error
}

// Error describes the failure.
func (e *PreopenError) Error() string { return "preopen " + e.Path + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *PreopenError) Unwrap() error { return e.Err }

type procKey struct{}

// WithProcess returns a context that carries p, for the ABI handlers.
func WithProcess(ctx context.Context, p *Process) context.Context {
	return context.WithValue(ctx, procKey{}, p)
}

// ProcessFrom returns the process carried by ctx, or nil.
func ProcessFrom(ctx context.Context) *Process {
	p, _ := ctx.Value(procKey{}).(*Process)
	return p
}

// Pid returns the process id.
func (p *Process) Pid() uint32 { return p.pid }

// Kernel returns the kernel the process runs in.
func (p *Process) Kernel() *Kernel { return p.k }

// Namespace returns the mount table of the process.
func (p *Process) Namespace() *vfs.Namespace { return p.ns }

// Args returns the argument vector.
func (p *Process) Args() []string { return p.cfg.Args }

// Env returns the environment as KEY=VALUE strings.
func (p *Process) Env() []string { return p.cfg.Env }

// Close closes every descriptor, restores the terminal if tty_set changed
// it, and forgets the pid. It is safe to call more than once.
func (p *Process) Close() {
	p.closeBus() // the bus processes it alone held end first (bus_proc.go)
	for _, of := range p.fds.closeAll() {
		of.release()
	}
	p.stdin.stop()
	p.restoreTTY()
	p.ended()
	p.k.mu.Lock()
	if p.k.procs[p.pid] == p {
		delete(p.k.procs, p.pid)
	}
	p.k.mu.Unlock()
}

// SetExit records the exit code of the process; the first call wins. It
// ends every thread of the process.
func (p *Process) SetExit(code uint32) {
	p.exitMu.Lock()
	if !p.exited {
		p.exitCode, p.exited = code, true
	}
	p.exitMu.Unlock()
	p.killThreads()
}

// ExitCode returns the exit code and whether the process has exited.
func (p *Process) ExitCode() (uint32, bool) {
	p.exitMu.Lock()
	defer p.exitMu.Unlock()
	return p.exitCode, p.exited
}

// Getcwd returns the absolute working directory.
func (p *Process) Getcwd() string {
	p.cwdMu.RLock()
	defer p.cwdMu.RUnlock()
	return p.cwd
}

// Chdir changes the working directory to dir (absolute, or relative to the
// current one), which must be a directory.
func (p *Process) Chdir(dir string) wasix.Errno {
	// The working directory is no capability boundary: ".." may climb
	// above it, so the walk starts at the root.
	if !isAbs(dir) {
		dir = p.Getcwd() + "/" + dir
	}
	r, err := p.ns.Resolve("/", dir, true)
	if err != nil {
		return ToErrno(err)
	}
	st, err := p.ns.Stat("/", r.Path, true)
	if err != nil {
		return ToErrno(err)
	}
	if st.Type != vfs.TypeDir {
		return wasix.ErrnoNotdir
	}
	p.cwdMu.Lock()
	p.cwd = r.Path
	p.cwdMu.Unlock()
	return wasix.ErrnoSuccess
}

// ProcID returns the pid, as proc_id reports it.
func (p *Process) ProcID() uint32 { return p.pid }

// ProcParent returns the parent of the process pid. The first process of a
// kernel, like every process started by the embedder, has parent 0; an
// unknown pid gives ESRCH.
func (p *Process) ProcParent(pid uint32) (uint32, wasix.Errno) {
	if pid == p.pid {
		return p.parentPid(), wasix.ErrnoSuccess
	}
	if q := p.k.process(pid); q != nil {
		return q.parentPid(), wasix.ErrnoSuccess // re-parenting may change it (proctable.go)
	}
	return 0, wasix.ErrnoSrch
}

// ThreadID returns the id of the main thread, which equals the pid as
// wasix-libc expects (other threads would count from zero, skipping it).
func (p *Process) ThreadID() uint32 { return p.pid }

// isAbs reports whether a guest path is absolute.
func isAbs(s string) bool { return strings.HasPrefix(s, "/") }
