package kernel

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"testing"
	"time"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/vfs"
)

// fakeRunner "runs" a program by ending the process at once with the exit
// code given by the program's bytes (a one-byte program), or fails to
// compile anything that does not start with "ok".
type fakeRunner struct {
	started  []*Program
	preopens [][]string // of each started process
}

func (f *fakeRunner) Compile(wasm []byte) (any, error) {
	if len(wasm) < 3 || string(wasm[:2]) != "ok" {
		return nil, errors.New("not a program")
	}
	return wasm[2], nil
}

func (f *fakeRunner) Start(p *Process, prog *Program) error {
	f.started = append(f.started, prog)
	var pre []string
	for _, e := range p.fds.entries {
		if e != nil && e.isPreopen {
			pre = append(pre, e.preopen)
		}
	}
	f.preopens = append(f.preopens, pre)
	p.SetExit(uint32(prog.Code.(byte)))
	p.Close()
	return nil
}

func TestForkJoin(t *testing.T) {
	p := newProc(t, Config{}, ProcConfig{Args: []string{"a"}, Env: []string{"X=1"}})
	ctx := context.Background()
	_, _, _, errno := p.JoinChild(ctx, JoinAny, false)
	want(t, errno, wasix.ErrnoChild)

	c, errno := p.Fork()
	must(t, errno)
	if ppid, _ := c.ProcParent(c.Pid()); ppid != p.Pid() {
		t.Fatalf("parent %d, want %d", ppid, p.Pid())
	}
	if !slices.Equal(c.Env(), p.Env()) || !slices.Equal(c.Args(), p.Args()) || c.Getcwd() != p.Getcwd() {
		t.Fatal("the child does not have the parent's args, env and cwd")
	}
	// The open file description is shared: a pipe written by the child is
	// read by the parent.
	r, w, errno := p.Pipe(false)
	must(t, errno)
	c2, errno := p.Fork()
	must(t, errno)
	_, errno = c2.FdWrite(ctx, w, [][]byte{[]byte("hi")})
	must(t, errno)
	buf := make([]byte, 2)
	n, errno := p.FdRead(ctx, r, [][]byte{buf})
	must(t, errno)
	if string(buf[:n]) != "hi" {
		t.Fatalf("read %q", buf[:n])
	}

	_, _, found, errno := p.JoinChild(ctx, c.Pid(), true)
	must(t, errno)
	if found {
		t.Fatal("a running child was joined")
	}
	go func() {
		time.Sleep(10 * time.Millisecond)
		c.SetExit(5)
		c.Close()
	}()
	pid, st, found, errno := p.JoinChild(ctx, JoinAny, false)
	must(t, errno)
	if !found || pid != c.Pid() || st != (ExitStatus{Code: 5}) {
		t.Fatalf("joined %d %+v %v", pid, st, found)
	}
	// Joined once only.
	_, _, _, errno = p.JoinChild(ctx, c.Pid(), true)
	want(t, errno, wasix.ErrnoChild)

	c2.Signal(wasix.SignalKill)
	c2.Close()
	_, st, _, errno = p.JoinChild(ctx, c2.Pid(), false)
	must(t, errno)
	if st != (ExitStatus{Code: 137, Signal: wasix.SignalKill}) {
		t.Fatalf("killed child: %+v", st)
	}
	// A cancelled join says EINTR.
	c3, _ := p.Fork()
	defer c3.Close()
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, _, _, errno = p.JoinChild(cctx, c3.Pid(), false)
	want(t, errno, wasix.ErrnoIntr)
}

func TestOrphansGoToInit(t *testing.T) {
	init1 := newProc(t, Config{}, ProcConfig{})
	if init1.Pid() != 1 {
		t.Fatalf("first pid %d", init1.Pid())
	}
	mid, _ := init1.Fork()
	grand, _ := mid.Fork()
	mid.SetExit(0)
	mid.Close()
	if ppid, _ := grand.ProcParent(grand.Pid()); ppid != 1 {
		t.Fatalf("orphan's parent %d", ppid)
	}
	grand.SetExit(9)
	grand.Close()
	ctx := context.Background()
	seen := map[uint32]uint32{}
	for range 2 {
		pid, st, _, errno := init1.JoinChild(ctx, JoinAny, false)
		must(t, errno)
		seen[pid] = st.Code
	}
	if seen[mid.Pid()] != 0 || seen[grand.Pid()] != 9 || len(seen) != 2 {
		t.Fatalf("reaped %v", seen)
	}
}

func TestSignalProcesses(t *testing.T) {
	p := newProc(t, Config{}, ProcConfig{})
	a, _ := p.Fork()
	b, _ := p.Fork()
	defer a.Close()
	defer b.Close()
	want(t, p.SignalProcesses(999, wasix.SignalTerm), wasix.ErrnoSrch)
	want(t, p.SignalProcesses(int32(a.Pid()), 99), wasix.ErrnoInval)
	must(t, p.SignalProcesses(int32(a.Pid()), wasix.SignalNone))
	if _, dead := a.ExitCode(); dead {
		t.Fatal("signal 0 killed")
	}
	// The group of p (its own pid) holds a and b.
	must(t, p.SignalProcesses(-int32(p.Pid()), wasix.SignalTerm))
	for _, c := range []*Process{a, b} {
		if code, dead := c.ExitCode(); !dead || code != 143 || c.KilledBy() != wasix.SignalTerm {
			t.Fatalf("pid %d: %d %v", c.Pid(), code, dead)
		}
	}
}

func TestFindProgram(t *testing.T) {
	p := newProc(t, Config{}, ProcConfig{Env: []string{"PATH=/opt/bin:/usr/bin"}})
	r := &fakeRunner{}
	p.k.SetRunner(r)
	ns := p.Namespace()
	for _, d := range []string{"/opt", "/opt/bin"} {
		if err := ns.Mkdir("/", d, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			t.Fatal(err)
		}
	}
	write := func(name, content string) {
		f, _, err := ns.Open("/", name, vfs.OWrite|vfs.OCreate|vfs.OTrunc, 0o755)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(content))
		f.Close()
	}
	write("/opt/bin/tool", "ok\x03")
	write("/opt/bin/script", "#!/opt/bin/tool -x\necho\n")
	write("/opt/bin/junk", "junk")
	if err := p.k.AddCommand("cmd", []byte("ok\x04")); err != nil {
		t.Fatal(err)
	}
	if err := p.k.AddCommand("a/b", nil); err == nil {
		t.Fatal("a command name with a slash was accepted")
	}
	for _, tc := range []struct {
		name  string
		path  string
		args  []string
		errno wasix.Errno
	}{
		{"tool", "/opt/bin/tool", []string{"tool", "1"}, 0},
		{"/opt/bin/tool", "/opt/bin/tool", []string{"/opt/bin/tool", "1"}, 0},
		{"script", "/opt/bin/tool", []string{"/opt/bin/tool", "-x", "/opt/bin/script", "1"}, 0},
		{"cmd", "/usr/bin/cmd", []string{"cmd", "1"}, 0}, // the file AddCommand made, found on PATH
		{"junk", "", nil, wasix.ErrnoNoexec},
		{"missing", "", nil, wasix.ErrnoNoent},
	} {
		prog, errno := p.FindProgram(tc.name, []string{tc.name, "1"}, "")
		if errno != tc.errno {
			t.Fatalf("%s: errno %s, want %s", tc.name, errno.Name(), tc.errno.Name())
		}
		if errno == 0 && (prog.Path != tc.path || !slices.Equal(prog.Args, tc.args)) {
			t.Fatalf("%s: %s %q, want %s %q", tc.name, prog.Path, prog.Args, tc.path, tc.args)
		}
	}
	// Without the file, the table still answers.
	if _, errno := p.FindProgram("cmd", nil, "/nowhere"); errno != 0 {
		t.Fatalf("command table: %s", errno.Name())
	}
	st, err := ns.Stat("/", "/bin/cmd", true)
	if err != nil || st.Size != 3 {
		t.Fatalf("/bin/cmd: %v %+v", err, st)
	}
}

func TestSpawnAndExec(t *testing.T) {
	p := newProc(t, Config{}, ProcConfig{Env: []string{"A=1"}})
	r := &fakeRunner{}
	p.k.SetRunner(r)
	must(t, wasix.Errno(0))
	if err := p.k.AddCommand("seven", []byte("ok\x07")); err != nil {
		t.Fatal(err)
	}
	res, errno := p.Spawn(SpawnRequest{Name: "seven", Stdout: wasix.StdioModePiped, Stdin: wasix.StdioModeNull, Stderr: wasix.StdioModeInherit})
	must(t, errno)
	if res.Stdout < 0 || res.Stdin != -1 || res.Stderr != -1 {
		t.Fatalf("handles %+v", res)
	}
	_, st, _, errno := p.JoinChild(context.Background(), res.Pid, false)
	must(t, errno)
	if st.Code != 7 {
		t.Fatalf("status %+v", st)
	}
	// chroot: only the listed directories are open in the child.
	res, errno = p.Spawn(SpawnRequest{Name: "seven", Chroot: true, Preopens: []string{"/tmp"}})
	must(t, errno)
	if got := r.preopens[len(r.preopens)-1]; !slices.Equal(got, []string{"/tmp"}) {
		t.Fatalf("chroot child's preopens %q", got)
	}
	if got := r.preopens[0]; !slices.Equal(got, []string{"/"}) {
		t.Fatalf("child's preopens %q", got)
	}
	_, _, _, errno = p.JoinChild(context.Background(), res.Pid, false)
	must(t, errno)

	_, errno = p.Spawn(SpawnRequest{Name: "nothing"})
	want(t, errno, wasix.ErrnoNoent)
	_, errno = p.Spawn(SpawnRequest{Name: "seven", Stdout: 9})
	want(t, errno, wasix.ErrnoInval)
	if kids := p.Children(); len(kids) != 0 {
		t.Fatalf("failed spawns left children %v", kids)
	}

	// exec closes close-on-exec descriptors and keeps the others.
	keep, _, errno := p.Pipe(false)
	must(t, errno)
	gone, errno := p.FdDup2(keep, 0, true)
	must(t, errno)
	p.Exec([]string{"new"}, []string{"B=2"})
	if _, errno := p.FdFdflagsGet(gone); errno != wasix.ErrnoBadf {
		t.Fatal("a close-on-exec descriptor survived exec")
	}
	if _, errno := p.FdFdflagsGet(keep); errno != 0 {
		t.Fatal("exec closed a descriptor")
	}
	if !slices.Equal(p.Args(), []string{"new"}) || !slices.Equal(p.Env(), []string{"B=2"}) {
		t.Fatal("exec kept the old args or env")
	}
}

func TestJoinStopped(t *testing.T) {
	p := newProc(t, Config{}, ProcConfig{})
	c, _ := p.Fork()
	c.StartMainThread(context.Background())
	ctx := context.Background()
	_, _, found, _, errno := p.JoinChildStopped(ctx, JoinAny, true)
	must(t, errno)
	if found {
		t.Fatal("a running child was reported")
	}
	must(t, c.Signal(wasix.SignalStop))
	pid, st, found, stopped, errno := p.JoinChildStopped(ctx, JoinAny, false)
	must(t, errno)
	if !found || !stopped || pid != c.Pid() || st.Signal != wasix.SignalStop {
		t.Fatalf("got %d %+v %v %v", pid, st, found, stopped)
	}
	// Reported once per stop.
	if _, _, found, _, _ := p.JoinChildStopped(ctx, JoinAny, true); found {
		t.Fatal("the same stop was reported twice")
	}
	must(t, c.Signal(wasix.SignalCont))
	c.SetExit(0)
	c.Close()
	_, st, found, stopped, errno = p.JoinChildStopped(ctx, c.Pid(), false)
	must(t, errno)
	if !found || stopped || st.Code != 0 {
		t.Fatalf("exit after continue: %+v %v %v", st, found, stopped)
	}
}
