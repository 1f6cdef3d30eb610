package host

import "github.com/wasix-go/wasix"

// Pids returns the pids of the processes running in r (the programs it
// runs and the processes they forked or spawned), in increasing order.
// Pids are the runtime's own: the first program of a Runtime is pid 1.
// A container runtime lists them (ctr task ps).
func (r *Runtime) Pids() []uint32 { return r.kern.Pids() }

// SignalAll delivers sig to every process running in r: a handler the
// process registered runs, or the signal's default action is taken.
// Config.Signals reaches only the program a run started; this reaches the
// processes it forked or spawned too (a container's "kill --all").
func (r *Runtime) SignalAll(sig wasix.Signal) { r.kern.SignalAll(sig) }
