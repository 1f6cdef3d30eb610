package kernel

import (
	"bytes"
	"io"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/vfs"
)

// DefaultPath is the search path of a process without PATH in its
// environment.
const DefaultPath = "/usr/local/bin:/bin:/usr/bin"

// execGrace bounds how long an exec waits for the other threads to end.
const execGrace = time.Second

// maxShebang bounds how many times a script may name another script as its
// interpreter.
const maxShebang = 4

// Program is what exec and spawn found to run: the file, the arguments the
// program gets (a script's interpreter first), and the compiled code the
// Runner prepared.
type Program struct {
	// Path is the guest path of the file, or "command:NAME" for an entry of
	// the command table reached without a file.
	Path string
	// Args is the argument vector.
	Args []string
	// Code is the Runner's compiled form of the program.
	Code any
}

// Runner compiles and starts programs for exec and spawn; the host
// runtime implements it and installs it with Kernel.SetRunner.
type Runner interface {
	// Compile prepares wasm for running; an error means it is no program
	// the runner can run (ENOEXEC).
	Compile(wasm []byte) (any, error)
	// Start runs prog as the process p, which has its descriptors,
	// arguments and environment ready, in the background. When the
	// program ends the runner records its exit and closes p.
	Start(p *Process, prog *Program) error
}

// SetRunner installs the runner that exec and spawn use. Without one they
// fail with ENOTSUP.
func (k *Kernel) SetRunner(r Runner) {
	k.pt.mu.Lock()
	k.pt.runner = r
	k.pt.mu.Unlock()
}

func (k *Kernel) runner() Runner {
	k.pt.mu.Lock()
	defer k.pt.mu.Unlock()
	return k.pt.runner
}

// Getenv returns the value of the environment variable key of p.
func (p *Process) Getenv(key string) (string, bool) {
	for _, kv := range p.cfg.Env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

// FindProgram resolves name as execvp does and compiles what it finds. A
// name with a slash is a path (relative to the working directory);
// otherwise each directory of searchPath is tried (PATH of p when empty,
// DefaultPath without it), then the command table. A file starting with
// "#!" runs its interpreter with the script's path. args is the argument
// vector the program gets, argv[0] included. ENOENT says nothing was
// found, ENOEXEC that it is no program, ENOTSUP that no runner is set.
func (p *Process) FindProgram(name string, args []string, searchPath string) (*Program, wasix.Errno) {
	r := p.k.runner()
	if r == nil {
		return nil, wasix.ErrnoNotsup
	}
	if name == "" {
		return nil, wasix.ErrnoNoent
	}
	prog := &Program{Args: args}
	for depth := 0; ; depth++ {
		file, wasm, errno := p.locate(name, searchPath)
		if errno != wasix.ErrnoSuccess {
			return nil, errno
		}
		prog.Path = file
		interp, arg, ok := shebang(wasm)
		if !ok {
			code, err := r.Compile(wasm)
			if err != nil {
				return nil, wasix.ErrnoNoexec
			}
			prog.Code = code
			return prog, wasix.ErrnoSuccess
		}
		if depth == maxShebang {
			return nil, wasix.ErrnoLoop
		}
		// The interpreter gets the script's path in place of argv[0].
		rest := prog.Args
		if len(rest) > 0 {
			rest = rest[1:]
		}
		next := []string{interp}
		if arg != "" {
			next = append(next, arg)
		}
		prog.Args = append(append(next, file), rest...)
		name = interp
	}
}

// locate finds the file of name and reads it.
func (p *Process) locate(name, searchPath string) (string, []byte, wasix.Errno) {
	if strings.Contains(name, "/") {
		file := name
		if !isAbs(file) {
			file = path.Join(p.Getcwd(), file)
		}
		wasm, errno := p.readProgram(file)
		return file, wasm, errno
	}
	if searchPath == "" {
		searchPath = DefaultPath
		if v, ok := p.Getenv("PATH"); ok {
			searchPath = v
		}
	}
	failed := wasix.ErrnoNoent
	for _, dir := range strings.Split(searchPath, ":") {
		if dir == "" {
			dir = "."
		}
		file := path.Join(dir, name)
		if !isAbs(file) {
			file = path.Join(p.Getcwd(), file)
		}
		wasm, errno := p.readProgram(file)
		if errno == wasix.ErrnoSuccess {
			return file, wasm, errno
		}
		if errno != wasix.ErrnoNoent && errno != wasix.ErrnoNotdir {
			failed = errno // as execvp: a file that exists but fails is reported
		}
	}
	if wasm := p.k.command(name); wasm != nil {
		return "/bin/" + name, wasm, wasix.ErrnoSuccess
	}
	return "", nil, failed
}

// readProgram reads a regular file of the process's namespace.
func (p *Process) readProgram(file string) ([]byte, wasix.Errno) {
	b, _, errno := p.readRegular(file)
	return b, errno
}

// readRegular reads a regular file of the process's namespace whole, and
// returns its stat from the descriptor read.
func (p *Process) readRegular(file string) ([]byte, vfs.Stat, wasix.Errno) {
	f, _, err := p.ns.Open("/", file, vfs.ORead, 0)
	if err != nil {
		return nil, vfs.Stat{}, ToErrno(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, vfs.Stat{}, ToErrno(err)
	}
	if st.Type != vfs.TypeRegular {
		return nil, vfs.Stat{}, wasix.ErrnoAcces
	}
	b, err := io.ReadAll(readerOf{f})
	if err != nil {
		return nil, vfs.Stat{}, ToErrno(err)
	}
	return b, st, wasix.ErrnoSuccess
}

// readerOf adapts a vfs.File to io.Reader.
type readerOf struct{ f vfs.File }

// Read reads from the file; a zero-length read at the end is io.EOF.
func (r readerOf) Read(b []byte) (int, error) {
	n, err := r.f.Read(b)
	if n == 0 && err == nil && len(b) > 0 {
		return 0, io.EOF
	}
	return n, err
}

// shebang parses a "#!interpreter [arg]" first line.
func shebang(b []byte) (interp, arg string, ok bool) {
	if !bytes.HasPrefix(b, []byte("#!")) {
		return "", "", false
	}
	line, _, _ := bytes.Cut(b[2:], []byte("\n"))
	fields := strings.Fields(string(line))
	if len(fields) == 0 {
		return "", "", false
	}
	if len(fields) > 1 {
		arg = strings.Join(fields[1:], " ")
	}
	return fields[0], arg, true
}

// Exec readies p for the program replacing its own (proc_exec): the
// descriptors marked close-on-exec are closed, the callbacks the old
// program registered forgotten, and the arguments and environment
// replaced. The pid, the parent, the other descriptors and
// the working directory stay. As POSIX asks, every other thread is ended
// first, and Exec waits for them, up to execGrace: a thread computing
// without calling the host, where compute interrupts are off, cannot be
// stopped, and is left to finish on the old program's instance, which
// the host keeps until its threads return.
func (p *Process) Exec(args, env []string) {
	stop := make(chan struct{})
	var once sync.Once
	end := func() { once.Do(func() { close(stop) }) }
	timer := time.AfterFunc(execGrace, end)
	defer timer.Stop()
	exited := p.Exited()
	go func() {
		// A kill during the wait ends it too.
		select {
		case <-exited:
			end()
		case <-stop:
		}
	}()
	p.EndOtherThreads(stop)
	end() // lets the goroutine go
	if p.rules().execClosesAll {
		// 2022 libc never passed close-on-exec to the host, and 2022
		// Wasmer closed all but these instead: a posix_spawn'ed echo
		// must not keep the write end of its parent's pipe open.
		p.fds.closeAllBut(func(fd int, e *fdEntry) bool { return fd <= 2 || e.isPreopen })
	} else {
		p.fds.closeOnExec()
	}
	// Callbacks name exports of the old program.
	p.thr.cb.mu.Lock()
	p.thr.cb.set = [numCallbacks]bool{}
	p.thr.cb.mu.Unlock()
	p.cfg.Args = args
	p.cfg.Env = env
}

// RunnerOr returns the installed runner, installing make() first if there
// is none.
func (k *Kernel) RunnerOr(make func() Runner) Runner {
	k.pt.mu.Lock()
	defer k.pt.mu.Unlock()
	if k.pt.runner == nil {
		k.pt.runner = make()
	}
	return k.pt.runner
}
