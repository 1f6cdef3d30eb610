package abi

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental/wazerotest"
	"github.com/tetratelabs/wazero/sys"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

// env is a process with a fake guest module of one page of memory.
type env struct {
	t   *testing.T
	ctx context.Context
	p   *kernel.Process
	mem *wazerotest.Memory
	mod *wazerotest.Module
	out *bytes.Buffer
}

func newEnv(t *testing.T, pc kernel.ProcConfig) *env {
	t.Helper()
	out := &bytes.Buffer{}
	if pc.Stdout == nil {
		pc.Stdout = out
	}
	if pc.Preopens == nil {
		pc.Preopens = []kernel.Preopen{{GuestPath: "/"}}
	}
	p, err := kernel.New(kernel.Config{}).NewProcess(pc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	mem := wazerotest.NewFixedMemory(wazerotest.PageSize)
	return &env{t: t, ctx: kernel.WithProcess(context.Background(), p), p: p, mem: mem, mod: wazerotest.NewModule(mem), out: out}
}

// call runs the handler of name in gen with params and returns the errno.
func (e *env) call(gen Generation, name string, params ...uint64) wasix.Errno {
	e.t.Helper()
	h := handlerFor(gen, name)
	if h == nil {
		e.t.Fatalf("no handler for %s in %s", name, gen)
	}
	stack := make([]uint64, max(len(params), 1))
	copy(stack, params)
	h(e.ctx, e.mod, stack)
	return wasix.Errno(uint32(stack[0]))
}

func (e *env) must(errno wasix.Errno) {
	e.t.Helper()
	if errno != wasix.ErrnoSuccess {
		e.t.Fatalf("errno %s", errno.Name())
	}
}

func (e *env) want(got, want wasix.Errno) {
	e.t.Helper()
	if got != want {
		e.t.Fatalf("errno %s, want %s", got.Name(), want.Name())
	}
}

func (e *env) put(ptr uint32, b []byte) { copy(e.mem.Bytes[ptr:], b) }
func (e *env) u32(ptr uint32) uint32    { return binary.LittleEndian.Uint32(e.mem.Bytes[ptr:]) }
func (e *env) u64(ptr uint32) uint64    { return binary.LittleEndian.Uint64(e.mem.Bytes[ptr:]) }
func (e *env) setU32(ptr, v uint32)     { binary.LittleEndian.PutUint32(e.mem.Bytes[ptr:], v) }

// iov writes an iovec array of one region at ptr.
func (e *env) iov(ptr, buf, n uint32) {
	e.setU32(ptr, buf)
	e.setU32(ptr+4, n)
}

// open opens path from the preopen at fd 3 with all file rights and
// returns the new descriptor.
func (e *env) open(path string, oflags wasix.Oflags) uint32 {
	e.t.Helper()
	e.put(1000, []byte(path))
	all := uint64(1<<29 - 1)
	if oflags&wasix.OflagsDirectory != 0 {
		all &^= uint64(wasix.RightsFdWrite) // directories refuse write access
	}
	e.must(e.call(Preview1, "path_open", 3, 1, 1000, uint64(len(path)), uint64(oflags), all, all, 0, 900))
	return e.u32(900)
}

func TestEveryPreview1CallHasAHandler(t *testing.T) {
	for _, g := range []Generation{Preview1, Wasix2022, WasixSeed} {
		for _, f := range SpecOf(Preview1).Funcs {
			if SpecOf(g).Func(f.Name) == nil {
				continue
			}
			h := handlerFor(g, f.Name)
			if h == nil && (g == Preview1 || sameSig(SpecOf(g).Func(f.Name), &f)) {
				t.Errorf("%s: no handler for %s", g, f.Name)
			}
		}
	}
	for _, name := range []string{"fd_dup", "fd_event", "fd_pipe", "tty_get", "tty_set", "getcwd", "chdir",
		"clock_time_set", "proc_id", "proc_parent", "thread_id", "thread_parallelism", "sched_yield"} {
		for _, g := range []Generation{Wasix2022, WasixSeed, WasixCurrent} {
			if SpecOf(g).Func(name) != nil && handlerFor(g, name) == nil {
				t.Errorf("%s: no handler for %s", g, name)
			}
		}
	}
	for _, name := range []string{"fd_dup2", "fd_fdflags_get", "fd_fdflags_set", "path_open2"} {
		if handlerFor(WasixCurrent, name) == nil {
			t.Errorf("current: no handler for %s", name)
		}
		if handlerFor(WasixSeed, name) != nil {
			t.Errorf("seed has no %s", name)
		}
	}
	if _, ok := genCalls[Wasix2022]["sock_accept"]; !ok {
		t.Error("2022 sock_accept has another signature: it needs a handler of its own")
	}
	if handlerFor(Preview1, "fd_pipe") != nil || handlerFor(WasixSeed, "thread_spawn_v2") != nil {
		t.Error("handler where none belongs")
	}
}

// The handlers encode with offsets from the generated Go types; they must
// agree with the spec tables of every generation.
func TestLayoutsMatchSpec(t *testing.T) {
	check := func(g Generation, typ, field string, got uintptr) {
		t.Helper()
		l, ok := SpecOf(g).Type(typ)
		if !ok {
			return
		}
		if field == "" {
			if uintptr(l.Size) != got {
				t.Errorf("%s %s size %d, Go %d", g, typ, l.Size, got)
			}
			return
		}
		if off, ok := l.Field(field); !ok || uintptr(off) != got {
			t.Errorf("%s %s.%s at %d, Go %d", g, typ, field, off, got)
		}
	}
	for _, g := range []Generation{Preview1, Wasix2022, WasixSeed, WasixCurrent} {
		var fs wasix.Fdstat
		check(g, "fdstat", "", unsafe.Sizeof(fs))
		check(g, "fdstat", "fs_flags", unsafe.Offsetof(fs.FsFlags))
		check(g, "fdstat", "fs_rights_base", unsafe.Offsetof(fs.FsRightsBase))
		check(g, "fdstat", "fs_rights_inheriting", unsafe.Offsetof(fs.FsRightsInheriting))
		var st wasix.Filestat
		check(g, "filestat", "", unsafe.Sizeof(st))
		for name, off := range map[string]uintptr{"dev": unsafe.Offsetof(st.Dev), "ino": unsafe.Offsetof(st.Ino),
			"filetype": unsafe.Offsetof(st.Filetype), "nlink": unsafe.Offsetof(st.Nlink), "size": unsafe.Offsetof(st.Size),
			"atim": unsafe.Offsetof(st.Atim), "mtim": unsafe.Offsetof(st.Mtim), "ctim": unsafe.Offsetof(st.Ctim)} {
			check(g, "filestat", name, off)
		}
		var d wasix.Dirent
		check(g, "dirent", "", unsafe.Sizeof(d))
		check(g, "dirent", "d_ino", unsafe.Offsetof(d.DIno))
		check(g, "dirent", "d_namlen", unsafe.Offsetof(d.DNamlen))
		check(g, "dirent", "d_type", unsafe.Offsetof(d.DType))
		check(g, "subscription", "", uintptr(subSize))
		check(g, "subscription", "u", subU)
		check(g, "subscription_u", "payload", subPayload-subU)
		check(g, "subscription_clock", "timeout", clockTime-subPayload)
		check(g, "subscription_clock", "flags", clockFlags-subPayload)
		check(g, "event", "", uintptr(evSize))
		check(g, "event", "error", evError)
		check(g, "event", "type", evType)
		check(g, "event", "fd_readwrite", evRW)
		check(g, "event_fd_readwrite", "flags", evRWFlags-evRW)
		check(g, "prestat", "payload", prestatPayload)
		check(g, "tty", "", ttySize)
		check(g, "tty", "echo", ttyEcho)
		check(g, "tty", "line_buffered", ttyLineBuffered)
		check(g, "tty", "stdin_tty", ttyStdin)
		if g == WasixCurrent {
			check(g, "tty", "line_feeds", ttyLineFeed)
		}
	}
}

func TestFault(t *testing.T) {
	e := newEnv(t, kernel.ProcConfig{Args: []string{"prog", "arg"}})
	top := uint64(wazerotest.PageSize)
	// out pointer past the end, straddling the end, and wrapping around
	e.want(e.call(Preview1, "clock_time_get", 0, 0, top), wasix.ErrnoFault)
	e.want(e.call(Preview1, "clock_time_get", 0, 0, top-4), wasix.ErrnoFault)
	e.want(e.call(Preview1, "clock_time_get", 0, 0, 1<<32-4), wasix.ErrnoFault)
	e.must(e.call(Preview1, "clock_time_get", 0, 0, top-8))
	// iovec array out of range, and a region in it out of range
	e.want(e.call(Preview1, "fd_write", 1, top-4, 1, 0), wasix.ErrnoFault)
	e.want(e.call(Preview1, "fd_write", 1, 0, 1<<30, 8), wasix.ErrnoFault)
	e.iov(16, 100, 10)
	e.iov(24, 1<<32-5, 10) // base+len wraps in 32 bits
	e.want(e.call(Preview1, "fd_write", 1, 16, 2, 0), wasix.ErrnoFault)
	if e.out.Len() != 0 {
		t.Fatal("wrote despite a bad iovec")
	}
	e.want(e.call(Preview1, "args_get", top-4, 0), wasix.ErrnoFault)
	e.want(e.call(Preview1, "args_get", 0, top-3), wasix.ErrnoFault)
	e.want(e.call(Preview1, "random_get", top-10, 11), wasix.ErrnoFault)
	e.want(e.call(Preview1, "path_open", 3, 0, top-1, 5, 0, 0, 0, 0, 0), wasix.ErrnoFault)
	e.want(e.call(Preview1, "poll_oneoff", 0, top-10, 1, 0), wasix.ErrnoFault)
	e.want(e.call(WasixSeed, "getcwd", 0, top), wasix.ErrnoFault)
	e.want(e.call(WasixSeed, "tty_get", top-23), wasix.ErrnoFault)
	e.want(e.call(Preview1, "fd_readdir", 3, top-1, 2, 0, 0), wasix.ErrnoFault)
	// a process-less context is a wiring bug, not a crash
	stack := []uint64{0, 0, 8}
	handlerFor(Preview1, "clock_time_get")(context.Background(), e.mod, stack)
	if wasix.Errno(stack[0]) != wasix.ErrnoNosys {
		t.Fatal(stack[0])
	}
}

func TestArgsAndEnviron(t *testing.T) {
	e := newEnv(t, kernel.ProcConfig{Args: []string{"prog", "a b"}, Env: []string{"K=V"}})
	e.must(e.call(Preview1, "args_sizes_get", 0, 4))
	if e.u32(0) != 2 || e.u32(4) != 9 {
		t.Fatal(e.u32(0), e.u32(4))
	}
	e.must(e.call(Preview1, "args_get", 100, 200))
	if e.u32(100) != 200 || e.u32(104) != 205 || string(e.mem.Bytes[200:209]) != "prog\x00a b\x00" {
		t.Fatal(e.mem.Bytes[200:209])
	}
	e.must(e.call(WasixSeed, "environ_sizes_get", 0, 4))
	e.must(e.call(WasixSeed, "environ_get", 100, 200))
	if e.u32(0) != 1 || string(e.mem.Bytes[200:204]) != "K=V\x00" {
		t.Fatal("environ")
	}
}

func TestWriteReadBadf(t *testing.T) {
	e := newEnv(t, kernel.ProcConfig{Stdin: strings.NewReader("abc")})
	e.put(100, []byte("hello"))
	e.iov(16, 100, 5)
	e.must(e.call(Preview1, "fd_write", 1, 16, 1, 8))
	if e.u32(8) != 5 || e.out.String() != "hello" {
		t.Fatal(e.out.String())
	}
	e.want(e.call(Preview1, "fd_write", 42, 16, 1, 8), wasix.ErrnoBadf)
	e.want(e.call(Preview1, "fd_close", 42), wasix.ErrnoBadf)
	e.want(e.call(Preview1, "fd_fdstat_get", 1<<31, 0), wasix.ErrnoBadf)
	e.iov(16, 200, 10)
	e.must(e.call(Preview1, "fd_read", 0, 16, 1, 8))
	if e.u32(8) != 3 || string(e.mem.Bytes[200:203]) != "abc" {
		t.Fatal("read")
	}
}

func TestFileRightsNarrowing(t *testing.T) {
	e := newEnv(t, kernel.ProcConfig{})
	fd := uint64(e.open("tmp/f", wasix.OflagsCreat))
	e.must(e.call(Preview1, "fd_fdstat_get", fd, 64))
	if e.mem.Bytes[64] != byte(wasix.FiletypeRegularFile) {
		t.Fatal("filetype", e.mem.Bytes[64])
	}
	base := e.u64(64 + 8)
	e.must(e.call(Preview1, "fd_fdstat_set_rights", fd, uint64(wasix.RightsFdRead), 0))
	e.want(e.call(Preview1, "fd_fdstat_set_rights", fd, base, 0), wasix.ErrnoNotcapable)
	e.put(100, []byte("x"))
	e.iov(16, 100, 1)
	e.want(e.call(Preview1, "fd_write", fd, 16, 1, 8), wasix.ErrnoNotcapable)
	e.want(e.call(Preview1, "fd_filestat_get", fd, 128), wasix.ErrnoNotcapable)
	e.must(e.call(Preview1, "fd_fdstat_get", fd, 64))
	if e.u64(64+8) != uint64(wasix.RightsFdRead) {
		t.Fatal("rights", e.u64(72))
	}
}

func TestSeekTellFilestat(t *testing.T) {
	e := newEnv(t, kernel.ProcConfig{})
	fd := uint64(e.open("tmp/g", wasix.OflagsCreat))
	e.put(100, []byte("0123456789"))
	e.iov(16, 100, 10)
	e.must(e.call(Preview1, "fd_write", fd, 16, 1, 8))
	e.must(e.call(Preview1, "fd_seek", fd, uint64(1<<64-3), uint64(wasix.WhenceEnd), 32)) // -3 from the end
	if e.u64(32) != 7 {
		t.Fatal(e.u64(32))
	}
	e.must(e.call(Preview1, "fd_tell", fd, 40))
	if e.u64(40) != 7 {
		t.Fatal(e.u64(40))
	}
	e.want(e.call(Preview1, "fd_seek", fd, 0, 3, 32), wasix.ErrnoInval)
	e.must(e.call(Preview1, "fd_filestat_get", fd, 128))
	if e.mem.Bytes[128+16] != byte(wasix.FiletypeRegularFile) || e.u64(128+32) != 10 || e.u64(128+24) != 1 {
		t.Fatal(e.mem.Bytes[128:192])
	}
	e.must(e.call(Preview1, "fd_filestat_set_size", fd, 4))
	e.put(1000, []byte("tmp/g"))
	e.must(e.call(Preview1, "path_filestat_get", 3, 1, 1000, 5, 128))
	if e.u64(128+32) != 4 {
		t.Fatal(e.u64(160))
	}
	// pread at an offset, two iovecs
	e.iov(16, 200, 2)
	e.iov(24, 300, 2)
	e.must(e.call(Preview1, "fd_pread", fd, 16, 2, 0, 8))
	if e.u32(8) != 4 || string(e.mem.Bytes[200:202])+string(e.mem.Bytes[300:302]) != "0123" {
		t.Fatal("pread")
	}
}

func TestReaddir(t *testing.T) {
	e := newEnv(t, kernel.ProcConfig{})
	e.put(1000, []byte("tmp/dir"))
	e.must(e.call(Preview1, "path_create_directory", 3, 1000, 7))
	for _, n := range []string{"tmp/dir/aa", "tmp/dir/bbbb"} {
		e.open(n, wasix.OflagsCreat)
	}
	d := uint64(e.open("tmp/dir", wasix.OflagsDirectory))
	// The whole listing in a large buffer.
	e.must(e.call(Preview1, "fd_readdir", d, 2000, 1000, 0, 8))
	used := e.u32(8)
	if want := 4*24 + 1 + 2 + 2 + 4; used != uint32(want) {
		t.Fatal(used, want)
	}
	var names []string
	var cookies []uint64
	for off := uint32(2000); off < 2000+used; {
		n := e.u32(off + 16)
		cookies = append(cookies, e.u64(off))
		names = append(names, string(e.mem.Bytes[off+24:off+24+n]))
		off += 24 + n
	}
	if strings.Join(names, ",") != ".,..,aa,bbbb" || cookies[3] != 4 {
		t.Fatal(names, cookies)
	}
	// From cookie 2, in a buffer that cuts the second entry's header.
	e.must(e.call(Preview1, "fd_readdir", d, 2000, 24+2+10, 2, 8))
	if e.u32(8) != 36 || string(e.mem.Bytes[2024:2026]) != "aa" || e.u64(2000) != 3 {
		t.Fatal(e.u32(8))
	}
	// Past the end: nothing.
	e.must(e.call(Preview1, "fd_readdir", d, 2000, 1000, 4, 8))
	if e.u32(8) != 0 {
		t.Fatal(e.u32(8))
	}
	e.want(e.call(Preview1, "fd_readdir", 1, 2000, 100, 0, 8), wasix.ErrnoNotdir)
}

func TestPrestatAndPathCalls(t *testing.T) {
	e := newEnv(t, kernel.ProcConfig{Preopens: []kernel.Preopen{{GuestPath: "/tmp", Name: "/sandbox"}}})
	e.must(e.call(Preview1, "fd_prestat_get", 3, 0))
	if e.mem.Bytes[0] != 0 || e.u32(4) != 8 {
		t.Fatal(e.mem.Bytes[:8])
	}
	e.want(e.call(Preview1, "fd_prestat_dir_name", 3, 100, 3), wasix.ErrnoNametoolong)
	e.must(e.call(Preview1, "fd_prestat_dir_name", 3, 100, 8))
	if string(e.mem.Bytes[100:108]) != "/sandbox" {
		t.Fatal(string(e.mem.Bytes[100:108]))
	}
	e.want(e.call(Preview1, "fd_prestat_get", 1, 0), wasix.ErrnoBadf)
	// symlink + readlink truncated to the buffer
	e.put(1000, []byte("target-name"))
	e.put(1100, []byte("link"))
	e.must(e.call(Preview1, "path_symlink", 1000, 11, 3, 1100, 4))
	e.must(e.call(Preview1, "path_readlink", 3, 1100, 4, 2000, 6, 8))
	if e.u32(8) != 6 || string(e.mem.Bytes[2000:2006]) != "target" {
		t.Fatal(e.u32(8))
	}
	e.must(e.call(Preview1, "path_filestat_get", 3, 0, 1100, 4, 128))
	if e.mem.Bytes[128+16] != byte(wasix.FiletypeSymbolicLink) {
		t.Fatal("lstat type", e.mem.Bytes[144])
	}
	e.want(e.call(Preview1, "path_filestat_get", 3, 1, 1100, 4, 128), wasix.ErrnoNoent) // dangling
	e.put(1200, []byte("../etc"))
	e.want(e.call(Preview1, "path_filestat_get", 3, 1, 1200, 6, 128), wasix.ErrnoNotcapable)
	e.must(e.call(Preview1, "path_unlink_file", 3, 1100, 4))
}

func TestPipesPerGeneration(t *testing.T) {
	e := newEnv(t, kernel.ProcConfig{})
	e.put(100, []byte("ping"))
	e.iov(16, 100, 4)
	e.iov(24, 200, 16)

	// current (and seed): one-way; what fd_pipe makes, preview1 reads.
	e.must(e.call(WasixCurrent, "fd_pipe", 0, 4))
	r, w := uint64(e.u32(0)), uint64(e.u32(4))
	e.want(e.call(Preview1, "fd_write", r, 16, 1, 8), wasix.ErrnoNotcapable)
	e.must(e.call(Preview1, "fd_write", w, 16, 1, 8))
	e.must(e.call(Preview1, "fd_read", r, 24, 1, 8))
	if e.u32(8) != 4 || string(e.mem.Bytes[200:204]) != "ping" {
		t.Fatal("pipe read")
	}

	// 2022: both ends read and write.
	e.must(e.call(Wasix2022, "fd_pipe", 0, 4))
	a, b := uint64(e.u32(0)), uint64(e.u32(4))
	e.must(e.call(Wasix2022, "fd_write", b, 16, 1, 8))
	e.must(e.call(Wasix2022, "fd_read", a, 24, 1, 8))
	e.must(e.call(Wasix2022, "fd_write", a, 16, 1, 8))
	e.must(e.call(Wasix2022, "fd_read", b, 24, 1, 8))
	if e.u32(8) != 4 {
		t.Fatal("two-way")
	}
}

func TestPollOneoff(t *testing.T) {
	e := newEnv(t, kernel.ProcConfig{})
	e.want(e.call(Preview1, "poll_oneoff", 0, 1000, 0, 8), wasix.ErrnoInval)
	sub := func(at uint32, userdata uint64, tag wasix.Eventtype, fdOrClock uint32, timeout uint64) {
		b := e.mem.Bytes[at : at+48]
		clear(b)
		binary.LittleEndian.PutUint64(b, userdata)
		b[8] = byte(tag)
		binary.LittleEndian.PutUint32(b[16:], fdOrClock)
		binary.LittleEndian.PutUint64(b[24:], timeout)
	}
	// A 30ms sleep, and a pipe read that never comes.
	e.must(e.call(WasixSeed, "fd_pipe", 0, 4))
	r := e.u32(0)
	sub(100, 7, wasix.EventtypeClock, uint32(wasix.ClockidMonotonic), uint64(30*time.Millisecond))
	sub(148, 8, wasix.EventtypeFdRead, r, 0)
	start := time.Now()
	e.must(e.call(Preview1, "poll_oneoff", 100, 1000, 2, 8))
	if el := time.Since(start); el < 30*time.Millisecond || el > 5*time.Second {
		t.Fatal(el)
	}
	if e.u32(8) != 1 || e.u64(1000) != 7 || e.mem.Bytes[1010] != byte(wasix.EventtypeClock) {
		t.Fatal(e.u32(8), e.u64(1000))
	}
	// stdout is writable at once, a bad fd reports EBADF in its event.
	sub(100, 1, wasix.EventtypeFdWrite, 1, 0)
	sub(148, 2, wasix.EventtypeFdRead, 99, 0)
	e.must(e.call(Preview1, "poll_oneoff", 100, 1000, 2, 8))
	if e.u32(8) != 2 {
		t.Fatal(e.u32(8))
	}
	got := map[uint64]uint16{e.u64(1000): binary.LittleEndian.Uint16(e.mem.Bytes[1008:]), e.u64(1032): binary.LittleEndian.Uint16(e.mem.Bytes[1040:])}
	if got[1] != 0 || got[2] != uint16(wasix.ErrnoBadf) {
		t.Fatal(got)
	}
}

func TestWasixProcessCalls(t *testing.T) {
	e := newEnv(t, kernel.ProcConfig{Cwd: "/tmp"})
	e.setU32(0, 4)
	e.want(e.call(WasixSeed, "getcwd", 100, 0), wasix.ErrnoRange) // today's rule: the process has no ABI set
	if e.u32(0) != 5 {
		t.Fatal("needed size", e.u32(0))
	}
	e.must(e.call(WasixSeed, "getcwd", 100, 0))
	if e.u32(0) != 4 || string(e.mem.Bytes[100:105]) != "/tmp\x00" {
		t.Fatal(e.u32(0))
	}
	e.put(200, []byte("/home"))
	e.must(e.call(WasixCurrent, "chdir", 200, 5))
	e.setU32(0, 64)
	e.must(e.call(Wasix2022, "getcwd", 100, 0))
	if string(e.mem.Bytes[100:106]) != "/home\x00" {
		t.Fatal("chdir")
	}
	e.must(e.call(WasixSeed, "proc_id", 0))
	e.must(e.call(WasixSeed, "proc_parent", uint64(e.u32(0)), 4))
	e.must(e.call(WasixSeed, "thread_id", 8))
	e.must(e.call(WasixSeed, "thread_parallelism", 12))
	if e.u32(0) != 1 || e.u32(4) != 0 || e.u32(8) != 1 || e.u32(12) == 0 {
		t.Fatal(e.mem.Bytes[:16])
	}
	e.want(e.call(WasixSeed, "clock_time_set", 0, 5), wasix.ErrnoPerm)
	start := time.Now()
	e.must(e.call(Wasix2022, "thread_sleep", uint64(20*time.Millisecond)))
	if time.Since(start) < 20*time.Millisecond {
		t.Fatal("thread_sleep returned early")
	}
	// dup2 and cloexec
	e.must(e.call(WasixCurrent, "fd_dup2", 1, 20, 1, 0))
	if e.u32(0) != 20 {
		t.Fatal(e.u32(0))
	}
	e.must(e.call(WasixCurrent, "fd_fdflags_get", 20, 4))
	if binary.LittleEndian.Uint16(e.mem.Bytes[4:]) != 1 {
		t.Fatal("cloexec")
	}
	e.must(e.call(WasixSeed, "fd_dup", 1, 0))
	if e.u32(0) != 4 {
		t.Fatal("dup", e.u32(0))
	}
	// eventfd through the WASIX call, read through preview1
	e.must(e.call(WasixSeed, "fd_event", 3, 0, 0))
	ev := uint64(e.u32(0))
	e.iov(16, 300, 8)
	e.must(e.call(Preview1, "fd_read", ev, 16, 1, 8))
	if e.u64(300) != 3 {
		t.Fatal(e.u64(300))
	}
	// tty without a terminal
	e.must(e.call(WasixCurrent, "tty_get", 400))
	if e.u32(400) != 80 || e.mem.Bytes[400+ttyStdin] != 0 || e.mem.Bytes[400+ttyEcho] != 1 {
		t.Fatal(e.mem.Bytes[400:424])
	}
	e.mem.Bytes[400+ttyEcho] = 0
	e.must(e.call(WasixCurrent, "tty_set", 400))
	e.must(e.call(WasixSeed, "tty_get", 400))
	if e.mem.Bytes[400+ttyEcho] != 0 {
		t.Fatal("echo")
	}
	// path_open2 with cloexec
	e.put(1000, []byte("tmp/o2"))
	all := uint64(1<<29 - 1)
	e.must(e.call(WasixCurrent, "path_open2", 3, 1, 1000, 6, uint64(wasix.OflagsCreat), all, all, 0, 1, 0))
	e.must(e.call(WasixCurrent, "fd_fdflags_get", uint64(e.u32(0)), 4))
	if binary.LittleEndian.Uint16(e.mem.Bytes[4:]) != 1 {
		t.Fatal("path_open2 cloexec")
	}
}

func TestProcExitAndRaise(t *testing.T) {
	e := newEnv(t, kernel.ProcConfig{})
	exitCode := func(f func()) (code uint32) {
		defer func() {
			var ee *sys.ExitError
			if err, ok := recover().(error); !ok || !errors.As(err, &ee) {
				t.Fatal("no exit panic")
			}
			code = ee.ExitCode()
		}()
		f()
		return 0
	}
	e.must(e.call(Preview1, "proc_raise", uint64(wasix.SignalWinch)))
	e.want(e.call(Preview1, "proc_raise", 200), wasix.ErrnoInval)
	if c := exitCode(func() { e.call(Preview1, "proc_raise", uint64(wasix.SignalInt)) }); c != 130 {
		t.Fatal(c)
	}
	if c, ok := e.p.ExitCode(); !ok || c != 130 {
		t.Fatal(c, ok)
	}
	e2 := newEnv(t, kernel.ProcConfig{})
	if c := exitCode(func() { e2.call(Preview1, "proc_exit", 7) }); c != 7 {
		t.Fatal(c)
	}
	if c, _ := e2.mod.ExitStatus(); c != 7 {
		t.Fatal("module not closed with the code", c)
	}
}

var _ api.Module = (*wazerotest.Module)(nil)
