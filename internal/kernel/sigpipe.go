package kernel

import (
	"context"

	"github.com/wasix-go/wasix"
)

// brokenPipe passes on errno from a write to a pipe or a socket. When it
// is EPIPE and the program's generation expects it (rules.raiseSigpipe), it first raises SIGPIPE
// on the calling thread: its handler runs when the call returns, or its
// default action (terminate, see actionOf) ends the process.
func (p *Process) brokenPipe(ctx context.Context, errno wasix.Errno) wasix.Errno {
	if errno == wasix.ErrnoPipe && p.rules().raiseSigpipe {
		p.RaiseOn(ThreadFrom(ctx), wasix.SignalPipe)
	}
	return errno
}

// actionOf is the default action of sig for this process: POSIX's, but
// for SIGPIPE, which terminates only the programs that expect it to be
// raised; for the others it stays ignored, as WASIX's signal list says.
func (p *Process) actionOf(sig wasix.Signal) SignalAction {
	if sig == wasix.SignalPipe && p.rules().raiseSigpipe {
		return ActTerminate
	}
	return DefaultAction(sig)
}
