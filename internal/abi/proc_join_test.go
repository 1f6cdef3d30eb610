package abi

import (
	"errors"
	"testing"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

// exitRunner ends every started process at once with the exit code in the
// program's third byte; programs start with "ok".
type exitRunner struct{ args [][]string }

func (r *exitRunner) Compile(wasm []byte) (any, error) {
	if len(wasm) < 3 || string(wasm[:2]) != "ok" {
		return nil, errors.New("not a program")
	}
	return wasm[2], nil
}

func (r *exitRunner) Start(p *kernel.Process, prog *kernel.Program) error {
	r.args = append(r.args, prog.Args)
	p.SetExit(uint32(prog.Code.(byte)))
	p.Close()
	return nil
}

func spawnEnv(t *testing.T) (*env, *exitRunner) {
	e := newEnv(t, kernel.ProcConfig{})
	r := &exitRunner{}
	e.p.Kernel().SetRunner(r)
	if err := e.p.Kernel().AddCommand("three", []byte("ok\x03")); err != nil {
		t.Fatal(err)
	}
	return e, r
}

// spawnArgs lays out proc_spawn's params with the strings at 0x100.
func (e *env) spawnArgs(name, args string, stdout uint32, out uint32) []uint64 {
	e.put(0x100, []byte(name))
	e.put(0x200, []byte(args))
	return []uint64{0x100, uint64(len(name)), 0, 0x200, uint64(len(args)), 0, 0,
		uint64(wasix.StdioModeNull), uint64(stdout), uint64(wasix.StdioModeNull), 0, 0, uint64(out)}
}

func TestProcSpawnForms(t *testing.T) {
	e, r := spawnEnv(t)
	const out = 0x400
	// current: errno, piped stdout handle in process_handles.
	e.must(e.call(WasixCurrent, "proc_spawn", e.spawnArgs("three", "three\nx\ny", uint32(wasix.StdioModePiped), out)...))
	pid := e.u32(out)
	if e.mem.Bytes[out+4] != 0 || e.mem.Bytes[out+12] != 1 || e.mem.Bytes[out+20] != 0 {
		t.Fatalf("handles tags %v", e.mem.Bytes[out:out+28])
	}
	if got := r.args[0]; len(got) != 3 || got[1] != "x" {
		t.Fatalf("args %q", got)
	}
	// seed/2022: bus_error codes.
	if got := e.call(WasixSeed, "proc_spawn", e.spawnArgs("nothing", "", 2, out)...); got != wasix.Errno(wasix.BusErrorInvalidWapm) {
		t.Fatalf("seed missing program: %d", got)
	}
	if got := e.call(WasixCurrent, "proc_spawn", e.spawnArgs("nothing", "", 2, out)...); got != wasix.ErrnoNoent {
		t.Fatalf("current missing program: %s", got.Name())
	}
	if got := e.call(Wasix2022, "proc_spawn", e.spawnArgs("three", "", 2, 0xfffffff0)...); got != wasix.Errno(wasix.BusErrorMemoryAccessViolation) {
		t.Fatalf("2022 bad pointer: %d", got)
	}

	// seed/current join of that pid: exit_normal 3, pid written back.
	const opt, st = 0x500, 0x520
	e.mem.Bytes[opt] = 1
	e.setU32(opt+4, pid)
	e.must(e.call(WasixSeed, "proc_join", opt, 0, st))
	if e.mem.Bytes[st] != byte(wasix.JoinStatusTypeExitNormal) || e.mem.Bytes[st+2] != 3 {
		t.Fatalf("join_status %v", e.mem.Bytes[st:st+6])
	}
	// any child, non-blocking, none left: ECHILD and nothing.
	e.mem.Bytes[opt] = 0
	e.want(e.call(WasixCurrent, "proc_join", opt, uint64(wasix.JoinFlagsNonBlocking), st), wasix.ErrnoChild)
	if e.mem.Bytes[st] != byte(wasix.JoinStatusTypeNothing) {
		t.Fatal("status is not nothing")
	}

	// 2022: (pid*, exitcode*), -1 for any.
	e.must(e.call(WasixCurrent, "proc_spawn", e.spawnArgs("three", "", 2, out)...))
	pid = e.u32(out)
	e.setU32(opt, ^uint32(0))
	e.must(e.call(Wasix2022, "proc_join", opt, st))
	if e.u32(opt) != pid || e.u32(st) != 3 {
		t.Fatalf("2022 join: pid %d code %d", e.u32(opt), e.u32(st))
	}
}

// A child ended by a signal: the seed's join_status carries 128+n as its
// exit code; the current one 0, which wasix-libc's waitpid needs to make
// a status WIFSIGNALED recognizes.
func TestProcJoinSignal(t *testing.T) {
	e, _ := spawnEnv(t)
	const opt, st = 0x500, 0x520
	for gen, code := range map[Generation]byte{WasixSeed: 143, WasixCurrent: 0} {
		c, errno := e.p.Fork()
		e.must(errno)
		e.must(e.call(WasixCurrent, "proc_signal", uint64(c.Pid()), uint64(wasix.SignalTerm)))
		c.Close()
		e.mem.Bytes[opt] = 0
		e.must(e.call(gen, "proc_join", opt, 0, st))
		if e.mem.Bytes[st] != byte(wasix.JoinStatusTypeExitSignal) || e.mem.Bytes[st+2] != code || e.mem.Bytes[st+4] != byte(wasix.SignalTerm) {
			t.Fatalf("%s: join_status %v", gen, e.mem.Bytes[st:st+6])
		}
	}
	c, errno := e.p.Fork()
	e.must(errno)
	e.must(e.call(WasixCurrent, "proc_signal", uint64(c.Pid()), uint64(wasix.SignalTerm)))
	c.Close()
	e.mem.Bytes[opt] = 0
	e.must(e.call(WasixCurrent, "proc_join", opt, 0, st))
	if e.mem.Bytes[opt] != 1 || e.u32(opt+4) != c.Pid() {
		t.Fatal("the joined pid is not written back")
	}
	e.want(e.call(WasixCurrent, "proc_signal", 4242, uint64(wasix.SignalTerm)), wasix.ErrnoSrch)
}

func TestProcSpawn2FileActions(t *testing.T) {
	e, r := spawnEnv(t)
	// One dup2 of stdout onto fd 7 and a chdir to /tmp.
	const ops = 0x600
	clear(e.mem.Bytes[ops : ops+2*fdOpSize])
	e.mem.Bytes[ops] = byte(kernel.SpawnDup2)
	e.setU32(ops+fdOpFd, 7)
	e.setU32(ops+fdOpSrc, 1)
	e.mem.Bytes[ops+fdOpSize] = byte(kernel.SpawnChdir)
	e.put(0x700, []byte("/tmp"))
	e.setU32(ops+fdOpSize+fdOpPath, 0x700)
	e.setU32(ops+fdOpSize+fdOpPathLen, 4)
	e.put(0x100, []byte("three"))
	e.put(0x200, []byte("three\narg"))
	e.put(0x300, []byte("A=1\nB=2"))
	e.must(e.call(WasixCurrent, "proc_spawn2", 0x100, 5, 0x200, 9, 0x300, 7, ops, 2, 0, 0, 1, 0, 0, 0x800))
	if e.u32(0x800) == 0 || len(r.args) != 1 || r.args[0][1] != "arg" {
		t.Fatalf("pid %d args %q", e.u32(0x800), r.args)
	}
	// A bad fd in a file action fails the spawn.
	e.setU32(ops+fdOpSrc, 99)
	e.want(e.call(WasixCurrent, "proc_spawn2", 0x100, 5, 0x200, 9, 0x300, 7, ops, 1, 0, 0, 1, 0, 0, 0x800), wasix.ErrnoBadf)
}
