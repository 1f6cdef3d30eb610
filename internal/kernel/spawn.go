package kernel

import (
	"context"
	"path"
	"slices"
	"strings"

	"github.com/wasix-go/wasix"
)

// SpawnRequest describes a program to start as a child (proc_spawn,
// proc_spawn2, posix_spawn).
type SpawnRequest struct {
	// Name is the program: a path, or a name searched for as FindProgram
	// does with SearchPath.
	Name       string
	SearchPath string
	// Args is the argument vector, argv[0] included; empty means Name.
	Args []string
	// Env is the environment; nil inherits the parent's.
	Env []string
	// Stdin, Stdout and Stderr say where descriptors 0-2 go.
	Stdin, Stdout, Stderr wasix.StdioMode
	// WorkingDir is the child's working directory; empty keeps the
	// parent's.
	WorkingDir string
	// Preopens lists directories the child gets open after "/" and its
	// working directory.
	Preopens []string
	// Chroot confines the child to Preopens: it gets neither "/" nor its
	// working directory open, so that no path outside them resolves.
	Chroot bool
	// Inherit gives the child a copy of the parent's whole descriptor
	// table (posix_spawn's behaviour); FdOps then edit it.
	Inherit bool
	// FdOps are applied in order to the child's table (proc_spawn2).
	FdOps []SpawnFdOp
	// Signals, when not nil, are the child's signal dispositions
	// (proc_spawn2); nil keeps what it inherits (none unless Inherit).
	Signals []SignalDisposition
}

// SpawnFdOpKind names what a SpawnFdOp does.
type SpawnFdOpKind uint8

// The file actions of posix_spawn.
const (
	SpawnClose SpawnFdOpKind = iota
	SpawnDup2
	SpawnOpen
	SpawnChdir
	SpawnFchdir
)

// SpawnFdOp is one file action run in the child before it starts.
type SpawnFdOp struct {
	Kind    SpawnFdOpKind
	Fd, Src wasix.Fd
	Open    OpenRequest // for SpawnOpen (its Dir is ignored: paths are from the working directory)
	Path    string      // for SpawnOpen and SpawnChdir
}

// SpawnResult is the child started by Spawn and the parent's ends of its
// piped standard streams (-1 when not piped).
type SpawnResult struct {
	Pid                   uint32
	Stdin, Stdout, Stderr int64
}

// Spawn starts a program as a new child of p. Descriptors 0-2 of the child
// follow the stdio modes: inherit shares p's, piped makes a pipe whose other
// end p gets, null reads nothing and discards, and log writes to p's
// standard error (the runtime's log).
func (p *Process) Spawn(req SpawnRequest) (SpawnResult, wasix.Errno) {
	res := SpawnResult{Stdin: -1, Stdout: -1, Stderr: -1}
	args := req.Args
	if len(args) == 0 {
		args = []string{req.Name}
	}
	if errno := checkDispositions(req.Signals); errno != wasix.ErrnoSuccess {
		return res, errno
	}
	prog, errno := p.FindProgram(req.Name, args, req.SearchPath)
	if errno != wasix.ErrnoSuccess {
		return res, errno
	}
	cwd := p.Getcwd()
	if req.WorkingDir != "" {
		cwd = resolveFrom(cwd, req.WorkingDir)
	}
	env := req.Env
	if env == nil {
		env = slices.Clone(p.cfg.Env)
	}
	var pre []Preopen
	if !req.Chroot {
		pre = append(pre, Preopen{GuestPath: "/", Name: "/"})
		if cwd != "/" {
			pre = append(pre, Preopen{GuestPath: cwd, Name: cwd})
		}
	}
	for _, d := range req.Preopens {
		pre = append(pre, Preopen{GuestPath: resolveFrom(cwd, d), Name: d})
	}
	cfg := p.cfg
	cfg.Args, cfg.Env, cfg.Cwd, cfg.Preopens = prog.Args, env, cwd, pre
	cfg.Stdin, cfg.Stdout, cfg.Stderr = nil, nil, nil
	cfg.Namespace = p.ns
	var c *Process
	if req.Inherit {
		var errno wasix.Errno
		if c, errno = p.Fork(); errno != wasix.ErrnoSuccess {
			return res, errno
		}
		c.cfg = cfg
		c.cwd = cwd
	} else {
		var err error
		if c, err = p.k.NewProcess(cfg); err != nil {
			return res, ToErrno(err)
		}
		p.adopt(c)
	}
	fail := func(errno wasix.Errno) (SpawnResult, wasix.Errno) {
		for _, fd := range []int64{res.Stdin, res.Stdout, res.Stderr} {
			if fd >= 0 {
				p.FdClose(wasix.Fd(fd))
			}
		}
		c.SetExit(127)
		c.Close()
		p.JoinChild(context.Background(), c.pid, true) // reap it at once
		return SpawnResult{Stdin: -1, Stdout: -1, Stderr: -1}, errno
	}
	for i, mode := range []wasix.StdioMode{req.Stdin, req.Stdout, req.Stderr} {
		fd, errno := p.spawnStdio(c, wasix.Fd(i), mode, req.Inherit)
		if errno != wasix.ErrnoSuccess {
			return fail(errno)
		}
		switch i {
		case 0:
			res.Stdin = fd
		case 1:
			res.Stdout = fd
		case 2:
			res.Stderr = fd
		}
	}
	if req.Signals != nil {
		c.setDispositions(req.Signals)
	}
	for _, op := range req.FdOps {
		if errno := c.spawnFdOp(op); errno != wasix.ErrnoSuccess {
			return fail(errno)
		}
	}
	// The child execs the program after its file actions, and that exec
	// closes what is marked close-on-exec, as after fork and exec.
	c.fds.closeOnExec()
	if err := p.k.runner().Start(c, prog); err != nil {
		return fail(wasix.ErrnoNoexec)
	}
	res.Pid = c.pid
	return res, wasix.ErrnoSuccess
}

// resolveFrom returns the guest path p names from the directory dir: an
// absolute p as it is (path.Join would put it beneath dir).
func resolveFrom(dir, p string) string {
	if path.IsAbs(p) {
		return path.Clean(p)
	}
	return path.Join(dir, p)
}

// spawnStdio sets the child's descriptor fd as mode says and returns the
// parent's end of a pipe, or -1.
func (p *Process) spawnStdio(c *Process, fd wasix.Fd, mode wasix.StdioMode, inherited bool) (int64, wasix.Errno) {
	var of *openFile
	var base wasix.Rights
	parentEnd := int64(-1)
	switch mode {
	case wasix.StdioModeInherit, wasix.StdioModeLog:
		src := fd
		if mode == wasix.StdioModeLog {
			src = 2
		}
		e, errno := p.fds.get(src, 0)
		if errno != wasix.ErrnoSuccess {
			return -1, wasix.ErrnoSuccess // nothing to inherit: the child keeps its empty stream
		}
		e.of.retain()
		of, base = e.of, e.base
	case wasix.StdioModeNull:
		if !inherited {
			return -1, wasix.ErrnoSuccess // NewProcess gave it an empty stream already
		}
		var s object = newWriterStream(nil)
		base = rightsStream &^ wasix.RightsFdRead
		if fd == 0 {
			s, base = newStdinStream(nil), rightsStream&^wasix.RightsFdWrite
		}
		of = newOpenFile(s, 0)
	case wasix.StdioModePiped:
		r, w := newPipe(false)
		mine, theirs := newOpenFile(r, 0), newOpenFile(w, 0)
		mineRights, theirRights := rightsStream&^wasix.RightsFdWrite, rightsStream&^wasix.RightsFdRead
		if fd == 0 {
			mine, theirs = theirs, mine
			mineRights, theirRights = theirRights, mineRights
		}
		pfd, errno := p.add(mine, mineRights, 0, true)
		if errno != wasix.ErrnoSuccess {
			theirs.release()
			return -1, errno
		}
		parentEnd = int64(pfd)
		of, base = theirs, theirRights
	default:
		return -1, wasix.ErrnoInval
	}
	if old, errno := c.fds.remove(fd); errno == wasix.ErrnoSuccess {
		old.of.release()
	}
	c.fds.install(int(fd), of, base, 0)
	return parentEnd, wasix.ErrnoSuccess
}

// spawnFdOp runs one file action in the child c.
func (c *Process) spawnFdOp(op SpawnFdOp) wasix.Errno {
	switch op.Kind {
	case SpawnClose:
		return c.FdClose(op.Fd)
	case SpawnDup2:
		if op.Fd == op.Src {
			return c.FdFdflagsSet(op.Fd, 0) // dup2 onto itself clears close-on-exec
		}
		return c.dupOnto(op.Src, op.Fd)
	case SpawnOpen:
		root, ok := c.rootPreopen()
		if !ok {
			return wasix.ErrnoNotcapable
		}
		req := op.Open
		req.Path = strings.TrimPrefix(path.Join(c.Getcwd(), op.Path), "/")
		if req.Path == "" {
			req.Path = "."
		}
		fd, errno := c.PathOpen(context.Background(), root, req)
		if errno != wasix.ErrnoSuccess {
			return errno
		}
		if fd != op.Fd {
			errno = c.dupOnto(fd, op.Fd)
			c.FdClose(fd)
		}
		return errno
	case SpawnChdir:
		return c.Chdir(op.Path)
	}
	return wasix.ErrnoNotsup
}

// rootPreopen returns the descriptor of the preopened "/".
func (c *Process) rootPreopen() (wasix.Fd, bool) {
	c.fds.mu.RLock()
	defer c.fds.mu.RUnlock()
	for fd, e := range c.fds.entries {
		if e != nil && e.isPreopen && e.preopen == "/" {
			return wasix.Fd(fd), true
		}
	}
	return 0, false
}

// dupOnto makes to refer to the open file description of from, closing
// what to held (dup2).
func (c *Process) dupOnto(from, to wasix.Fd) wasix.Errno {
	e, errno := c.fds.get(from, 0)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	e.of.retain()
	if old, errno := c.fds.remove(to); errno == wasix.ErrnoSuccess {
		old.of.release()
	}
	c.fds.install(int(to), e.of, e.base, e.inh)
	return wasix.ErrnoSuccess
}
