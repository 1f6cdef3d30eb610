package abi

import (
	"context"
	"strings"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

// ExecRequest is what a successful proc_exec panics with: the guest's
// stack is abandoned and the run loop replaces the program by Prog in the
// same process.
type ExecRequest struct {
	Prog *kernel.Program
}

// Error describes the request (it travels as a panic through wazero).
func (r *ExecRequest) Error() string {
	return "proc_exec " + r.Prog.Path + " (handled by the run loop)"
}

func init() {
	// proc_exec(name, args): args and envs are lists joined by newlines,
	// argv[0] first. The call does not return: on failure the process
	// exits with 127 (not found) or 126 (not runnable), as a shell would.
	onInstanceCall("proc_exec", func(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		return execNoReturn(ctx, p, m, s[0], s[1], s[2], s[3], 0, 0, false)
	})
	cur := modCalls[WasixCurrent]
	cur["proc_exec2"] = onInstance(func(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		return execNoReturn(ctx, p, m, s[0], s[1], s[2], s[3], s[4], s[5], true)
	})
	// proc_exec3(name, args, envs, search_path, path): returns an errno
	// when the program cannot be run.
	cur["proc_exec3"] = onInstance(func(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		name, ok1 := guestString(m, uint32(s[0]), uint32(s[1]))
		args, ok2 := guestString(m, uint32(s[2]), uint32(s[3]))
		envs, ok3 := guestString(m, uint32(s[4]), uint32(s[5]))
		search, ok4 := guestString(m, uint32(s[7]), uint32(s[8]))
		if !ok1 || !ok2 || !ok3 || !ok4 {
			return wasix.ErrnoFault
		}
		if uint32(s[6])&0xff == 0 && !strings.Contains(name, "/") {
			name = "./" + name // no search: the name is a path
		}
		return doExec(ctx, p, name, splitList(args), splitList(envs), search)
	})
}

// execNoReturn decodes proc_exec and proc_exec2 and ends the process if
// the program cannot run.
func execNoReturn(ctx context.Context, p *kernel.Process, m api.Memory, namePtr, nameLen, argsPtr, argsLen, envPtr, envLen uint64, withEnv bool) wasix.Errno {
	name, ok1 := guestString(m, uint32(namePtr), uint32(nameLen))
	args, ok2 := guestString(m, uint32(argsPtr), uint32(argsLen))
	env := p.Env()
	ok3 := true
	if withEnv {
		var e string
		e, ok3 = guestString(m, uint32(envPtr), uint32(envLen))
		env = splitList(e)
	}
	errno := wasix.ErrnoFault
	if ok1 && ok2 && ok3 {
		errno = doExec(ctx, p, name, splitList(args), env, "")
	}
	code := uint32(126)
	if errno == wasix.ErrnoNoent {
		code = 127
	}
	if t := kernel.ThreadFrom(ctx); t != nil && t.ForkEnvParent() != nil {
		// A proc_fork_env child: it ends, not the parent, which goes on.
		if errno != wasix.ErrnoSuccess {
			t.ExitForkEnv(code)
		}
		return errno
	}
	in := InstanceFrom(ctx)
	if in == nil {
		return errno
	}
	exit(ctx, in.Module(), code)
	return errno
}

// doExec finds the program and, if it can run, hands it to the run loop.
func doExec(ctx context.Context, p *kernel.Process, name string, args, env []string, search string) wasix.Errno {
	if InstanceFrom(ctx) == nil {
		return wasix.ErrnoNotsup // not run by a loop that can replace programs
	}
	if len(args) == 0 {
		args = []string{name}
	}
	if search == "" {
		// The search path is the one of the environment the program
		// passes on, as execvp reads the caller's current PATH.
		for _, kv := range env {
			if v, ok := strings.CutPrefix(kv, "PATH="); ok {
				search = v
			}
		}
	}
	prog, errno := p.FindProgram(name, args, search)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	p.Exec(prog.Args, env)
	if t := kernel.ThreadFrom(ctx); t != nil && t.ForkEnvParent() != nil {
		// A proc_fork_env child runs the program on its own; the call
		// returns in the parent.
		return t.ExecForkEnv(prog)
	}
	panic(&ExecRequest{Prog: prog})
}

// splitList splits a list joined by line feeds (or carriage returns, as
// Wasmer accepts), dropping empty entries.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
}

func (r *ExecRequest) traceResult() string { return "exec " + r.Prog.Path }
