package kernel

import (
	"slices"

	"github.com/wasix-go/wasix"
)

// Pids returns the pids of the kernel's live processes, in increasing
// order. A process is in the table from its start until it is closed.
func (k *Kernel) Pids() []uint32 {
	k.mu.Lock()
	out := make([]uint32, 0, len(k.procs))
	for pid := range k.procs {
		out = append(out, pid)
	}
	k.mu.Unlock()
	slices.Sort(out)
	return out
}

// SignalAll sends sig to every live process of the kernel, as kill(-1)
// from outside would: an embedder ending everything a program started.
func (k *Kernel) SignalAll(sig wasix.Signal) {
	k.mu.Lock()
	procs := make([]*Process, 0, len(k.procs))
	for _, p := range k.procs {
		procs = append(procs, p)
	}
	k.mu.Unlock()
	for _, p := range procs {
		p.Signal(sig)
	}
}
