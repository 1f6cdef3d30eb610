package abi

import (
	"context"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

// Signals reach a thread at the boundaries of its calls into the runtime:
// before and after each call, a thread with something pending runs the
// guest's handler (registered by callback_signal) in its own instance, or
// takes the default action. A pending signal also ends the call context,
// so a blocking call returns EINTR and the handler runs right after it.

func init() {
	for _, g := range []Generation{Preview1, Wasix2022, WasixSeed, WasixCurrent} {
		modCalls[g]["proc_raise"] = procRaise
	}
	for _, g := range []Generation{Wasix2022, WasixSeed, WasixCurrent} {
		modCalls[g]["callback_signal"] = callbackSetter(kernel.CallbackSignal)
	}
	w := wasixCalls
	w["thread_signal"] = func(_ context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
		sig := uint32(s[1])
		if sig > 0xff {
			return wasix.ErrnoInval
		}
		return p.ThreadSignal(uint32(s[0]), wasix.Signal(sig))
	}
	w["proc_raise_interval"] = func(_ context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
		sig := uint32(s[0])
		if sig > 0xff {
			return wasix.ErrnoInval
		}
		return p.RaiseInterval(wasix.Signal(sig), s[1], uint32(s[2]) != 0)
	}
}

// proc_raise(sig): sends sig to the calling thread; its handler runs, or
// its default action is taken, before the call returns.
func procRaise(ctx context.Context, p *kernel.Process, mod api.Module, s []uint64) wasix.Errno {
	sig := uint32(s[0])
	if sig > 0xff {
		return wasix.ErrnoInval
	}
	t := kernel.ThreadFrom(ctx)
	errno := p.RaiseOn(t, wasix.Signal(sig))
	if code, dying := p.ExitCode(); dying && t == nil {
		// Without a thread no boundary follows: unwind here.
		exit(ctx, mod, code)
	}
	return errno
}

// boundary handles what t must see between calls: the end of the process
// (the guest stack unwinds as for proc_exit), the end of the thread by an
// exec (its stack unwinds alone), a stop (the thread waits for
// SIGCONT), and pending signals.
func boundary(ctx context.Context, mod api.Module, p *kernel.Process, t *kernel.Thread) {
	for {
		if code, dying := p.ExitCode(); dying {
			exit(ctx, mod, code)
		}
		if t.Ended() {
			// An exec ended the thread: it alone unwinds, and the
			// process goes on with the new program.
			panic(sys.NewExitError(0))
		}
		if p.Stopped() {
			p.WaitWhileStopped()
			continue
		}
		sigs := t.TakeSignals()
		if len(sigs) == 0 {
			return
		}
		for _, sig := range sigs {
			deliver(ctx, mod, p, sig)
		}
	}
}

// deliver runs the guest's handler for sig in the calling instance; a
// handler export that is missing or has another signature leaves the
// signal to its default action. An exit or trap in the handler unwinds
// the interrupted code too.
func deliver(ctx context.Context, mod api.Module, p *kernel.Process, sig wasix.Signal) {
	fn := exportOf(ctx, p, mod, p.Callback(kernel.CallbackSignal))
	if fn == nil || len(fn.Definition().ParamTypes()) != 1 || fn.Definition().ParamTypes()[0] != api.ValueTypeI32 {
		p.SignalUncaught(sig)
		return
	}
	if _, err := fn.Call(ctx, uint64(sig)); err != nil {
		panic(err)
	}
}
