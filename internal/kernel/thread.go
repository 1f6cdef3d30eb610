package kernel

import (
	"context"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/wasix-go/wasix"
)

// DefaultMaxThreads bounds the threads of a process whose configuration
// sets no limit. Each thread is a guest instance with its own globals,
// tables and call stack, so the bound is about host memory.
const DefaultMaxThreads = 512

// ThreadEntry says how a new thread enters the guest. The ABI layer fills it
// from the spawn call of its generation; the launcher of the process (the
// host) makes the instance and calls Export with Args.
type ThreadEntry struct {
	// Export is the guest function the thread runs.
	Export string
	// Args are its arguments, already shaped to its core signature; a
	// zero Tid argument is replaced by the new thread's id (ArgTid says
	// which one).
	Args []uint64
	// ArgTid is the index in Args of the thread id, or -1.
	ArgTid int
	// StackPointer and TLSBase, when not zero, are set into the exported
	// globals __stack_pointer and __tls_base before the call, for entry
	// points that do not set up their stack themselves.
	StackPointer, TLSBase uint64
}

// Launcher starts a thread: it makes a new instance of the program over the
// process's memory and runs e in it on a goroutine of its own, reporting
// the end through t.Finish or the process's Exit and Trap. An error means
// the thread could not start.
type Launcher func(t *Thread, e ThreadEntry) error

// Thread is one thread of a process: its id, its signal state, its
// thread-local values and its end.
type Thread struct {
	p    *Process
	tid  uint32
	main bool

	base threadCtx // context of the guest calls of this thread
	call callCtx   // context handed to host calls: also ends on a signal

	pending atomic.Uint64                 // signals to deliver, bit n for signal n
	intrMu  sync.Mutex                    // orders interrupt channel swaps
	intr    atomic.Pointer[chan struct{}] // closed while a signal is pending or the process dies

	tls map[uint32]uint64 // thread-local values by key, guarded by p.thr.mu

	ended  atomic.Bool        // an exec ends the thread: it unwinds at its next boundary
	cancel context.CancelFunc // ends base for a spawned thread; nil for the main one

	exitedByCall bool        // thread_exit ended it (only its own goroutine touches it)
	iovs         [][]byte    // scratch of vectored calls (see IOScratch); its goroutine's alone
	iovArr       [4][]byte   // iovs' first backing: beside the thread, not on a page of its own
	ctxs         *contextEnv // its execution contexts (context.go), made on first use
	forkChild    *Thread     // main thread of the proc_fork_env child it runs (forkenv.go)
	forkParent   *Thread     // the thread running it for a proc_fork_env, or nil
	done         chan struct{}
	rval         uint32
}

// threads is the thread state of a process.
type threads struct {
	mu       sync.Mutex
	byTid    map[uint32]*Thread
	live     int
	nextTid  uint32
	max      int
	main     *Thread
	launch   Launcher
	lastRval uint32

	ctx    context.Context // ends when the process dies
	cancel context.CancelFunc
	exited chan struct{} // closed by SetExit; made on first use
	attn   atomic.Int32  // not zero when every thread must look at the process (dying, stopped)
	dead   atomic.Bool
	trap   error

	// onDeath interrupts the threads once ctx ends; stopOnDeath keeps
	// context.AfterFunc from running it, for killThreads to run it
	// itself (see there).
	onDeath     func()
	stopOnDeath func() bool

	futex futexTable
	sig   signalState
	tls   tlsState
	cb    callbacks
}

// StartMainThread registers the thread that runs the program's entry point
// and returns it. Its id is the pid, as WASIX libraries expect. ctx is the
// context of the run: when it ends, so does every thread.
func (p *Process) StartMainThread(ctx context.Context) *Thread {
	th := &p.thr
	th.mu.Lock()
	defer th.mu.Unlock()
	if th.main != nil {
		return th.main
	}
	th.ctx, th.cancel = context.WithCancel(ctx)
	th.byTid = map[uint32]*Thread{}
	th.nextTid = 1
	th.max = p.cfg.MaxThreads
	if th.max <= 0 {
		th.max = DefaultMaxThreads
	}
	t := p.newThread(p.pid)
	t.main = true
	th.main = t
	th.byTid[t.tid] = t
	th.live = 1
	// The process dying interrupts whatever its threads wait for.
	th.onDeath = func() {
		if ctx.Err() != nil {
			// The run's context ended: the process is killed, so that
			// its threads unwind at their next call. EINTR alone would
			// not do: a libc retries an interrupted futex wait, and
			// without compute interrupts nothing else stops it.
			p.SetExit(128 + uint32(wasix.SignalKill))
		}
		th.markDead()
		th.mu.Lock()
		all := make([]*Thread, 0, len(th.byTid))
		for _, t := range th.byTid {
			all = append(all, t)
		}
		th.mu.Unlock()
		for _, t := range all {
			t.interrupt()
		}
	}
	th.stopOnDeath = context.AfterFunc(th.ctx, th.onDeath)
	return t
}

func (p *Process) newThread(tid uint32) *Thread {
	t := &Thread{p: p, tid: tid, done: make(chan struct{}), tls: map[uint32]uint64{}}
	t.iovs = t.iovArr[:0]
	t.base = threadCtx{Context: p.thr.ctx, t: t}
	t.call = callCtx{base: &t.base}
	ch := make(chan struct{})
	t.intr.Store(&ch)
	return t
}

// SetLauncher installs the function that starts spawned threads. Without
// one, spawning fails with ENOTSUP.
func (p *Process) SetLauncher(l Launcher) {
	p.thr.mu.Lock()
	p.thr.launch = l
	p.thr.mu.Unlock()
}

// MainThread returns the main thread, or nil before StartMainThread.
func (p *Process) MainThread() *Thread {
	p.thr.mu.Lock()
	defer p.thr.mu.Unlock()
	return p.thr.main
}

// SpawnThread starts a thread entering the guest as e says and returns its
// id. Past the process's thread limit it fails with EAGAIN.
func (p *Process) SpawnThread(e ThreadEntry) (uint32, wasix.Errno) {
	th := &p.thr
	th.mu.Lock()
	if th.main == nil || th.launch == nil {
		th.mu.Unlock()
		return 0, wasix.ErrnoNotsup
	}
	if th.ctx.Err() != nil {
		th.mu.Unlock()
		return 0, wasix.ErrnoCanceled
	}
	if th.live >= th.max {
		th.mu.Unlock()
		return 0, wasix.ErrnoAgain
	}
	tid := th.allocTid(p.pid)
	t := p.newThread(tid)
	// A context of its own, so that an exec can stop the thread's
	// computation (where compute interrupts are on) without ending the
	// process.
	t.base.Context, t.cancel = context.WithCancel(th.ctx)
	th.byTid[tid] = t
	th.live++
	launch := th.launch
	th.mu.Unlock()

	if e.ArgTid >= 0 && e.ArgTid < len(e.Args) {
		e.Args[e.ArgTid] = uint64(tid)
	}
	if err := launch(t, e); err != nil {
		t.Finish(0)
		return 0, wasix.ErrnoAgain
	}
	return tid, wasix.ErrnoSuccess
}

// allocTid returns an unused thread id; ids stay below 2^29 as the
// wasi-threads proposal asks, and skip the main thread's (the pid).
func (th *threads) allocTid(pid uint32) uint32 {
	for {
		th.nextTid++
		if th.nextTid >= 1<<29 {
			th.nextTid = 2
		}
		if _, used := th.byTid[th.nextTid]; !used && th.nextTid != pid {
			return th.nextTid
		}
	}
}

// Tid returns the thread's id.
func (t *Thread) Tid() uint32 { return t.tid }

// IsMain reports whether t runs the program's entry point.
func (t *Thread) IsMain() bool { return t.main }

// Process returns the process the thread belongs to.
func (t *Thread) Process() *Process { return t.p }

// Context returns the context to run the thread's guest code with: it
// carries the process and the thread and ends when the process dies.
func (t *Thread) Context() context.Context { return &t.base }

// CallContext returns the context for one host call of the thread: like
// Context, but it also ends, for the length of the call, when a signal is
// pending, which cuts blocking calls short with EINTR.
func (t *Thread) CallContext() context.Context { return &t.call }

// MarkThreadExit records that the thread ended itself through
// thread_exit with rval; the launcher then finishes only this thread.
func (t *Thread) MarkThreadExit(rval uint32) {
	t.exitedByCall = true
	t.rval = rval
}

// ExitedByCall reports whether thread_exit ended the thread, and its value.
func (t *Thread) ExitedByCall() (bool, uint32) { return t.exitedByCall, t.rval }

// Finish ends the thread with rval, wakes its joiners and, when it was the
// last one, lets the process end.
func (t *Thread) Finish(rval uint32) {
	if t.forkChild != nil {
		t.endForkEnv()
	}
	th := &t.p.thr
	th.mu.Lock()
	if _, ok := th.byTid[t.tid]; !ok || th.byTid[t.tid] != t {
		th.mu.Unlock()
		return
	}
	delete(th.byTid, t.tid)
	t.rval = rval
	th.live--
	last := th.live == 0
	if last {
		th.lastRval = rval
	}
	th.mu.Unlock()
	if t.cancel != nil {
		t.cancel() // releases the context
	}
	close(t.done)
}

// thread returns the process's thread tid, nil if it has none.
func (p *Process) thread(tid uint32) *Thread {
	p.thr.mu.Lock()
	defer p.thr.mu.Unlock()
	return p.thr.byTid[tid]
}

// Join waits for the thread tid to end (thread_join). A thread that has
// already ended, or never existed, joins at once; joining oneself is
// EDEADLK; a signal or the process's end cuts the wait short with EINTR.
func (p *Process) Join(ctx context.Context, self *Thread, tid uint32) wasix.Errno {
	if self != nil && self.tid == tid {
		return wasix.ErrnoDeadlk
	}
	t := p.thread(tid)
	if t == nil {
		return wasix.ErrnoSuccess
	}
	select {
	case <-t.done:
		return wasix.ErrnoSuccess
	case <-ctx.Done():
		return wasix.ErrnoIntr
	}
}

// WaitThreads waits until every thread but the main one has ended, or
// until stop is closed; it reports whether they all ended.
func (p *Process) WaitThreads(stop <-chan struct{}) bool {
	th := &p.thr
	for {
		// Wait for any other thread; when none is left, all have ended.
		var wait chan struct{}
		th.mu.Lock()
		for _, t := range th.byTid {
			if !t.main {
				wait = t.done
				break
			}
		}
		th.mu.Unlock()
		if wait == nil {
			return true
		}
		select {
		case <-wait:
		case <-stop:
			return false
		}
	}
}

// EndOtherThreads ends every thread but the main one, as exec does, and
// waits until they have returned or stop is closed; it reports whether
// they all returned. Each thread unwinds at its next call boundary, its
// blocked call woken, or at once where compute interrupts are on; the
// process goes on. Threads spawned meanwhile are ended too.
func (p *Process) EndOtherThreads(stop <-chan struct{}) bool {
	th := &p.thr
	for {
		var wait chan struct{}
		var end []*Thread
		th.mu.Lock()
		for _, t := range th.byTid {
			if t.main {
				continue
			}
			wait = t.done
			if t.ended.CompareAndSwap(false, true) {
				end = append(end, t)
			}
		}
		th.mu.Unlock()
		for _, t := range end {
			t.interrupt()
			t.cancel()
		}
		if wait == nil {
			return true
		}
		select {
		case <-wait:
		case <-stop:
			return false
		}
	}
}

// Ended reports whether an exec ended the thread: it must unwind without
// ending the process.
func (t *Thread) Ended() bool { return t.ended.Load() }

// LastThreadValue returns the value the last thread to end passed to
// thread_exit (0 if it returned), and whether every thread has ended.
func (p *Process) LastThreadValue() (uint32, bool) {
	th := &p.thr
	th.mu.Lock()
	defer th.mu.Unlock()
	if th.main == nil || th.live > 0 {
		return 0, false
	}
	return th.lastRval, true
}

// Trap ends the process because a thread trapped; the first trap is kept
// for the run's error.
func (p *Process) Trap(err error) {
	th := &p.thr
	th.mu.Lock()
	if th.trap == nil {
		th.trap = err
	}
	th.mu.Unlock()
	p.SetExit(1)
}

// Trapped returns the trap that ended the process, or nil.
func (p *Process) Trapped() error {
	p.thr.mu.Lock()
	defer p.thr.mu.Unlock()
	return p.thr.trap
}

// killThreads ends every thread of the process: their blocking calls return and
// their next call unwinds them. SetExit calls it.
func (p *Process) killThreads() {
	p.thr.mu.Lock()
	cancel, onDeath, stop := p.thr.cancel, p.thr.onDeath, p.thr.stopOnDeath
	p.thr.mu.Unlock()
	p.thr.markDead()
	p.thr.mu.Lock()
	if p.thr.exited == nil {
		p.thr.exited = make(chan struct{})
	}
	select {
	case <-p.thr.exited:
	default:
		close(p.thr.exited)
	}
	p.thr.mu.Unlock()
	// context.AfterFunc would run onDeath in a goroutine of its own, whose
	// start wakes another thread of the Go runtime: on a VM, a good part
	// of what a process's exit costs. The thread that ends the process
	// runs it.
	inline := stop != nil && stop()
	if cancel != nil {
		cancel()
	}
	if inline {
		onDeath()
	}
	p.stopTimers()
}

// markDead makes every thread look at the process at its next boundary.
// It is done before the context ends, so that the caller of an exit sees
// it at once.
func (th *threads) markDead() {
	if th.dead.CompareAndSwap(false, true) {
		th.attn.Add(1)
	}
}

// Exited returns a channel closed once the process has an exit status.
func (p *Process) Exited() <-chan struct{} {
	p.thr.mu.Lock()
	defer p.thr.mu.Unlock()
	if p.thr.exited == nil {
		p.thr.exited = make(chan struct{})
	}
	return p.thr.exited
}

// Dying reports whether the process has ended and its threads must unwind.
func (p *Process) Dying() bool {
	_, exited := p.ExitCode()
	return exited
}

// Attention reports, cheaply, whether the thread has something to handle
// at the boundary of a call: a pending signal, the process ending or
// being stopped, or the thread being ended by an exec.
func (t *Thread) Attention() bool {
	return t.pending.Load() != 0 || t.p.thr.attn.Load() != 0 || t.ended.Load()
}

// interrupt ends the current call context of t.
func (t *Thread) interrupt() {
	t.intrMu.Lock()
	ch := t.intr.Load()
	select {
	case <-*ch:
	default:
		close(*ch)
	}
	t.intrMu.Unlock()
}

// rearm gives t a fresh interrupt channel once its signals are taken,
// unless the process is dying or the thread ending.
func (t *Thread) rearm() {
	t.intrMu.Lock()
	defer t.intrMu.Unlock()
	if t.pending.Load() != 0 || t.p.thr.ctx.Err() != nil || t.ended.Load() {
		return
	}
	ch := t.intr.Load()
	select {
	case <-*ch:
		fresh := make(chan struct{})
		t.intr.Store(&fresh)
	default:
	}
}

type threadKey struct{}

// ThreadFrom returns the thread carried by ctx, or nil.
func ThreadFrom(ctx context.Context) *Thread {
	switch c := ctx.(type) {
	case *threadCtx:
		return c.t
	case *callCtx:
		return c.base.t
	}
	t, _ := ctx.Value(threadKey{}).(*Thread)
	return t
}

// threadCtx is the context of a thread's guest code: the process's
// context with the thread as a value.
type threadCtx struct {
	context.Context
	t *Thread
}

// Value answers the thread key itself and asks the parent for the rest.
func (c *threadCtx) Value(key any) any {
	if key == (threadKey{}) {
		return c.t
	}
	return c.Context.Value(key)
}

// callCtx is the context of one host call: done when a signal is pending
// for the thread or the process dies.
type callCtx struct{ base *threadCtx }

// Deadline is the thread's.
func (c *callCtx) Deadline() (deadline time.Time, ok bool) { return c.base.Deadline() }

// Done is the thread's current interrupt channel.
func (c *callCtx) Done() <-chan struct{} { return *c.base.t.intr.Load() }

// Value is the thread's.
func (c *callCtx) Value(key any) any { return c.base.Value(key) }

// Err is the thread's error, or ErrInterrupted while a signal is pending.
func (c *callCtx) Err() error {
	if err := c.base.Err(); err != nil {
		return err
	}
	select {
	case <-c.Done():
		return ErrInterrupted
	default:
		return nil
	}
}

// ErrInterrupted is the error of a call context ended by a signal.
var ErrInterrupted = errInterrupted{}

type errInterrupted struct{}

// Error describes the interruption.
func (errInterrupted) Error() string { return "interrupted by a signal" }

// Unwrap lets the errno mapping see EINTR.
func (errInterrupted) Unwrap() error { return syscall.EINTR }
