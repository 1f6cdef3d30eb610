package abi

import (
	"context"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

func init() {
	modCalls[Wasix2022]["proc_join"] = restartOnSignal(procJoin2022)
	modCalls[WasixSeed]["proc_join"] = restartOnSignal(procJoin)
	modCalls[WasixCurrent]["proc_join"] = restartOnSignal(procJoinCurrent)
	wasixCalls["proc_signal"] = func(_ context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
		sig := uint32(s[1])
		if sig > 0xff {
			return wasix.ErrnoInval
		}
		return p.SignalProcesses(int32(uint32(s[0])), wasix.Signal(sig))
	}
}

// restartOnSignal makes a wait go on after the handlers of the signals
// that interrupted it have run, as Wasmer's proc_join does: wasix-libc's
// waitpid does not retry on EINTR, and a program blocked in it would
// otherwise see a handled SIGTERM or SIGALRM as a failed wait. A signal
// that ends the process ends the wait with it (boundary unwinds).
func restartOnSignal(c call) modCall {
	return func(ctx context.Context, p *kernel.Process, mod api.Module, s []uint64) wasix.Errno {
		for {
			errno := c(ctx, p, mod.Memory(), s)
			t := kernel.ThreadFrom(ctx)
			if errno != wasix.ErrnoIntr || t == nil || !t.Attention() {
				return errno
			}
			boundary(guestContext(ctx), mod, p, t)
			ctx = t.CallContext()
		}
	}
}

// Layouts of option_pid {tag u8, pid u32 at 4} and join_status {tag u8,
// payload at 2: exit_normal errno u16, exit_signal {errno u16, signal u8}}.
const (
	optionPidSize  = 8
	joinStatusSize = 6
)

// proc_join(pid*, flags, status*): waits for the child *pid, or any child
// when *pid is none, and writes back the pid reaped with its status. With
// the non_blocking flag and no child ended, the status is nothing; with
// wake_stopped a child stopped by a signal is reported (once per stop).
func procJoin(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	return join(ctx, p, m, s, false)
}

// procJoinCurrent is proc_join of today's WASIX. A child ended by a signal
// is reported with exit_code 0: wasix-libc's waitpid makes the POSIX
// status as exit_code<<8 | signal, which WIFSIGNALED recognizes only then
// (the seed's form carries 128+n there).
func procJoinCurrent(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	return join(ctx, p, m, s, true)
}

func join(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64, posixSignal bool) wasix.Errno {
	pidPtr, flags, out := uint32(s[0]), wasix.JoinFlags(uint32(s[1])), uint32(s[2])
	opt, ok := span(m, pidPtr, optionPidSize)
	st, ok2 := span(m, out, joinStatusSize)
	if !ok || !ok2 {
		return wasix.ErrnoFault
	}
	want := kernel.JoinAny
	switch opt[0] {
	case byte(wasix.OptionSome):
		want = le32At(opt, 4)
	case byte(wasix.OptionNone):
	default:
		return wasix.ErrnoInval // neither none nor some: no pid to read
	}
	nonblock := flags&wasix.JoinFlagsNonBlocking != 0
	var pid uint32
	var status kernel.ExitStatus
	var found, stopped bool
	var errno wasix.Errno
	if flags&wasix.JoinFlagsWakeStopped != 0 {
		pid, status, found, stopped, errno = p.JoinChildStopped(ctx, want, nonblock)
	} else {
		pid, status, found, errno = p.JoinChild(ctx, want, nonblock)
	}
	clear(st)
	if errno != wasix.ErrnoSuccess || !found {
		st[0] = byte(wasix.JoinStatusTypeNothing)
		if errno == wasix.ErrnoSuccess {
			// A child is still running. The pid written back is 0, as
			// Wasmer writes it: wasix-libc's waitpid returns that pid
			// whatever the status says, and WNOHANG must return 0.
			opt[0] = byte(wasix.OptionSome)
			le32(opt[4:], 0)
		}
		return errno
	}
	opt[0] = byte(wasix.OptionSome)
	le32(opt[4:], pid)
	if stopped {
		st[0] = byte(wasix.JoinStatusTypeStopped)
		st[2] = byte(status.Signal)
	} else if status.Signal != 0 {
		st[0] = byte(wasix.JoinStatusTypeExitSignal)
		if !posixSignal {
			le16(st[2:], uint16(status.Code))
		}
		st[4] = byte(status.Signal)
	} else {
		st[0] = byte(wasix.JoinStatusTypeExitNormal)
		le16(st[2:], uint16(status.Code))
	}
	return wasix.ErrnoSuccess
}

// proc_join(pid*, exitcode*) of 2022: waits for the child *pid (any child
// when it is -1), writes back the pid reaped and its exit code (128+n for
// a signal).
func procJoin2022(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	pidPtr, out := uint32(s[0]), uint32(s[1])
	want, ok := readU32(m, pidPtr)
	if _, ok2 := span(m, out, 4); !ok || !ok2 {
		return wasix.ErrnoFault
	}
	pid, status, _, errno := p.JoinChild(ctx, want, false)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	writeU32(m, pidPtr, pid)
	return put32(m, out, status.Code)
}
