package kernel

import (
	"sync/atomic"

	"github.com/wasix-go/wasix"
)

// Limits a kernel puts on all its processes together, so that one program
// (a fork bomb, a loop opening sockets) cannot exhaust the host.

// DefaultMaxProcs is the number of live processes a kernel allows when
// Config.MaxProcs is 0.
const DefaultMaxProcs = 512

// DefaultMaxMemFSBytes bounds the in-memory root's file contents when
// Config.MaxMemFSBytes is 0: 512 MiB.
const DefaultMaxMemFSBytes = 512 << 20

// ErrProcessLimit is the error of NewProcess when the kernel already runs
// Config.MaxProcs processes; fork and spawn report it as EAGAIN, as Linux
// does at RLIMIT_NPROC.
// (A type of its own, not fmt.Errorf: package initialisation runs at every
// start, and fmt's first use there cost the CLI a tenth of a millisecond.)
var ErrProcessLimit error = processLimit{}

type processLimit struct{}

func (processLimit) Error() string { return "too many processes: " + wasix.ErrnoAgain.Error() }
func (processLimit) Unwrap() error { return wasix.ErrnoAgain }

// maxProcs returns the process limit in force.
func (k *Kernel) maxProcs() int {
	if k.cfg.MaxProcs > 0 {
		return k.cfg.MaxProcs
	}
	return DefaultMaxProcs
}

// hostFDs counts the host descriptors (sockets, files and directories of
// host mounts) the processes of a kernel hold, against a limit well under
// the host's RLIMIT_NOFILE: past it the guest gets ENFILE (the system's
// table is full) rather than the host running out for everyone.
type hostFDs struct {
	n   atomic.Int64
	max int64
}

// take reserves one host descriptor, or reports false at the limit.
func (h *hostFDs) take() bool {
	if h.n.Add(1) > h.max {
		h.n.Add(-1)
		return false
	}
	return true
}

func (h *hostFDs) put() { h.n.Add(-1) }

// DefaultMaxHostFDs returns the host descriptors a kernel allows when
// Config.MaxHostFDs is 0: half of the process's RLIMIT_NOFILE (the rest
// stays for the embedder and the Go runtime), at most 65,536, at least 64.
func DefaultMaxHostFDs() int {
	n := rlimitNoFile() / 2
	return int(max(64, min(n, 65536)))
}

// HostFDs reports the host descriptors the kernel's processes hold and the
// limit.
func (k *Kernel) HostFDs() (n, limit int) {
	return int(k.host.n.Load()), int(k.host.max)
}
