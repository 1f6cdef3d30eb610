package kernel

import (
	"context"

	"github.com/wasix-go/wasix"
)

// proc_fork_env: the vfork of today's wasix-libc, without asyncify. The
// calling thread goes on running the same guest stack, but its calls act
// for a new child process (a copy of the descriptors, its own pid) until
// the child execs or exits; those calls then return in the parent's
// environment, and the guest longjmps back to where it forked. Nothing is
// copied or unwound: the child is only a process whose main thread is
// borrowed by the parent's goroutine.

// ForkEnv makes the child of a proc_fork_env of t's process and makes it
// the environment of t's calls (see Current). ctx is the context the
// child's main thread carries: it must not end with the parent, since an
// exec'd child outlives it.
func (t *Thread) ForkEnv(ctx context.Context) (*Process, wasix.Errno) {
	child, errno := t.p.Fork()
	if errno != wasix.ErrnoSuccess {
		return nil, errno
	}
	cm := child.StartMainThread(WithProcess(ctx, child))
	cm.forkParent = t
	t.forkChild = cm
	return child, wasix.ErrnoSuccess
}

// Current returns the thread whose process t's calls act for: t, or the
// main thread of the proc_fork_env child it runs (nested ones included).
func (t *Thread) Current() *Thread {
	for t.forkChild != nil {
		t = t.forkChild
	}
	return t
}

// ForkEnvParent returns the thread that runs t on behalf of a
// proc_fork_env, or nil if t runs on its own.
func (t *Thread) ForkEnvParent() *Thread { return t.forkParent }

// ExitForkEnv ends the proc_fork_env child whose main thread is t with
// code and gives its thread back to the parent. It reports false if t is
// no such child.
func (t *Thread) ExitForkEnv(code uint32) bool {
	parent := t.forkParent
	if parent == nil {
		return false
	}
	t.detachForkEnv()
	t.Finish(code)
	t.p.SetExit(code)
	t.p.Close()
	return true
}

// ExecForkEnv starts prog as the proc_fork_env child whose main thread is
// t (its arguments and environment already set by Exec) on its own, and
// gives t's goroutine back to the parent. A program that cannot start
// ends the child with 126, as a shell's "cannot execute".
func (t *Thread) ExecForkEnv(prog *Program) wasix.Errno {
	if t.forkParent == nil {
		return wasix.ErrnoInval
	}
	t.detachForkEnv()
	r := t.p.k.runner()
	if r == nil || r.Start(t.p, prog) != nil {
		t.Finish(126)
		t.p.SetExit(126)
		t.p.Close()
	}
	return wasix.ErrnoSuccess
}

func (t *Thread) detachForkEnv() {
	t.forkParent.forkChild = nil
	t.forkParent = nil
}

// endForkEnv kills the proc_fork_env children t runs, when t ends while
// running them (a trap, or the parent's process killed).
func (t *Thread) endForkEnv() {
	for c := t.forkChild; c != nil; c = t.forkChild {
		cur := c.Current()
		cur.ExitForkEnv(128 + uint32(wasix.SignalKill))
	}
}
