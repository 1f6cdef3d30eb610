package host

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/tetratelabs/wazero/sys"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/abi"
	"github.com/wasix-go/wasix/internal/kernel"
)

// fork makes the child of a proc_fork whose unwind saved snap: a new
// instance of the same program with a copy of the memory, rewound to
// return 0 on its own goroutine, while the parent is rewound to return
// the child's pid. A child that cannot be made is reported to the parent
// as EAGAIN.
func (pr *procRun) fork(snap *abi.Snapshot) error {
	parent := pr.slot.In
	child, errno := pr.p.Fork()
	if errno != wasix.ErrnoSuccess {
		return parent.Rewind(pr.ctx, snap, 0, errno, false)
	}
	cr := &procRun{r: pr.r, ctx: pr.ctx, p: child, m: pr.m, gen: pr.gen, tracer: pr.tracer, maxPages: pr.maxPages, slot: &abi.Slot{}}
	failed := func() error {
		child.SetExit(1)
		if cr.mod != nil {
			cr.close()
		}
		child.Close()
		_, _, _, _ = pr.p.JoinChild(pr.ctx, child.Pid(), true)
		return parent.Rewind(pr.ctx, snap, 0, wasix.ErrnoAgain, false)
	}
	fail := failed
	if !pr.r.live.add(child) {
		return fail() // the runtime is closing
	}
	fail = func() error {
		defer pr.r.live.done(child)
		return failed()
	}
	alloc, release := pr.r.alloc.forkAllocator(pr.maxPages, pr.m.hot, memoryOf(pr.mod), pr.alone())
	cr.alloc, cr.forkOf = alloc, parent
	err := cr.instantiate()
	release()
	if err != nil {
		return fail()
	}
	if err := copyMemory(cr, pr); err != nil {
		return fail()
	}
	if err := cr.slot.In.Rewind(pr.ctx, snap, 0, 0, true); err != nil {
		return fail()
	}
	go func() {
		defer pr.r.live.done(child)
		cr.finish(cr.loop())
	}()
	return parent.Rewind(pr.ctx, snap, uint64(child.Pid()), 0, false)
}

// copyMemory makes the memory of dst's instance a copy of src's.
func copyMemory(dst, src *procRun) error {
	from, to := src.mod.Memory(), dst.mod.Memory()
	if from == nil || to == nil {
		return errors.New("fork: the program has no memory")
	}
	size := from.Size()
	if to.Size() < size {
		if _, ok := to.Grow((size - to.Size()) / 65536); !ok {
			return errors.New("fork: cannot grow the child's memory")
		}
	}
	a, ok1 := from.Read(0, size)
	b, ok2 := to.Read(0, size)
	if !ok1 || !ok2 {
		return errors.New("fork: cannot read memory")
	}
	if src.r.alloc.forkMemory(b, a, src.alone()) {
		return nil // copy-on-write
	}
	// Large memories are copied by several goroutines: the time goes in
	// page faults and memory bandwidth, which more cores share out.
	workers := min(runtime.GOMAXPROCS(0), len(a)/parallelCopyMin+1)
	if workers <= 1 {
		copyChunks(b, a)
		return nil
	}
	var wg sync.WaitGroup
	const huge = 2 << 20 // parts on huge page boundaries
	part := (len(a)/workers + huge - 1) / huge * huge
	for off := 0; off < len(a); off += part {
		end := min(off+part, len(a))
		wg.Go(func() { copyChunks(b[off:end], a[off:end]) })
	}
	wg.Wait()
	return nil
}

// parallelCopyMin is the memory size from which copyMemory uses more than
// one goroutine.
const parallelCopyMin = 8 << 20

// copyChunks copies a into b, which is fresh: zero but for the child's
// data segments. Chunks zero on both sides (never touched) need no
// writing, and with an mmap-backed memory are never faulted in for it.
func copyChunks(b, a []byte) {
	for off := 0; off < len(a); off += len(zeroChunk) {
		end := min(off+len(zeroChunk), len(a))
		z := zeroChunk[:end-off]
		if !bytes.Equal(a[off:end], z) || !bytes.Equal(b[off:end], z) {
			copy(b[off:end], a[off:end])
		}
	}
}

// zeroChunk is what copyMemory compares the parent's memory with: an
// array in the zeroed data of the binary, which costs nothing at start.
var zeroChunk [64 << 10]byte

// vfork is a child made by proc_fork without a copy of memory: it runs in
// the parent's instance, on the parent's memory, until it execs or exits;
// then the parent resumes from the fork with the stack it had.
type vfork struct {
	child *kernel.Process
	main  *kernel.Thread
	slot  *abi.Slot // the child's own slot, for its program after exec
	snap  *abi.Snapshot
}

// vfork starts the child of a vfork in the current instance.
func (pr *procRun) vfork(snap *abi.Snapshot) error {
	in := pr.slot.In
	child, errno := pr.p.Fork()
	if errno != wasix.ErrnoSuccess {
		return in.Rewind(pr.ctx, snap, 0, errno, false)
	}
	if !pr.r.live.add(child) {
		// The runtime is closing; the child never runs.
		child.SetExit(1)
		child.Close()
		_, _, _, _ = pr.p.JoinChild(pr.ctx, child.Pid(), true)
		return in.Rewind(pr.ctx, snap, 0, wasix.ErrnoAgain, false)
	}
	// The child runs on this goroutine, which the runtime already counts;
	// it is counted again so that closing the runtime kills the child too,
	// until resume.
	slot := &abi.Slot{In: in}
	main := child.StartMainThread(kernel.WithProcess(abi.WithSlot(pr.ctx, slot), child))
	pr.vf = &vfork{child: child, main: main, slot: slot, snap: snap}
	in.SetBorrowed(true)
	return in.Rewind(pr.ctx, snap, 0, 0, false)
}

// resume ends the borrowing and rewinds the parent to return the child's
// pid, with its stack as it was at the fork.
func (v *vfork) resume(pr *procRun) error {
	pr.vf = nil
	pr.r.live.done(v.child)
	in := pr.slot.In
	in.SetBorrowed(false)
	return in.Rewind(pr.ctx, v.snap, uint64(v.child.Pid()), 0, true)
}

// exec runs the vforked child's new program on its own and resumes the
// parent.
func (v *vfork) exec(pr *procRun, prog *kernel.Program) error {
	m := prog.Code.(*Module)
	cr := &procRun{r: pr.r, ctx: pr.ctx, p: v.child, m: m, gen: m.gen, tracer: pr.tracer, maxPages: pr.maxPages, slot: v.slot}
	if err := cr.start(); err != nil {
		code := uint32(126)
		var ee *sys.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		}
		v.end(pr, code)
	}
	return v.resume(pr)
}

// exit ends the vforked child, which left _start with err, and resumes
// the parent.
func (v *vfork) exit(pr *procRun, err error) error {
	var code uint32
	var ve *abi.VforkExit
	switch {
	case err == nil:
		code = 0
	case errors.As(err, &ve):
		code = ve.Code
	default:
		if pr.mod.IsClosed() {
			return fmt.Errorf("vfork: the child ended the parent's instance: %w", err)
		}
		v.child.Abort() // a trap
		code = 128 + uint32(wasix.SignalAbrt)
	}
	v.end(pr, code)
	return v.resume(pr)
}

// end records the child's exit and closes it.
func (v *vfork) end(pr *procRun, code uint32) {
	_, _ = pr.r.endThreads(pr.ctx, v.child, v.main, pr.mod, code, nil)
	v.child.Close()
}
