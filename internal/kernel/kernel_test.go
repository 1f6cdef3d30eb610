package kernel

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/vfs"
)

// newProc starts a process with / preopened at fd 3.
func newProc(t *testing.T, kc Config, pc ProcConfig) *Process {
	t.Helper()
	if pc.Preopens == nil {
		pc.Preopens = []Preopen{{GuestPath: "/"}}
	}
	p, err := New(kc).NewProcess(pc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

func must(t *testing.T, errno wasix.Errno) {
	t.Helper()
	if errno != wasix.ErrnoSuccess {
		t.Fatalf("errno %s", errno.Name())
	}
}

func want(t *testing.T, got, wantErr wasix.Errno) {
	t.Helper()
	if got != wantErr {
		t.Fatalf("errno %s, want %s", got.Name(), wantErr.Name())
	}
}

var ctx = context.Background()

func open(t *testing.T, p *Process, path string, o wasix.Oflags, base wasix.Rights) wasix.Fd {
	t.Helper()
	fd, errno := p.PathOpen(ctx, 3, OpenRequest{Follow: true, Path: path, Oflags: o, Base: base, Inh: base})
	must(t, errno)
	return fd
}

const rw = wasix.RightsFdRead | wasix.RightsFdWrite | wasix.RightsFdSeek | wasix.RightsFdTell |
	wasix.RightsFdFilestatGet | wasix.RightsFdReaddir | wasix.RightsPollFdReadwrite

func TestPidsAndContext(t *testing.T) {
	k := New(Config{})
	p1, _ := k.NewProcess(ProcConfig{})
	p2, _ := k.NewProcess(ProcConfig{})
	defer p1.Close()
	defer p2.Close()
	if p1.Pid() != 1 || p2.Pid() != 2 || p1.ThreadID() != 1 {
		t.Fatalf("pids %d %d", p1.Pid(), p2.Pid())
	}
	if pp, errno := p1.ProcParent(1); errno != 0 || pp != 0 {
		t.Fatalf("parent of 1: %d %v", pp, errno)
	}
	if _, errno := p1.ProcParent(99); errno != wasix.ErrnoSrch {
		t.Fatal(errno)
	}
	if ProcessFrom(WithProcess(ctx, p2)) != p2 || ProcessFrom(ctx) != nil {
		t.Fatal("context")
	}
	if _, ok := p1.ExitCode(); ok {
		t.Fatal("exited")
	}
	p1.SetExit(3)
	p1.SetExit(4)
	if c, ok := p1.ExitCode(); !ok || c != 3 {
		t.Fatal(c, ok)
	}
}

func TestLowestFreeAndLimit(t *testing.T) {
	p := newProc(t, Config{MaxFDs: 8}, ProcConfig{})
	a := open(t, p, "tmp/a", wasix.OflagsCreat, rw)
	b := open(t, p, "tmp/b", wasix.OflagsCreat, rw)
	if a != 4 || b != 5 {
		t.Fatalf("fds %d %d", a, b)
	}
	must(t, p.FdClose(a))
	want(t, p.FdClose(a), wasix.ErrnoBadf)
	if c := open(t, p, "tmp/c", wasix.OflagsCreat, rw); c != 4 {
		t.Fatalf("reused %d", c)
	}
	open(t, p, "tmp/d", wasix.OflagsCreat, rw)
	open(t, p, "tmp/e", wasix.OflagsCreat, rw)
	_, errno := p.PathOpen(ctx, 3, OpenRequest{Path: "tmp/f", Oflags: wasix.OflagsCreat, Base: rw})
	want(t, errno, wasix.ErrnoMfile)
	_, errno = p.FdDup(0)
	want(t, errno, wasix.ErrnoMfile)
}

func TestReadWriteSeekDup(t *testing.T) {
	p := newProc(t, Config{}, ProcConfig{})
	fd := open(t, p, "tmp/f", wasix.OflagsCreat|wasix.OflagsExcl, rw)
	n, errno := p.FdWrite(ctx, fd, [][]byte{[]byte("hello "), []byte("world")})
	must(t, errno)
	if n != 11 {
		t.Fatal(n)
	}
	d, errno := p.FdDup(fd)
	must(t, errno)
	off, errno := p.FdTell(d) // dup shares the offset
	must(t, errno)
	if off != 11 {
		t.Fatal(off)
	}
	_, errno = p.FdSeek(fd, 6, wasix.WhenceSet)
	must(t, errno)
	buf := make([]byte, 3)
	buf2 := make([]byte, 10)
	n, errno = p.FdRead(ctx, d, [][]byte{buf, buf2})
	must(t, errno)
	if n != 5 || string(buf)+string(buf2[:2]) != "world" {
		t.Fatalf("%d %q %q", n, buf, buf2)
	}
	n, errno = p.FdPread(fd, [][]byte{buf}, 0)
	must(t, errno)
	if n != 3 || string(buf) != "hel" {
		t.Fatal(n, string(buf))
	}
	_, errno = p.FdPread(0, [][]byte{buf}, 0)
	want(t, errno, wasix.ErrnoNotcapable) // streams hold no fd_seek right
	_, errno = p.FdSeek(fd, 0, 7)
	want(t, errno, wasix.ErrnoInval)
	// O_EXCL on an existing file.
	_, errno = p.PathOpen(ctx, 3, OpenRequest{Path: "tmp/f", Oflags: wasix.OflagsCreat | wasix.OflagsExcl, Base: rw})
	want(t, errno, wasix.ErrnoExist)
	// trunc
	t2 := open(t, p, "tmp/f", wasix.OflagsTrunc, rw)
	st, errno := p.FdFilestatGet(t2)
	must(t, errno)
	if st.Size != 0 || st.Type != vfs.TypeRegular {
		t.Fatal(st)
	}
	// directory flag on a file
	_, errno = p.PathOpen(ctx, 3, OpenRequest{Path: "tmp/f", Oflags: wasix.OflagsDirectory, Base: rw})
	want(t, errno, wasix.ErrnoNotdir)
	// writing a directory
	_, errno = p.PathOpen(ctx, 3, OpenRequest{Path: "tmp", Base: rw})
	want(t, errno, wasix.ErrnoIsdir)
}

func TestRights(t *testing.T) {
	p := newProc(t, Config{}, ProcConfig{})
	fd := open(t, p, "tmp/r", wasix.OflagsCreat, rw)
	st, _ := p.FdFdstatGet(fd)
	if st.FsRightsBase != rw&rightsFileBase || st.FsFiletype != wasix.FiletypeRegularFile {
		t.Fatalf("%+v", st)
	}
	must(t, p.FdFdstatSetRights(fd, wasix.RightsFdRead|wasix.RightsFdSeek, 0))
	_, errno := p.FdWrite(ctx, fd, [][]byte{[]byte("x")})
	want(t, errno, wasix.ErrnoNotcapable)
	_, errno = p.FdTell(fd)
	want(t, errno, wasix.ErrnoNotcapable)
	// widening fails
	want(t, p.FdFdstatSetRights(fd, wasix.RightsFdRead|wasix.RightsFdWrite, 0), wasix.ErrnoNotcapable)
	// a directory's inheriting rights bound what opens through it get
	dir, errno := p.PathOpen(ctx, 3, OpenRequest{Path: "tmp", Oflags: wasix.OflagsDirectory, Base: rightsDirBase, Inh: rightsDirBase | rw})
	must(t, errno)
	must(t, p.FdFdstatSetRights(dir, rightsDirBase, wasix.RightsFdRead))
	f, errno := p.PathOpen(ctx, dir, OpenRequest{Path: "r", Base: rw, Inh: rw})
	must(t, errno)
	st, _ = p.FdFdstatGet(f)
	if st.FsRightsBase != wasix.RightsFdRead {
		t.Fatalf("%x", st.FsRightsBase)
	}
	// no path_create_file: no O_CREAT
	must(t, p.FdFdstatSetRights(dir, wasix.RightsPathOpen, wasix.RightsFdRead))
	_, errno = p.PathOpen(ctx, dir, OpenRequest{Path: "new", Oflags: wasix.OflagsCreat, Base: rw})
	want(t, errno, wasix.ErrnoNotcapable)
	want(t, p.PathCreateDirectory(dir, "x"), wasix.ErrnoNotcapable)
	// escapes
	_, errno = p.PathOpen(ctx, dir, OpenRequest{Path: "../etc", Base: wasix.RightsFdRead})
	want(t, errno, wasix.ErrnoNotcapable)
	_, errno = p.PathOpen(ctx, dir, OpenRequest{Path: "/etc", Base: wasix.RightsFdRead})
	want(t, errno, wasix.ErrnoNotcapable)
	want(t, p.PathCreateDirectory(fd, "x"), wasix.ErrnoNotdir) // a file is no directory, as Linux's mkdirat
	want(t, p.PathCreateDirectory(99, "x"), wasix.ErrnoBadf)
}

func TestReaddirCookies(t *testing.T) {
	p := newProc(t, Config{}, ProcConfig{})
	must(t, p.PathCreateDirectory(3, "tmp/d"))
	for _, n := range []string{"b", "a", "c"} {
		open(t, p, "tmp/d/"+n, wasix.OflagsCreat, rw)
	}
	d := open(t, p, "tmp/d", wasix.OflagsDirectory, wasix.RightsFdReaddir)
	ents, errno := p.FdReaddir(d, 0)
	must(t, errno)
	var names []string
	for i, e := range ents {
		names = append(names, e.Name)
		if e.Next != uint64(i+1) {
			t.Fatal("cookie", e)
		}
	}
	if strings.Join(names, " ") != ". .. a b c" {
		t.Fatal(names)
	}
	ents, _ = p.FdReaddir(d, 3)
	if len(ents) != 2 || ents[0].Name != "b" || ents[0].Type != wasix.FiletypeRegularFile {
		t.Fatal(ents)
	}
	ents, _ = p.FdReaddir(d, 9)
	if len(ents) != 0 {
		t.Fatal(ents)
	}
	_, errno = p.FdReaddir(0, 0)
	want(t, errno, wasix.ErrnoNotdir)
}

func TestPathCalls(t *testing.T) {
	p := newProc(t, Config{}, ProcConfig{})
	open(t, p, "tmp/f", wasix.OflagsCreat, rw)
	must(t, p.PathSymlink("f", 3, "tmp/l"))
	st, errno := p.PathFilestatGet(3, false, "tmp/l")
	must(t, errno)
	if st.Type != vfs.TypeSymlink {
		t.Fatal(st)
	}
	st, _ = p.PathFilestatGet(3, true, "tmp/l")
	if st.Type != vfs.TypeRegular {
		t.Fatal(st)
	}
	s, errno := p.PathReadlink(3, "tmp/l")
	must(t, errno)
	if s != "f" {
		t.Fatal(s)
	}
	must(t, p.PathLink(3, false, "tmp/f", 3, "tmp/h"))
	st, _ = p.PathFilestatGet(3, false, "tmp/f")
	if st.Nlink != 2 {
		t.Fatal(st.Nlink)
	}
	must(t, p.PathRename(3, "tmp/h", 3, "tmp/h2"))
	must(t, p.PathUnlinkFile(3, "tmp/h2"))
	want(t, p.PathUnlinkFile(3, "tmp"), wasix.ErrnoIsdir)
	must(t, p.PathCreateDirectory(3, "tmp/dd"))
	want(t, p.PathCreateDirectory(3, "tmp/dd"), wasix.ErrnoExist)
	must(t, p.PathRemoveDirectory(3, "tmp/dd"))
	want(t, p.PathRemoveDirectory(3, "tmp/dd"), wasix.ErrnoNoent)
	must(t, p.PathFilestatSetTimes(3, true, "tmp/f", 1000, 2000, wasix.FstflagsAtim|wasix.FstflagsMtim))
	st, _ = p.PathFilestatGet(3, true, "tmp/f")
	if st.Atim != 1000 || st.Mtim != 2000 {
		t.Fatal(st)
	}
	want(t, p.PathFilestatSetTimes(3, true, "tmp/f", 0, 0, wasix.FstflagsAtim|wasix.FstflagsAtimNow), wasix.ErrnoInval)
	// chdir / getcwd
	must(t, p.Chdir("/tmp"))
	if p.Getcwd() != "/tmp" {
		t.Fatal(p.Getcwd())
	}
	must(t, p.Chdir(".."))
	if p.Getcwd() != "/" {
		t.Fatal(p.Getcwd())
	}
	must(t, p.Chdir("tmp"))
	want(t, p.Chdir("f"), wasix.ErrnoNotdir)
	want(t, p.Chdir("nope"), wasix.ErrnoNoent)
}

func TestPreopensAndRenumber(t *testing.T) {
	// 2022's fd_renumber moves a descriptor, preopens too, onto any number.
	p := newProc(t, Config{}, ProcConfig{ABI: ABIWasix2022, Preopens: []Preopen{{GuestPath: "/"}, {GuestPath: "/tmp", Name: "."}}})
	name, errno := p.Prestat(4)
	must(t, errno)
	if name != "." {
		t.Fatal(name)
	}
	_, errno = p.Prestat(1)
	want(t, errno, wasix.ErrnoBadf)
	f := open(t, p, "tmp/x", wasix.OflagsCreat, rw)
	want(t, p.FdRenumber(f, 1<<20), wasix.ErrnoBadf)
	want(t, p.FdRenumber(77, f), wasix.ErrnoBadf)
	must(t, p.FdRenumber(f, 40)) // a free target, as dup2 wants
	must(t, p.FdRenumber(40, f))
	must(t, p.FdRenumber(4, f))
	if name, _ := p.Prestat(f); name != "." {
		t.Fatal(name)
	}
	_, errno = p.Prestat(4)
	want(t, errno, wasix.ErrnoBadf)
	if _, err := New(Config{}).NewProcess(ProcConfig{Preopens: []Preopen{{GuestPath: "/nope"}}}); err == nil {
		t.Fatal("bad preopen accepted")
	}
}

func TestStdio(t *testing.T) {
	var out, errb bytes.Buffer
	p := newProc(t, Config{}, ProcConfig{Stdin: strings.NewReader("input"), Stdout: &out, Stderr: &errb})
	buf := make([]byte, 10)
	n, errno := p.FdRead(ctx, 0, [][]byte{buf})
	must(t, errno)
	if string(buf[:n]) != "input" {
		t.Fatal(string(buf[:n]))
	}
	n, errno = p.FdRead(ctx, 0, [][]byte{buf})
	must(t, errno)
	if n != 0 {
		t.Fatal("not EOF")
	}
	p.FdWrite(ctx, 1, [][]byte{[]byte("out")})
	p.FdWrite(ctx, 2, [][]byte{[]byte("err")})
	if out.String() != "out" || errb.String() != "err" {
		t.Fatal(out.String(), errb.String())
	}
	_, errno = p.FdWrite(ctx, 0, [][]byte{buf})
	want(t, errno, wasix.ErrnoNotcapable)
	// /dev/stdout shares descriptor 1
	fd, errno := p.PathOpen(ctx, 3, OpenRequest{Path: "dev/stdout", Base: rw})
	must(t, errno)
	p.FdWrite(ctx, fd, [][]byte{[]byte("!")})
	if out.String() != "out!" {
		t.Fatal(out.String())
	}
	st, _ := p.FdFdstatGet(1)
	if st.FsFiletype != wasix.FiletypeUnknown {
		t.Fatal("not a terminal:", st.FsFiletype)
	}
}

func TestStdinNonblockAndPoll(t *testing.T) {
	pr, pw := io.Pipe()
	p := newProc(t, Config{}, ProcConfig{Stdin: pr})
	must(t, p.FdFdstatSetFlags(0, wasix.FdflagsNonblock))
	_, errno := p.FdRead(ctx, 0, [][]byte{make([]byte, 4)})
	want(t, errno, wasix.ErrnoAgain)
	go func() {
		time.Sleep(20 * time.Millisecond)
		pw.Write([]byte("hi"))
	}()
	evs, errno := p.PollOneoff(ctx, []Subscription{
		{Userdata: 1, Type: wasix.EventtypeFdRead, Fd: 0},
		{Userdata: 2, Type: wasix.EventtypeClock, Clock: wasix.ClockidMonotonic, Timeout: uint64(10 * time.Second)},
	})
	must(t, errno)
	if len(evs) != 1 || evs[0].Userdata != 1 || evs[0].Nbytes != 2 {
		t.Fatalf("%+v", evs)
	}
	pw.Close()
}

func TestPipes(t *testing.T) {
	p := newProc(t, Config{}, ProcConfig{})
	r, w, errno := p.Pipe(false)
	must(t, errno)
	_, errno = p.FdWrite(ctx, r, [][]byte{[]byte("x")})
	want(t, errno, wasix.ErrnoNotcapable)
	_, errno = p.FdRead(ctx, w, [][]byte{make([]byte, 1)})
	want(t, errno, wasix.ErrnoNotcapable)

	// A blocked reader is woken by a writer.
	done := make(chan string)
	go func() {
		b := make([]byte, 8)
		n, _ := p.FdRead(ctx, r, [][]byte{b})
		done <- string(b[:n])
	}()
	time.Sleep(10 * time.Millisecond)
	p.FdWrite(ctx, w, [][]byte{[]byte("ping")})
	if s := <-done; s != "ping" {
		t.Fatal(s)
	}

	// Full pipe: nonblocking writes stop at 64 KiB, a blocking one waits.
	must(t, p.FdFdstatSetFlags(w, wasix.FdflagsNonblock))
	big := make([]byte, 100<<10)
	n, errno := p.FdWrite(ctx, w, [][]byte{big})
	must(t, errno)
	if n != pipeCapacity {
		t.Fatal(n)
	}
	_, errno = p.FdWrite(ctx, w, [][]byte{big})
	want(t, errno, wasix.ErrnoAgain)
	evs, _ := p.PollOneoff(ctx, []Subscription{
		{Userdata: 1, Type: wasix.EventtypeFdWrite, Fd: w},
		{Userdata: 2, Type: wasix.EventtypeClock, Timeout: uint64(20 * time.Millisecond)},
	})
	if len(evs) != 1 || evs[0].Userdata != 2 {
		t.Fatalf("full pipe writable: %+v", evs)
	}
	must(t, p.FdFdstatSetFlags(w, 0))
	wrote := make(chan uint32)
	go func() {
		n, _ := p.FdWrite(ctx, w, [][]byte{make([]byte, 1000)})
		wrote <- n
	}()
	select {
	case <-wrote:
		t.Fatal("write into a full pipe did not block")
	case <-time.After(20 * time.Millisecond):
	}
	drain := make([]byte, pipeCapacity)
	total := 0
	for total < pipeCapacity+1000 {
		n, errno := p.FdRead(ctx, r, [][]byte{drain})
		must(t, errno)
		total += int(n)
	}
	if n := <-wrote; n != 1000 {
		t.Fatal(n)
	}

	// EOF once the write end is closed; EPIPE once the read end is.
	must(t, p.FdClose(w))
	n, errno = p.FdRead(ctx, r, [][]byte{drain})
	if errno != 0 || n != 0 {
		t.Fatal(n, errno)
	}
	r2, w2, _ := p.Pipe(false)
	must(t, p.FdClose(r2))
	_, errno = p.FdWrite(ctx, w2, [][]byte{[]byte("x")})
	want(t, errno, wasix.ErrnoPipe)

	// Two-way pipes: each end reads what the other wrote.
	a, b, _ := p.Pipe(true)
	p.FdWrite(ctx, a, [][]byte{[]byte("to b")})
	p.FdWrite(ctx, b, [][]byte{[]byte("to a")})
	buf := make([]byte, 8)
	n, _ = p.FdRead(ctx, b, [][]byte{buf})
	if string(buf[:n]) != "to b" {
		t.Fatal(string(buf[:n]))
	}
	n, _ = p.FdRead(ctx, a, [][]byte{buf})
	if string(buf[:n]) != "to a" {
		t.Fatal(string(buf[:n]))
	}
}

func TestBlockedReadEndsWithContext(t *testing.T) {
	p := newProc(t, Config{}, ProcConfig{})
	r, _, _ := p.Pipe(false)
	c, cancel := context.WithCancel(ctx)
	go func() { time.Sleep(10 * time.Millisecond); cancel() }()
	_, errno := p.FdRead(c, r, [][]byte{make([]byte, 1)})
	want(t, errno, wasix.ErrnoIntr)
}

func u64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

func TestEventFD(t *testing.T) {
	p := newProc(t, Config{}, ProcConfig{})
	fd, errno := p.EventFD(2, wasix.EventfdflagsSemaphore)
	must(t, errno)
	buf := make([]byte, 8)
	for range 2 {
		n, errno := p.FdRead(ctx, fd, [][]byte{buf})
		must(t, errno)
		if n != 8 || binary.LittleEndian.Uint64(buf) != 1 {
			t.Fatal(buf)
		}
	}
	must(t, p.FdFdstatSetFlags(fd, wasix.FdflagsNonblock))
	_, errno = p.FdRead(ctx, fd, [][]byte{buf})
	want(t, errno, wasix.ErrnoAgain)
	_, errno = p.FdRead(ctx, fd, [][]byte{buf[:4]})
	want(t, errno, wasix.ErrnoInval)

	c, errno := p.EventFD(0, 0)
	must(t, errno)
	go func() {
		time.Sleep(10 * time.Millisecond)
		p.FdWrite(ctx, c, [][]byte{u64(5)})
		p.FdWrite(ctx, c, [][]byte{u64(7)})
	}()
	evs, _ := p.PollOneoff(ctx, []Subscription{{Userdata: 9, Type: wasix.EventtypeFdRead, Fd: c}})
	if len(evs) != 1 || evs[0].Userdata != 9 {
		t.Fatal(evs)
	}
	time.Sleep(20 * time.Millisecond)
	p.FdRead(ctx, c, [][]byte{buf})
	if v := binary.LittleEndian.Uint64(buf); v != 12 {
		t.Fatal(v)
	}
	_, errno = p.FdWrite(ctx, c, [][]byte{u64(1<<64 - 1)})
	want(t, errno, wasix.ErrnoInval)
}

func TestPollClocks(t *testing.T) {
	p := newProc(t, Config{}, ProcConfig{})
	_, errno := p.PollOneoff(ctx, nil)
	want(t, errno, wasix.ErrnoInval)
	start := time.Now()
	evs, errno := p.PollOneoff(ctx, []Subscription{
		{Userdata: 1, Type: wasix.EventtypeClock, Clock: wasix.ClockidMonotonic, Timeout: uint64(30 * time.Millisecond)},
		{Userdata: 2, Type: wasix.EventtypeClock, Clock: wasix.ClockidMonotonic, Timeout: uint64(time.Hour)},
	})
	must(t, errno)
	if el := time.Since(start); el < 30*time.Millisecond || el > 5*time.Second {
		t.Fatal(el)
	}
	if len(evs) != 1 || evs[0].Userdata != 1 || evs[0].Type != wasix.EventtypeClock {
		t.Fatal(evs)
	}
	// absolute realtime
	now, _ := p.ClockTimeGet(wasix.ClockidRealtime)
	start = time.Now()
	evs, _ = p.PollOneoff(ctx, []Subscription{{Userdata: 3, Type: wasix.EventtypeClock, Clock: wasix.ClockidRealtime,
		Timeout: now + uint64(30*time.Millisecond), Abstime: true}})
	if el := time.Since(start); el < 20*time.Millisecond || len(evs) != 1 {
		t.Fatal(el, evs)
	}
	// absolute monotonic in the past fires at once
	evs, _ = p.PollOneoff(ctx, []Subscription{{Userdata: 4, Type: wasix.EventtypeClock, Clock: wasix.ClockidMonotonic, Abstime: true}})
	if len(evs) != 1 {
		t.Fatal(evs)
	}
	// bad fd and bad clock give error events at once
	evs, errno = p.PollOneoff(ctx, []Subscription{
		{Userdata: 5, Type: wasix.EventtypeFdRead, Fd: 42},
		{Userdata: 6, Type: wasix.EventtypeClock, Clock: wasix.ClockidProcessCputimeId, Timeout: 1},
	})
	must(t, errno)
	if len(evs) != 2 || evs[0].Errno != wasix.ErrnoBadf || evs[1].Errno != wasix.ErrnoInval {
		t.Fatal(evs)
	}
	// files are always ready
	f := open(t, p, "tmp/pf", wasix.OflagsCreat, rw)
	p.FdWrite(ctx, f, [][]byte{[]byte("abc")})
	p.FdSeek(f, 1, wasix.WhenceSet)
	evs, _ = p.PollOneoff(ctx, []Subscription{{Userdata: 7, Type: wasix.EventtypeFdRead, Fd: f}})
	if len(evs) != 1 || evs[0].Nbytes != 2 {
		t.Fatal(evs)
	}
}

func TestClocks(t *testing.T) {
	p := newProc(t, Config{}, ProcConfig{})
	a, _ := p.ClockTimeGet(wasix.ClockidMonotonic)
	b, _ := p.ClockTimeGet(wasix.ClockidMonotonic)
	if b < a {
		t.Fatal("monotonic went back")
	}
	if r, _ := p.ClockTimeGet(wasix.ClockidRealtime); time.Duration(uint64(time.Now().UnixNano())-r).Abs() > time.Minute {
		t.Fatal(r)
	}
	_, errno := p.ClockTimeGet(wasix.ClockidThreadCputimeId)
	want(t, errno, wasix.ErrnoInval)
	testProcessCPUClock(t, p)
	want(t, p.ClockTimeSet(wasix.ClockidRealtime, 0), wasix.ErrnoPerm)
	want(t, p.ClockTimeSet(wasix.ClockidMonotonic, 0), wasix.ErrnoInval)

	q := newProc(t, Config{AllowClockSet: true}, ProcConfig{})
	must(t, q.ClockTimeSet(wasix.ClockidRealtime, uint64(1e18)))
	if r, _ := q.ClockTimeGet(wasix.ClockidRealtime); r < 1e18 || r > 1e18+uint64(time.Minute) {
		t.Fatal(r)
	}
}

func TestTTYWithoutTerminal(t *testing.T) {
	p := newProc(t, Config{}, ProcConfig{})
	s, errno := p.TTYGet()
	must(t, errno)
	if s.StdinTTY || s.Cols != 80 || s.Rows != 25 || !s.Echo || !s.LineBuffered {
		t.Fatalf("%+v", s)
	}
	s.Echo, s.Cols, s.Rows = false, 100, 40
	must(t, p.TTYSet(s))
	s, _ = p.TTYGet()
	if s.Echo || s.Cols != 100 || s.Rows != 40 {
		t.Fatalf("not kept: %+v", s)
	}
}

func TestDupAndFlags(t *testing.T) {
	p := newProc(t, Config{}, ProcConfig{})
	d, errno := p.FdDup2(1, 10, true)
	must(t, errno)
	if d != 10 {
		t.Fatal(d)
	}
	if f, _ := p.FdFdflagsGet(d); f != FdflagsextCloexec {
		t.Fatal(f)
	}
	must(t, p.FdFdflagsSet(d, 0))
	if f, _ := p.FdFdflagsGet(d); f != 0 {
		t.Fatal(f)
	}
	want(t, p.FdFdflagsSet(d, 2), wasix.ErrnoInval)
	_, errno = p.FdDup(77)
	want(t, errno, wasix.ErrnoBadf)
	want(t, p.NotSocket(1), wasix.ErrnoNotsock)
}

func TestToErrno(t *testing.T) {
	if ToErrno(vfs.ErrNotCapable) != wasix.ErrnoNotcapable || ToErrno(nil) != 0 ||
		ToErrno(errors.New("x")) != wasix.ErrnoIo || ToErrno(context.Canceled) != wasix.ErrnoIntr {
		t.Fatal("mapping")
	}
}

func TestTruncRight(t *testing.T) {
	p := newProc(t, Config{}, ProcConfig{})
	dir, errno := p.PathOpen(ctx, 3, OpenRequest{Path: "tmp", Oflags: wasix.OflagsDirectory,
		Base: rightsDirBase &^ wasix.RightsPathFilestatSetSize, Inh: rw})
	must(t, errno)
	_, errno = p.PathOpen(ctx, dir, OpenRequest{Path: "t", Oflags: wasix.OflagsCreat | wasix.OflagsTrunc, Base: rw})
	must(t, errno)
	_, errno = p.PathOpen(ctx, dir, OpenRequest{Path: "t", Oflags: wasix.OflagsTrunc, Base: wasix.RightsFdRead})
	want(t, errno, wasix.ErrnoNotcapable)
}

func TestPipeSmallWritesAreAtomic(t *testing.T) {
	p := newProc(t, Config{}, ProcConfig{})
	r, w, _ := p.Pipe(false)
	must(t, p.FdFdstatSetFlags(w, wasix.FdflagsNonblock))
	n, errno := p.FdWrite(ctx, w, [][]byte{make([]byte, pipeCapacity-10)})
	must(t, errno)
	if n != pipeCapacity-10 {
		t.Fatal(n)
	}
	// 20 bytes do not fit in the 10 left: nothing is written.
	_, errno = p.FdWrite(ctx, w, [][]byte{make([]byte, 12), make([]byte, 8)})
	want(t, errno, wasix.ErrnoAgain)
	p.FdRead(ctx, r, [][]byte{make([]byte, 100)})
	n, errno = p.FdWrite(ctx, w, [][]byte{make([]byte, 12), make([]byte, 8)})
	must(t, errno)
	if n != 20 {
		t.Fatal(n)
	}
}

func TestOpenDirectoryFollowsRename(t *testing.T) {
	p := newProc(t, Config{}, ProcConfig{})
	must(t, p.PathCreateDirectory(3, "tmp/a"))
	must(t, p.PathCreateDirectory(3, "tmp/a/sub"))
	open(t, p, "tmp/a/sub/f", wasix.OflagsCreat, rw)
	d := open(t, p, "tmp/a/sub", wasix.OflagsDirectory, rightsDirBase)
	must(t, p.Chdir("/tmp/a/sub"))
	must(t, p.PathRename(3, "tmp/a", 3, "tmp/b"))
	if _, errno := p.PathFilestatGet(d, false, "f"); errno != 0 {
		t.Fatal("directory lost after rename:", errno.Name())
	}
	if p.Getcwd() != "/tmp/b/sub" {
		t.Fatal(p.Getcwd())
	}
	must(t, p.FdClose(d))
	if len(p.k.dirs) != 1 { // the preopen
		t.Fatal(len(p.k.dirs))
	}
}

func TestPollHangup(t *testing.T) {
	p := newProc(t, Config{}, ProcConfig{})
	r, w, _ := p.Pipe(false)
	go func() {
		time.Sleep(10 * time.Millisecond)
		p.FdClose(w)
	}()
	evs, errno := p.PollOneoff(ctx, []Subscription{{Userdata: 1, Type: wasix.EventtypeFdRead, Fd: r}})
	must(t, errno)
	if len(evs) != 1 || !evs[0].Hangup || evs[0].Nbytes != 0 {
		t.Fatalf("%+v", evs)
	}
	r2, w2, _ := p.Pipe(false)
	must(t, p.FdClose(r2))
	evs, _ = p.PollOneoff(ctx, []Subscription{{Userdata: 2, Type: wasix.EventtypeFdWrite, Fd: w2}})
	if len(evs) != 1 || !evs[0].Hangup {
		t.Fatalf("%+v", evs)
	}
	// poll ends with the context
	r3, _, _ := p.Pipe(false)
	c, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	_, errno = p.PollOneoff(c, []Subscription{{Type: wasix.EventtypeFdRead, Fd: r3}})
	want(t, errno, wasix.ErrnoIntr)
}

// Threads of one program share the table: opens, dups, closes and writes
// from many goroutines must keep it consistent (run with -race).
func TestConcurrentTable(t *testing.T) {
	p := newProc(t, Config{MaxFDs: 256}, ProcConfig{})
	done := make(chan bool)
	for g := range 8 {
		go func() {
			defer func() { done <- true }()
			for i := range 50 {
				fd, errno := p.PathOpen(ctx, 3, OpenRequest{Path: "tmp/c" + string(rune('a'+g)), Oflags: wasix.OflagsCreat, Base: rw})
				if errno != 0 {
					t.Error(errno.Name())
					return
				}
				d, _ := p.FdDup(fd)
				p.FdWrite(ctx, d, [][]byte{[]byte{byte(i)}})
				r, w, _ := p.Pipe(false)
				p.FdWrite(ctx, w, [][]byte{[]byte("x")})
				p.FdRead(ctx, r, [][]byte{make([]byte, 1)})
				for _, f := range []wasix.Fd{fd, d, r, w} {
					if errno := p.FdClose(f); errno != 0 {
						t.Error("close", f, errno.Name())
					}
				}
			}
		}()
	}
	for range 8 {
		<-done
	}
	if p.fds.count != 4 { // stdio and the preopen
		t.Fatal(p.fds.count)
	}
}

// chanReader returns one queued string per Read, blocking until one comes.
type chanReader chan string

func (c chanReader) Read(p []byte) (int, error) { return copy(p, <-c), nil }

func TestStdinStopsWithTheProcess(t *testing.T) {
	in := make(chanReader, 4)
	p, _ := New(Config{}).NewProcess(ProcConfig{Stdin: in})
	in <- "one"
	buf := make([]byte, 8)
	if n, _ := p.FdRead(ctx, 0, [][]byte{buf}); string(buf[:n]) != "one" {
		t.Fatal(string(buf[:n]))
	}
	// The goroutine now waits in Read for the next chunk; after Close it
	// may finish that read but must not start another.
	p.Close()
	in <- "two"
	in <- "three"
	time.Sleep(20 * time.Millisecond)
	if len(in) != 1 {
		t.Fatalf("%d chunks left, want 1", len(in))
	}
}

// testProcessCPUClock checks the process CPU-time clock: it advances with
// work done, never goes back, and a forked child's starts again from zero.
func testProcessCPUClock(t *testing.T, p *Process) {
	t.Helper()
	if _, ok := hostCPUTime(); !ok {
		_, errno := p.ClockTimeGet(wasix.ClockidProcessCputimeId)
		want(t, errno, wasix.ErrnoInval)
		return
	}
	a, errno := p.ClockTimeGet(wasix.ClockidProcessCputimeId)
	must(t, errno)
	if r, errno := p.ClockResGet(wasix.ClockidProcessCputimeId); errno != wasix.ErrnoSuccess || r == 0 {
		t.Fatal(r, errno)
	}
	// Spin until the host has charged at least 5 ms of CPU to this
	// process: however loaded the machine, the loop ends.
	base, _ := hostCPUTime()
	for n, _ := hostCPUTime(); n-base < 5e6; n, _ = hostCPUTime() {
	}
	b, _ := p.ClockTimeGet(wasix.ClockidProcessCputimeId)
	if b < a+5e6 {
		t.Fatalf("process CPU clock went from %d to %d over 5 ms of work", a, b)
	}
	c, errno := p.Fork()
	must(t, errno)
	if v, _ := c.ClockTimeGet(wasix.ClockidProcessCputimeId); v >= b {
		t.Fatalf("a forked child's CPU clock starts at %d, its parent's is at %d", v, b)
	}
}
