package abi

import (
	"context"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

func init() {
	// The seed (and 2022) report failures as bus_error, current as errno.
	wasixCalls["proc_spawn"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		return wasix.Errno(busError(procSpawn(p, m, s)))
	}
	genCalls[WasixCurrent]["proc_spawn"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		return procSpawn(p, m, s)
	}
	genCalls[WasixCurrent]["proc_spawn2"] = procSpawn2
}

// Offsets in process_handles {pid u32, stdin, stdout, stderr: option_fd}
// and option_fd {tag u8, fd u32 at 4}.
const (
	processHandlesSize = 28
	optionFdSize       = 8
)

// proc_spawn(name, chroot, args, preopen, stdin, stdout, stderr,
// working_dir, handles*): args and preopen are newline-joined lists; with
// chroot the child has only the preopens open.
func procSpawn(p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	name, ok1 := guestString(m, uint32(s[0]), uint32(s[1]))
	args, ok2 := guestString(m, uint32(s[3]), uint32(s[4]))
	pre, ok3 := guestString(m, uint32(s[5]), uint32(s[6]))
	wd, ok4 := guestString(m, uint32(s[10]), uint32(s[11]))
	out, ok5 := span(m, uint32(s[12]), processHandlesSize)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
		return wasix.ErrnoFault
	}
	res, errno := p.Spawn(kernel.SpawnRequest{
		Name:       name,
		Args:       splitList(args),
		Preopens:   splitList(pre),
		Chroot:     uint32(s[2])&0xff != 0,
		Stdin:      wasix.StdioMode(s[7]),
		Stdout:     wasix.StdioMode(s[8]),
		Stderr:     wasix.StdioMode(s[9]),
		WorkingDir: wd,
	})
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	clear(out)
	le32(out, res.Pid)
	for i, fd := range []int64{res.Stdin, res.Stdout, res.Stderr} {
		o := out[4+i*optionFdSize:]
		if fd >= 0 {
			o[0] = byte(wasix.OptionSome)
			le32(o[4:], uint32(fd))
		}
	}
	return wasix.ErrnoSuccess
}

// busError maps the errno of a spawn to the bus_error the older
// generations report.
func busError(e wasix.Errno) wasix.BusError {
	switch e {
	case wasix.ErrnoSuccess:
		return wasix.BusErrorSuccess
	case wasix.ErrnoNoent:
		return wasix.BusErrorInvalidWapm
	case wasix.ErrnoNoexec:
		return wasix.BusErrorCompileError
	case wasix.ErrnoNotsup:
		return wasix.BusErrorUnsupported
	case wasix.ErrnoFault:
		return wasix.BusErrorMemoryAccessViolation
	case wasix.ErrnoInval:
		return wasix.BusErrorBadRequest
	case wasix.ErrnoAcces, wasix.ErrnoPerm:
		return wasix.BusErrorAccessDenied
	}
	return wasix.BusErrorInternalFailure
}

// proc_spawn_fd_op layout (56 bytes).
const (
	fdOpSize       = 56
	fdOpFd         = 4
	fdOpSrc        = 8
	fdOpPath       = 12
	fdOpPathLen    = 16
	fdOpDirflags   = 20
	fdOpOflags     = 24
	fdOpRights     = 32
	fdOpRightsInh  = 40
	fdOpFdflags    = 48
	fdOpFdflagsExt = 50
)

// proc_spawn2(name, args, envs, fd_ops, signal_dispositions, search_path,
// path, pid*): posix_spawn. The child gets a copy of the descriptor table,
// edited by the file actions, and the signal dispositions given, which it
// reads back with proc_signals_get; a null array keeps the parent's.
func procSpawn2(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	name, ok1 := guestString(m, uint32(s[0]), uint32(s[1]))
	args, ok2 := guestString(m, uint32(s[2]), uint32(s[3]))
	envs, ok3 := guestString(m, uint32(s[4]), uint32(s[5]))
	ops, ok4 := span64(m, uint32(s[6]), uint64(uint32(s[7]))*fdOpSize)
	search, ok5 := guestString(m, uint32(s[11]), uint32(s[12]))
	out := uint32(s[13])
	_, ok6 := span(m, out, 4)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 {
		return wasix.ErrnoFault
	}
	sigs, ok := signalDispositions(m, uint32(s[8]), uint32(s[9]))
	if !ok {
		return wasix.ErrnoFault
	}
	req := kernel.SpawnRequest{
		Signals: sigs,
		Name:    name,
		Args:    splitList(args),
		Env:     splitList(envs),
		Stdin:   wasix.StdioModeInherit,
		Stdout:  wasix.StdioModeInherit,
		Stderr:  wasix.StdioModeInherit,
		Inherit: true,
	}
	if uint32(s[10])&0xff != 0 {
		req.SearchPath = search
	} else if !containsSlash(name) {
		req.Name = "./" + name
	}
	for i := 0; i+fdOpSize <= len(ops); i += fdOpSize {
		b := ops[i : i+fdOpSize]
		op := kernel.SpawnFdOp{
			Kind: kernel.SpawnFdOpKind(b[0]),
			Fd:   wasix.Fd(le32At(b, fdOpFd)),
			Src:  wasix.Fd(le32At(b, fdOpSrc)),
		}
		if op.Kind == kernel.SpawnOpen || op.Kind == kernel.SpawnChdir {
			path, ok := guestString(m, le32At(b, fdOpPath), le32At(b, fdOpPathLen))
			if !ok {
				return wasix.ErrnoFault
			}
			op.Path = path
		}
		if op.Kind == kernel.SpawnOpen {
			op.Open = kernel.OpenRequest{
				Follow:  le32At(b, fdOpDirflags)&uint32(wasix.LookupflagsSymlinkFollow) != 0,
				Oflags:  wasix.Oflags(uint16(le32At(b, fdOpOflags))),
				Base:    wasix.Rights(le64At(b, fdOpRights)),
				Inh:     wasix.Rights(le64At(b, fdOpRightsInh)),
				Fdflags: wasix.Fdflags(uint16(le32At(b, fdOpFdflags))),
				Cloexec: uint16(le32At(b, fdOpFdflagsExt))&kernel.FdflagsextCloexec != 0,
				Perm:    0o644,
			}
		}
		req.FdOps = append(req.FdOps, op)
	}
	res, errno := p.Spawn(req)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	return put32(m, out, res.Pid)
}

func containsSlash(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			return true
		}
	}
	return false
}
