package kernel

import (
	"context"
	"sync"
	"time"

	"github.com/wasix-go/wasix"
)

// The bus: processes (and Go programs) calling topics on each other.
//
// Every party is a BusEndpoint, a mailbox holding the handles of the calls
// it takes part in (cids), the bus processes it opened (bids) and the
// events waiting for it. A call links two ends, the caller's and the
// callee's, each a cid in its own endpoint. A subcall is made on behalf
// of a call in progress and goes to the other end of that call: a caller
// subcalling reaches its callee again, a callee subcalling calls back its
// caller. It arrives with its parent set to the receiver's cid of that
// call, and ends when its parent ends.
//
// Handles: bids are small numbers, the lowest free one from 1 (like
// descriptors), so a bid closed and opened again comes back; the events of
// the old bus process are dropped with it. Cids count up from 1 in each
// endpoint and are never reused, which tells a handle that was never
// issued (invalid_handle) from one whose call is over (already_consumed).
//
// Lifetimes: the callee's cid lives until it replies, faults or closes the
// call (or until the close event telling that the caller gave up has been
// polled); the caller's cid lives until the result, fault or close event
// of the call has been polled, or until it closes the call. Events queued
// for a cid its owner has released are dropped.
//
// One mutex (Kernel.bus.mu) guards every endpoint: a reply touches both
// ends, and bus traffic is not hot enough to need finer locks.

// busTable is the kernel's bus state.
type busTable struct {
	mu       sync.Mutex
	procs    map[*Process]*BusEndpoint // endpoints of processes, made on first use
	services map[string]*BusEndpoint   // Go endpoints by name (AddBusService)
	running  map[string]*BusEndpoint   // bus processes by the name they were opened with, for reuse
	goEps    map[*BusEndpoint]struct{} // open Go endpoints, closed by CloseBus
	remote   BusRemote
}

// BusRemote opens bus processes on remote instances for bus_open_remote.
// The embedder provides it; without one the call is unsupported.
type BusRemote interface {
	// OpenRemote returns the endpoint standing for the program name on the
	// instance, or the bus_error saying why it cannot.
	OpenRemote(name, instance, token string, reuse bool) (*BusEndpoint, wasix.BusError)
}

// BusEvent is one event of bus_poll. Which fields count depends on Type,
// as in the ABI's bus_event; Data is the payload of a call or a result,
// which a process reads from Fd.
type BusEvent struct {
	Type wasix.BusEventType
	// Exit: the bus process and its exit code.
	Bid  uint32
	Rval uint32
	// Call, result, fault and close: the receiver's handle of the call.
	Cid uint64
	// Call: the receiver's handle of the call it was made on behalf of.
	Parent    uint64
	HasParent bool
	Topic     wasix.Hash
	// Call and result: how Data is encoded, and Data itself.
	Format wasix.BusDataFormat
	Data   []byte
	// Fd is the descriptor a process reads Data from (Process.BusPoll).
	Fd wasix.Fd
	// Fault: why the call failed.
	Fault wasix.BusError

	link *busLink // exit: the link it reports on, dropped if closed since
}

// BusEndpoint is one party of the bus: a process, or a Go program serving
// or calling topics. Its methods are safe for concurrent use.
type BusEndpoint struct {
	k    *Kernel
	proc *Process // nil for a Go endpoint

	// Guarded by k.bus.mu.
	calls   map[uint64]*callEnd
	lastCid uint64
	bids    map[uint32]*busLink
	openers map[*busLink]struct{} // links of those who opened this endpoint
	events  []BusEvent
	closed  bool
	rval    uint32 // the exit code of its process, once closed
	name    string // the name it runs under in busTable.running, if any
	started bool   // started by OpenLocal as a bus process
	// idle runs when the last opener closes its handle (ends a bus process).
	idle func()

	wq waitq
}

// maxBusCalls bounds the live call handles of one endpoint, so that a
// caller flooding a callee that does not answer cannot grow the host
// without end: beyond it a new call fails.
const maxBusCalls = 1 << 16

// busLink is one bid: an endpoint's handle of another it opened.
type busLink struct {
	from, to *BusEndpoint
	bid      uint32
	ended    bool // the target has ended; calls on it are aborted
}

// busCall is one call between two ends.
type busCall struct {
	caller, callee *callEnd
	link           *busLink // the bid the call tree started from
	parent         *busCall
	subs           map[*busCall]struct{}
	done           bool
}

// callEnd is one party's handle of a call.
type callEnd struct {
	ep   *BusEndpoint
	cid  uint64
	call *busCall
}

func (e *callEnd) peer() *callEnd {
	if e.call.caller == e {
		return e.call.callee
	}
	return e.call.caller
}

// NewBusEndpoint returns an endpoint for a Go program, which polls it for
// its events. Close it when done.
func (k *Kernel) NewBusEndpoint() *BusEndpoint {
	ep := k.newEndpoint(nil)
	k.bus.mu.Lock()
	if k.bus.goEps == nil {
		k.bus.goEps = map[*BusEndpoint]struct{}{}
	}
	k.bus.goEps[ep] = struct{}{}
	k.bus.mu.Unlock()
	return ep
}

func (k *Kernel) newEndpoint(p *Process) *BusEndpoint {
	return &BusEndpoint{k: k, proc: p, calls: map[uint64]*callEnd{}, bids: map[uint32]*busLink{}, openers: map[*busLink]struct{}{}}
}

// SetIdle sets what runs when the last handle another endpoint holds on
// ep is closed (a Go endpoint opened for one guest closes itself there).
func (ep *BusEndpoint) SetIdle(f func()) {
	ep.k.bus.mu.Lock()
	ep.idle = f
	ep.k.bus.mu.Unlock()
}

// AddBusService makes ep reachable by bus_open_local under name, before
// any program of that name.
func (k *Kernel) AddBusService(name string, ep *BusEndpoint) {
	k.bus.mu.Lock()
	defer k.bus.mu.Unlock()
	if k.bus.services == nil {
		k.bus.services = map[string]*BusEndpoint{}
	}
	k.bus.services[name] = ep
}

// SetBusRemote installs the handler of bus_open_remote.
func (k *Kernel) SetBusRemote(r BusRemote) {
	k.bus.mu.Lock()
	k.bus.remote = r
	k.bus.mu.Unlock()
}

// Bus returns the endpoint of p, made on first use. It is closed when p
// exits: its calls are aborted, its bus processes released, and those who
// opened it as a bus process get an exit event.
func (p *Process) Bus() *BusEndpoint {
	t := &p.k.bus
	t.mu.Lock()
	defer t.mu.Unlock()
	if ep := t.procs[p]; ep != nil {
		return ep
	}
	ep := p.k.newEndpoint(p)
	ep.idle = func() {
		p.Signal(wasix.SignalKill)
		p.awaitClosed()
	}
	if t.procs == nil {
		t.procs = map[*Process]*BusEndpoint{}
	}
	t.procs[p] = ep
	go func() {
		<-p.Exited()
		ep.Close()
		t.mu.Lock()
		started := ep.started
		t.mu.Unlock()
		if started {
			// Nobody knows its pid to join it: reap it once its run is over.
			p.awaitClosed()
			if parent := p.k.process(p.parentPid()); parent != nil {
				parent.JoinChild(context.Background(), p.pid, true)
			}
		}
	}()
	return ep
}

// validFormat reports whether f is one of the formats the ABI names.
func validFormat(f wasix.BusDataFormat) bool { return f <= wasix.BusDataFormatRkyv }

// handle finds the live end cid of ep. k.bus.mu is held.
func (ep *BusEndpoint) handle(cid uint64) (*callEnd, wasix.BusError) {
	if e := ep.calls[cid]; e != nil {
		return e, wasix.BusErrorSuccess
	}
	if cid != 0 && cid <= ep.lastCid {
		return nil, wasix.BusErrorAlreadyConsumed
	}
	return nil, wasix.BusErrorInvalidHandle
}

// post queues ev for ep and wakes its pollers. k.bus.mu is held.
func (ep *BusEndpoint) post(ev BusEvent) {
	if ep.closed {
		return
	}
	ep.events = append(ep.events, ev)
	ep.wq.notify()
}

// open gives ep a bid on to. k.bus.mu is held.
func (ep *BusEndpoint) open(to *BusEndpoint) uint32 {
	bid := uint32(1)
	for ep.bids[bid] != nil {
		bid++
	}
	l := &busLink{from: ep, to: to, bid: bid, ended: to.closed}
	ep.bids[bid] = l
	to.openers[l] = struct{}{}
	if to.closed {
		// It ended before it could be opened: say so at once.
		ep.post(BusEvent{Type: wasix.BusEventTypeExit, Bid: bid, Rval: to.rval, link: l})
	}
	return bid
}

// OpenLocal opens the bus process name (bus_open_local): a Go endpoint
// registered under that name, a bus process of it already running if reuse
// allows, or else a new one started from the command table or the files
// (as a child of the process of ep, if any).
func (ep *BusEndpoint) OpenLocal(name string, reuse bool) (uint32, wasix.BusError) {
	if name == "" {
		return 0, wasix.BusErrorBadRequest
	}
	t := &ep.k.bus
	t.mu.Lock()
	if ep.closed {
		t.mu.Unlock()
		return 0, wasix.BusErrorAborted
	}
	target := t.services[name]
	if target == nil && reuse {
		if r := t.running[name]; r != nil && !r.closed {
			target = r
		}
	}
	if target != nil {
		bid := ep.open(target)
		t.mu.Unlock()
		return bid, wasix.BusErrorSuccess
	}
	t.mu.Unlock()

	target, berr := ep.k.startBusProcess(ep.proc, name)
	if berr != wasix.BusErrorSuccess {
		return 0, berr
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if ep.closed {
		// The opener ended while the child started: nobody holds it.
		if target.idle != nil {
			go target.idle()
		}
		return 0, wasix.BusErrorAborted
	}
	if t.running == nil {
		t.running = map[string]*BusEndpoint{}
	}
	target.started = true
	if !target.closed {
		t.running[name], target.name = target, name
	}
	return ep.open(target), wasix.BusErrorSuccess
}

// OpenRemote opens the program name on a remote instance through the
// embedder's BusRemote (bus_open_remote); without one it is unsupported.
func (ep *BusEndpoint) OpenRemote(name, instance, token string, reuse bool) (uint32, wasix.BusError) {
	t := &ep.k.bus
	t.mu.Lock()
	r := t.remote
	t.mu.Unlock()
	if r == nil {
		return 0, wasix.BusErrorUnsupported
	}
	if name == "" || instance == "" {
		return 0, wasix.BusErrorBadRequest
	}
	target, berr := r.OpenRemote(name, instance, token, reuse)
	if berr != wasix.BusErrorSuccess {
		return 0, berr
	}
	if target == nil {
		return 0, wasix.BusErrorInternalFailure
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if ep.closed {
		return 0, wasix.BusErrorAborted
	}
	return ep.open(target), wasix.BusErrorSuccess
}

// CloseBus releases the bid (bus_close): the calls made through it end
// (their callees get close events) and a bus process nobody holds any
// more is killed.
func (ep *BusEndpoint) CloseBus(bid uint32) wasix.BusError {
	t := &ep.k.bus
	t.mu.Lock()
	l := ep.bids[bid]
	if l == nil {
		closed := ep.closed // read under the lock Close writes it under
		t.mu.Unlock()
		if closed {
			return wasix.BusErrorSuccess // Close released everything already
		}
		return wasix.BusErrorInvalidHandle
	}
	idle := ep.release(l)
	t.mu.Unlock()
	if idle != nil {
		idle()
	}
	return wasix.BusErrorSuccess
}

// release forgets the link l of ep and ends the calls made through it. It
// returns what to run, out of the lock, if the target is left idle.
// k.bus.mu is held.
func (ep *BusEndpoint) release(l *busLink) func() {
	delete(ep.bids, l.bid)
	delete(l.to.openers, l)
	for _, e := range ep.calls {
		if e.call.link == l {
			ep.closeEnd(e)
		}
	}
	if len(l.to.openers) == 0 && !l.to.closed && l.to != ep { // a process holding itself does not end itself
		return l.to.idle
	}
	return nil
}

// Call calls topic on the bus process bid with data in format (bus_call)
// and returns the caller's handle of the call.
func (ep *BusEndpoint) Call(bid uint32, topic wasix.Hash, format wasix.BusDataFormat, data []byte) (uint64, wasix.BusError) {
	if !validFormat(format) {
		return 0, wasix.BusErrorUnsupported
	}
	t := &ep.k.bus
	t.mu.Lock()
	defer t.mu.Unlock()
	l := ep.bids[bid]
	if ep.closed {
		return 0, wasix.BusErrorAborted
	}
	if l == nil {
		return 0, wasix.BusErrorInvalidHandle
	}
	if l.ended || l.to.closed {
		return 0, wasix.BusErrorAborted
	}
	if berr := ep.room(l.to); berr != wasix.BusErrorSuccess {
		return 0, berr
	}
	return ep.call(l.to, l, nil, 0, false, topic, format, data), wasix.BusErrorSuccess
}

// Subcall makes a call on behalf of the call parent, to the other end of
// that call (bus_subcall), and returns the caller's handle of it.
func (ep *BusEndpoint) Subcall(parent uint64, topic wasix.Hash, format wasix.BusDataFormat, data []byte) (uint64, wasix.BusError) {
	if !validFormat(format) {
		return 0, wasix.BusErrorUnsupported
	}
	t := &ep.k.bus
	t.mu.Lock()
	defer t.mu.Unlock()
	if ep.closed {
		return 0, wasix.BusErrorAborted
	}
	pe, berr := ep.handle(parent)
	if berr != wasix.BusErrorSuccess {
		return 0, berr
	}
	other := pe.peer()
	if pe.call.done || other.ep.closed {
		return 0, wasix.BusErrorAborted
	}
	if berr := ep.room(other.ep); berr != wasix.BusErrorSuccess {
		return 0, berr
	}
	return ep.call(other.ep, pe.call.link, pe.call, other.cid, true, topic, format, data), wasix.BusErrorSuccess
}

// room says whether ep may make one more call to target: the caller out
// of handles gets memory_allocation_failed, a callee with too many calls
// pending bus_invocation_failed. k.bus.mu is held.
func (ep *BusEndpoint) room(target *BusEndpoint) wasix.BusError {
	if len(ep.calls) >= maxBusCalls {
		return wasix.BusErrorMemoryAllocationFailed
	}
	if len(target.calls) >= maxBusCalls {
		return wasix.BusErrorBusInvocationFailed
	}
	return wasix.BusErrorSuccess
}

// call makes a call from ep to target and posts it there. k.bus.mu is
// held.
func (ep *BusEndpoint) call(target *BusEndpoint, l *busLink, parent *busCall, parentCid uint64, hasParent bool, topic wasix.Hash, format wasix.BusDataFormat, data []byte) uint64 {
	c := &busCall{link: l, parent: parent}
	c.caller = ep.newEnd(c)
	c.callee = target.newEnd(c)
	if parent != nil {
		if parent.subs == nil {
			parent.subs = map[*busCall]struct{}{}
		}
		parent.subs[c] = struct{}{}
	}
	target.post(BusEvent{Type: wasix.BusEventTypeCall, Cid: c.callee.cid, Parent: parentCid, HasParent: hasParent,
		Topic: topic, Format: format, Data: data})
	return c.caller.cid
}

func (ep *BusEndpoint) newEnd(c *busCall) *callEnd {
	ep.lastCid++
	e := &callEnd{ep: ep, cid: ep.lastCid, call: c}
	ep.calls[e.cid] = e
	return e
}

// Reply answers the call cid made to ep (call_reply) and releases the
// handle. A call whose caller is gone gives aborted.
func (ep *BusEndpoint) Reply(cid uint64, format wasix.BusDataFormat, data []byte) wasix.BusError {
	t := &ep.k.bus
	t.mu.Lock()
	defer t.mu.Unlock()
	e, berr := ep.callee(cid)
	if berr != wasix.BusErrorSuccess {
		return berr
	}
	if !validFormat(format) {
		return wasix.BusErrorUnsupported
	}
	delete(ep.calls, cid)
	if e.call.done {
		return wasix.BusErrorAborted
	}
	ep.finish(e.call, BusEvent{Type: wasix.BusEventTypeResult, Format: format, Data: data})
	return wasix.BusErrorSuccess
}

// Fault fails the call cid made to ep with fault (call_fault) and
// releases the handle.
func (ep *BusEndpoint) Fault(cid uint64, fault wasix.BusError) wasix.BusError {
	t := &ep.k.bus
	t.mu.Lock()
	defer t.mu.Unlock()
	e, berr := ep.callee(cid)
	if berr != wasix.BusErrorSuccess {
		return berr
	}
	delete(ep.calls, cid)
	if e.call.done {
		return wasix.BusErrorAborted
	}
	if fault == wasix.BusErrorSuccess {
		fault = wasix.BusErrorUnknownError // a fault says that something failed
	}
	ep.finish(e.call, BusEvent{Type: wasix.BusEventTypeFault, Fault: fault})
	return wasix.BusErrorSuccess
}

// callee finds the live end cid of ep, which must be a call made to ep.
// k.bus.mu is held.
func (ep *BusEndpoint) callee(cid uint64) (*callEnd, wasix.BusError) {
	e, berr := ep.handle(cid)
	if berr != wasix.BusErrorSuccess {
		return nil, berr
	}
	if e.call.callee != e {
		return nil, wasix.BusErrorInvalidHandle // ep made this call: only its callee answers it
	}
	return e, wasix.BusErrorSuccess
}

// finish ends the call c with ev, posted to its caller, and aborts its
// subcalls. k.bus.mu is held.
func (ep *BusEndpoint) finish(c *busCall, ev BusEvent) {
	c.done = true
	ev.Cid = c.caller.cid
	c.caller.ep.post(ev)
	c.endSubs()
}

// endSubs aborts the subcalls of c still in progress: their callers get a
// fault (aborted), their callees a close event. k.bus.mu is held.
func (c *busCall) endSubs() {
	for s := range c.subs {
		if !s.done {
			s.done = true
			s.caller.ep.post(BusEvent{Type: wasix.BusEventTypeFault, Cid: s.caller.cid, Fault: wasix.BusErrorAborted})
			s.callee.ep.post(BusEvent{Type: wasix.BusEventTypeClose, Cid: s.callee.cid})
			s.endSubs()
		}
	}
	c.subs = nil
}

// CloseCall releases the handle cid (call_close). A call still in progress
// ends: the other end gets a close event. Unknown handles are ignored, as
// the call has no result.
func (ep *BusEndpoint) CloseCall(cid uint64) {
	t := &ep.k.bus
	t.mu.Lock()
	defer t.mu.Unlock()
	if e := ep.calls[cid]; e != nil {
		ep.closeEnd(e)
	}
}

// closeEnd releases e and ends its call. k.bus.mu is held.
func (ep *BusEndpoint) closeEnd(e *callEnd) {
	delete(ep.calls, e.cid)
	if e.call.done {
		return
	}
	e.call.done = true
	p := e.peer()
	p.ep.post(BusEvent{Type: wasix.BusEventTypeClose, Cid: p.cid})
	e.call.endSubs()
}

// Poll waits up to timeout (forever if negative) for events and returns at
// most max of them; it returns early, with none, when ctx ends. A closed
// endpoint gives aborted.
func (ep *BusEndpoint) Poll(ctx context.Context, timeout time.Duration, max int) ([]BusEvent, wasix.BusError) {
	return ep.poll(ctx, timeout, max, nil)
}

// poll is Poll with a hook that readies each event before it is taken
// (Process.BusPoll gives payloads a descriptor); an error from the hook
// stops the poll, keeping that event queued.
func (ep *BusEndpoint) poll(ctx context.Context, timeout time.Duration, max int, ready func(*BusEvent) wasix.BusError) ([]BusEvent, wasix.BusError) {
	if max <= 0 {
		return nil, wasix.BusErrorSuccess
	}
	t := &ep.k.bus
	var out []BusEvent
	var berr wasix.BusError
	take := func() bool {
		t.mu.Lock()
		defer t.mu.Unlock()
		if ep.closed {
			berr = wasix.BusErrorAborted
			return true
		}
		i := 0
		for ; i < len(ep.events) && len(out) < max; i++ {
			ev := ep.events[i]
			if !ep.live(&ev) {
				continue
			}
			if ready != nil {
				if berr = ready(&ev); berr != wasix.BusErrorSuccess {
					break
				}
			}
			ep.delivered(&ev)
			if out == nil {
				out = make([]BusEvent, 0, min(max, len(ep.events)-i))
			}
			out = append(out, ev)
		}
		// Keep the queue's array: most polls take everything.
		n := copy(ep.events, ep.events[i:])
		clear(ep.events[n:])
		ep.events = ep.events[:n]
		return len(out) > 0 || berr != wasix.BusErrorSuccess
	}
	if timeout == 0 {
		take()
	} else {
		if timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, timeout)
			defer cancel()
		}
		_ = ep.wq.waitUntil(ctx, take)
	}
	if len(out) > 0 {
		return out, wasix.BusErrorSuccess
	}
	return nil, berr
}

// live reports whether ev still concerns a handle ep holds. k.bus.mu is
// held.
func (ep *BusEndpoint) live(ev *BusEvent) bool {
	if ev.Type == wasix.BusEventTypeExit {
		return ep.bids[ev.Bid] == ev.link
	}
	return ep.calls[ev.Cid] != nil
}

// delivered releases the handle an event ends: a caller's handle with the
// result, fault or close of its call, a callee's with the close.
// k.bus.mu is held.
func (ep *BusEndpoint) delivered(ev *BusEvent) {
	switch ev.Type {
	case wasix.BusEventTypeResult, wasix.BusEventTypeFault, wasix.BusEventTypeClose:
		delete(ep.calls, ev.Cid)
	}
}

// Close ends the endpoint: the calls it takes part in end (callers get a
// fault, aborted; callees a close event), the bus processes it opened are
// released, and those who opened it get an exit event with the exit code
// of its process. It is safe to call more than once.
func (ep *BusEndpoint) Close() {
	t := &ep.k.bus
	t.mu.Lock()
	if ep.closed {
		t.mu.Unlock()
		return
	}
	var rval uint32
	if ep.proc != nil {
		rval, _ = ep.proc.ExitCode()
		ep.rval = rval
		delete(t.procs, ep.proc)
	}
	delete(t.goEps, ep)
	if ep.name != "" && t.running[ep.name] == ep {
		delete(t.running, ep.name)
	}
	for _, e := range ep.calls {
		if e.call.done {
			continue
		}
		e.call.done = true
		p := e.peer()
		if p == e.call.caller {
			p.ep.post(BusEvent{Type: wasix.BusEventTypeFault, Cid: p.cid, Fault: wasix.BusErrorAborted})
		} else {
			p.ep.post(BusEvent{Type: wasix.BusEventTypeClose, Cid: p.cid})
		}
		e.call.endSubs()
	}
	ep.calls = map[uint64]*callEnd{}
	var idle []func()
	for _, l := range ep.bids {
		if f := ep.release(l); f != nil {
			idle = append(idle, f)
		}
	}
	for l := range ep.openers {
		l.ended = true
		l.from.post(BusEvent{Type: wasix.BusEventTypeExit, Bid: l.bid, Rval: rval, link: l})
	}
	ep.closed = true
	ep.events = nil
	ep.wq.notify()
	t.mu.Unlock()
	for _, f := range idle {
		f()
	}
}
