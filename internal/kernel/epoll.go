package kernel

import (
	"context"
	"sync"
	"syscall"
	"time"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/vfs"
)

// The bits of epoll_type (today's WASIX), as Linux numbers them.
const (
	EpollIn      = 0x1
	EpollOut     = 0x2
	EpollRdhup   = 0x4
	EpollPri     = 0x8
	EpollErr     = 0x10
	EpollHup     = 0x20
	EpollET      = 0x40
	EpollOneshot = 0x80
)

// EpollOp is an operation of epoll_ctl, as the ABI decoded it.
type EpollOp uint8

// The operations of epoll_ctl.
const (
	EpollCtlAdd EpollOp = iota + 1
	EpollCtlMod
	EpollCtlDel
	// EpollCtlAddOrMod registers a descriptor, or changes its
	// registration if it has one: what a number means when it is "add"
	// to one toolchain and "mod" to another.
	EpollCtlAddOrMod
)

// EpollEvent is an epoll_event: the event bits and the guest's data,
// kept as the 24 raw bytes of epoll_data and handed back unchanged.
type EpollEvent struct {
	Events uint32
	Data   [24]byte
}

// epollItem is one descriptor in an interest list.
type epollItem struct {
	fd       wasix.Fd
	obj      object
	ev       EpollEvent
	disabled bool      // a one-shot item that fired, until EPOLL_CTL_MOD
	last     uint32    // the bits seen at the last look, for edge-triggered items
	seen     [2]uint64 // the reader and writer pokes counted at that look
}

// edger is an object whose queues poke readers and writers apart (a pipe
// end reads from one buffer and writes to another); others count the pokes
// of all their queues.
type edger interface {
	edges() (r, w uint64)
}

// edges counts the pokes for readers and for writers of obj so far.
func edges(obj object) (r, w uint64) {
	if e, ok := obj.(edger); ok {
		return e.edges()
	}
	for _, q := range obj.waiters() {
		r += q.seq[0].Load()
		w += q.seq[1].Load()
	}
	return r, w
}

// epoll is an epoll instance (epoll_create): an interest list over any
// descriptors whose objects report readiness, sockets, pipes and event
// counters alike. Waiting registers with the wait queues of every object
// of the list, so epoll_wait sleeps until something changes.
type epoll struct {
	q   waitq // poked when the interest list changes
	ino uint64

	mu    sync.Mutex
	items map[wasix.Fd]*epollItem
}

func (e *epoll) read(context.Context, [][]byte, bool) (int, error)  { return 0, syscall.EINVAL }
func (e *epoll) write(context.Context, [][]byte, bool) (int, error) { return 0, syscall.EINVAL }
func (e *epoll) stat() (vfs.Stat, error) {
	return vfs.Stat{Ino: e.ino, Type: vfs.TypeUnknown, Nlink: 1, Mode: 0o600}, nil
}
func (e *epoll) filetype() wasix.Filetype { return wasix.FiletypeUnknown }

// poll reports an epoll descriptor readable when one of its items is ready
// (so that epoll instances nest, as on Linux); never writable.
func (e *epoll) poll(write bool) (bool, uint64, bool) {
	if write {
		return false, 0, false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, it := range e.items {
		if !it.disabled && readiness(it) != 0 {
			return true, 1, false
		}
	}
	return false, 0, false
}

func (e *epoll) waiters() []*waitq {
	e.mu.Lock()
	defer e.mu.Unlock()
	qs := []*waitq{&e.q}
	for _, it := range e.items {
		qs = append(qs, it.obj.waiters()...)
	}
	return qs
}

func (e *epoll) close() error { return nil }

// readiness returns the event bits of it that hold now.
func readiness(it *epollItem) uint32 {
	var got uint32
	want := it.ev.Events
	if ok, _, hup := it.obj.poll(false); ok {
		if want&(EpollIn|EpollRdhup|EpollPri) != 0 {
			got |= EpollIn & want
		}
		if hup {
			got |= EpollHup | want&EpollRdhup
		}
	}
	if want&EpollOut != 0 {
		if ok, _, hup := it.obj.poll(true); ok {
			got |= EpollOut
			if hup {
				got |= EpollHup
			}
		}
	}
	return got
}

// EpollCreate makes an epoll instance (epoll_create).
func (p *Process) EpollCreate() (wasix.Fd, wasix.Errno) {
	e := &epoll{ino: nextPipeIno(), items: map[wasix.Fd]*epollItem{}}
	return p.add(newOpenFile(e, 0), rightsStream&^(wasix.RightsFdRead|wasix.RightsFdWrite), 0, false)
}

func (p *Process) epollOf(epfd wasix.Fd) (*epoll, wasix.Errno) {
	e, errno := p.fds.get(epfd, 0)
	if errno != wasix.ErrnoSuccess {
		return nil, errno
	}
	ep, ok := e.of.obj.(*epoll)
	if !ok {
		return nil, wasix.ErrnoInval
	}
	return ep, wasix.ErrnoSuccess
}

// EpollCtl adds, changes or removes a descriptor of an interest list
// (epoll_ctl), with Linux's answers: EEXIST for a second add, ENOENT for
// a descriptor not in the list, EINVAL for the instance itself.
func (p *Process) EpollCtl(epfd wasix.Fd, op EpollOp, fd wasix.Fd, ev EpollEvent) wasix.Errno {
	ep, errno := p.epollOf(epfd)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	e, errno := p.fds.get(fd, 0)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	if e.of.obj == object(ep) {
		return wasix.ErrnoInval
	}
	const known = EpollIn | EpollOut | EpollRdhup | EpollPri | EpollErr | EpollHup | EpollET | EpollOneshot
	ep.mu.Lock()
	defer ep.q.notify()
	defer ep.mu.Unlock()
	it := ep.items[fd]
	if it != nil && it.obj != e.of.obj {
		// The descriptor was closed and its number reused: the old
		// registration went with the old file.
		delete(ep.items, fd)
		it = nil
	}
	if op == EpollCtlAddOrMod {
		op = EpollCtlAdd
		if it != nil {
			op = EpollCtlMod
		}
	}
	switch op {
	case EpollCtlAdd:
		if it != nil {
			return wasix.ErrnoExist
		}
		if ev.Events&^known != 0 {
			return wasix.ErrnoInval
		}
		ep.items[fd] = &epollItem{fd: fd, obj: e.of.obj, ev: ev}
	case EpollCtlMod:
		if it == nil {
			return wasix.ErrnoNoent
		}
		if ev.Events&^known != 0 {
			return wasix.ErrnoInval
		}
		it.ev, it.disabled, it.last, it.seen = ev, false, 0, [2]uint64{}
	case EpollCtlDel:
		if it == nil {
			return wasix.ErrnoNoent
		}
		delete(ep.items, fd)
	default:
		return wasix.ErrnoInval
	}
	return wasix.ErrnoSuccess
}

// EpollWait waits up to timeout nanoseconds (0: not at all; ^0: for ever)
// for items of the list to be ready and returns at most max events
// (epoll_wait). An edge-triggered item reports, as on Linux, when its
// object was poked for what it waits for (new data, room to write, a
// hang-up) or a bit came up since the last look; one-shot items are
// disabled once reported.
func (p *Process) EpollWait(ctx context.Context, epfd wasix.Fd, max int, timeout uint64) ([]EpollEvent, wasix.Errno) {
	ep, errno := p.epollOf(epfd)
	if errno != wasix.ErrnoSuccess {
		return nil, errno
	}
	if max <= 0 {
		return nil, wasix.ErrnoInval
	}
	if evs := ep.collect(p, max); len(evs) > 0 || timeout == 0 {
		return evs, wasix.ErrnoSuccess
	}
	ch := make(chan struct{}, 1)
	var registered []*waitq
	register := func() {
		for _, q := range registered {
			q.remove(ch)
		}
		registered = ep.waiters()
		for _, q := range registered {
			q.add(ch)
		}
	}
	defer func() {
		for _, q := range registered {
			q.remove(ch)
		}
	}()
	register()
	var tc <-chan time.Time
	if timeout != ^uint64(0) && timeout < 1<<63 {
		t := time.NewTimer(time.Duration(timeout))
		defer t.Stop()
		tc = t.C
	}
	for {
		if evs := ep.collect(p, max); len(evs) > 0 {
			return evs, wasix.ErrnoSuccess
		}
		select {
		case <-ch:
			register() // the list may have changed
		case <-tc:
			return nil, wasix.ErrnoSuccess
		case <-ctx.Done():
			return nil, wasix.ErrnoIntr
		}
	}
}

// edge returns got, the bits ready now, if they are news for an
// edge-triggered item whose object had r and w pokes; else 0.
func (it *epollItem) edge(got uint32, r, w uint64) uint32 {
	news := got&^it.last != 0 ||
		r != it.seen[0] && got&(EpollIn|EpollRdhup|EpollPri|EpollHup) != 0 ||
		w != it.seen[1] && got&EpollOut != 0
	it.last, it.seen = got, [2]uint64{r, w}
	if !news {
		return 0
	}
	return got
}

// collect returns the events ready now, dropping items whose descriptor
// was closed.
func (ep *epoll) collect(p *Process, max int) []EpollEvent {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	var out []EpollEvent
	for fd, it := range ep.items {
		if e, errno := p.fds.get(fd, 0); errno != wasix.ErrnoSuccess || e.of.obj != it.obj {
			delete(ep.items, fd)
			continue
		}
		if it.disabled {
			continue
		}
		et := it.ev.Events&EpollET != 0
		var r, w uint64
		if et {
			// counted before readiness is read, never after: a poke
			// between the two is then news at the next look, not lost
			r, w = edges(it.obj)
		}
		got := readiness(it)
		if et {
			got = it.edge(got, r, w)
		}
		if got == 0 {
			continue
		}
		out = append(out, EpollEvent{Events: got, Data: it.ev.Data})
		if it.ev.Events&EpollOneshot != 0 {
			it.disabled = true
		}
		if len(out) == max {
			break
		}
	}
	return out
}
