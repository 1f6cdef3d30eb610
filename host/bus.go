package host

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"sync"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/abi"
	"github.com/wasix-go/wasix/internal/kernel"
)

// BusTopic is the 128-bit hash that names a topic on the bus.
type BusTopic struct{ B0, B1 uint64 }

// Topic returns the hash of a topic name: the first 16 bytes of its
// SHA-256, read as two little-endian halves. Wasmer's 2022 bus named
// topics this way, and the project's guests do too.
func Topic(name string) BusTopic {
	sum := sha256.Sum256([]byte(name))
	return BusTopic{B0: binary.LittleEndian.Uint64(sum[:8]), B1: binary.LittleEndian.Uint64(sum[8:16])}
}

func (t BusTopic) hash() wasix.Hash { return wasix.Hash{B0: t.B0, B1: t.B1} }

// BusCall is a call a guest made to a Go endpoint. The handler answers it
// once, with Reply or Fault; it may make subcalls back to the caller
// before.
type BusCall struct {
	// Topic is the hash of the topic called; compare it with Topic(name).
	Topic BusTopic
	// Format says how Data is encoded.
	Format wasix.BusDataFormat
	// Data is the request.
	Data []byte

	g      *goEndpoint
	cid    uint64
	ctx    context.Context
	cancel context.CancelFunc
}

// Context returns a context that ends when the call does: answered, given
// up by the caller (which closed it or exited), or the runtime closed.
func (c *BusCall) Context() context.Context { return c.ctx }

// Reply answers the call with data in format. The error is a
// wasix.BusError, aborted if the caller is gone.
func (c *BusCall) Reply(format wasix.BusDataFormat, data []byte) error {
	defer c.g.done(c)
	return busErr(c.g.ep.Reply(c.cid, format, data))
}

// Fault makes the call fail with code.
func (c *BusCall) Fault(code wasix.BusError) error {
	defer c.g.done(c)
	return busErr(c.g.ep.Fault(c.cid, code))
}

// Subcall calls topic back on the caller, on behalf of this call, and
// waits for its answer; the guest sees the call with this one as parent.
func (c *BusCall) Subcall(ctx context.Context, topic BusTopic, format wasix.BusDataFormat, data []byte) (wasix.BusDataFormat, []byte, error) {
	return c.g.call(ctx, func() (uint64, wasix.BusError) {
		return c.g.ep.Subcall(c.cid, topic.hash(), format, data)
	})
}

// BusHandler serves the calls guests make to a Go endpoint. ServeBus runs
// on a goroutine of its own for each call.
type BusHandler interface {
	ServeBus(call *BusCall)
}

// BusHandlerFunc adapts a function to BusHandler.
type BusHandlerFunc func(call *BusCall)

// ServeBus calls f(call).
func (f BusHandlerFunc) ServeBus(call *BusCall) { f(call) }

// AddBusService makes h reachable by guests as the bus process name:
// bus_open_local(name) opens it rather than a program of that name.
func (r *Runtime) AddBusService(name string, h BusHandler) {
	r.kern.AddBusService(name, newGoEndpoint(r.kern, h).ep)
}

// BusRemote opens bus processes on remote instances for guests'
// bus_open_remote. Without one, that call is unsupported.
type BusRemote interface {
	// OpenRemote returns the handler standing for the program name on
	// instance, given the guest's token. An error that is a
	// wasix.BusError reaches the guest as such (access_denied for a bad
	// token, fetch_wapm, ...); any other error as internal_failure.
	OpenRemote(name, instance, token string, reuse bool) (BusHandler, error)
}

// SetBusRemote installs the handler of bus_open_remote; nil removes it.
func (r *Runtime) SetBusRemote(rem BusRemote) {
	if rem == nil {
		r.kern.SetBusRemote(nil)
		return
	}
	r.kern.SetBusRemote(remoteAdapter{r.kern, rem})
}

type remoteAdapter struct {
	k   *kernel.Kernel
	rem BusRemote
}

// OpenRemote gives each open an endpoint of its own, closed when the
// guest closes its handle.
func (a remoteAdapter) OpenRemote(name, instance, token string, reuse bool) (*kernel.BusEndpoint, wasix.BusError) {
	h, err := a.rem.OpenRemote(name, instance, token, reuse)
	if err != nil {
		var be wasix.BusError
		if errors.As(err, &be) && be != wasix.BusErrorSuccess {
			return nil, be
		}
		return nil, wasix.BusErrorInternalFailure
	}
	g := newGoEndpoint(a.k, h)
	g.ep.SetIdle(g.ep.Close)
	return g.ep, wasix.BusErrorSuccess
}

// ServesBus reports whether the program imports bus_poll, without which it
// cannot serve calls: the kernel refuses to open any other as a bus
// process (invalid_abi).
func (m *Module) ServesBus() bool {
	for _, f := range m.imports {
		if mod, name, _ := f.Import(); mod == abi.ModuleWasix && name == "bus_poll" {
			return true
		}
	}
	return false
}

// BusClient is a Go program's handle on a bus process, for calling its
// topics.
type BusClient struct {
	g   *goEndpoint
	bid uint32
}

// OpenBus opens the bus process name as bus_open_local does: a Go
// endpoint of that name, a running instance if reuse allows, or a program
// from the command table or the runtime's root filesystem (a run's mounts
// are not there), started as a process of its own whose output is
// discarded.
func (r *Runtime) OpenBus(name string, reuse bool) (*BusClient, error) {
	r.launcher() // the runner that starts programs
	g := newGoEndpoint(r.kern, nil)
	bid, berr := g.ep.OpenLocal(name, reuse)
	if berr != wasix.BusErrorSuccess {
		g.ep.Close()
		return nil, berr
	}
	return &BusClient{g: g, bid: bid}, nil
}

// Call calls topic with data in format and waits for the answer: the
// result's format and data, or an error, a wasix.BusError for a fault
// (aborted if the bus process ended or closed the call), or ctx's error,
// in which case the call is closed.
func (c *BusClient) Call(ctx context.Context, topic BusTopic, format wasix.BusDataFormat, data []byte) (wasix.BusDataFormat, []byte, error) {
	return c.g.call(ctx, func() (uint64, wasix.BusError) {
		return c.g.ep.Call(c.bid, topic.hash(), format, data)
	})
}

// Close releases the bus process (a program nobody else holds ends).
func (c *BusClient) Close() error {
	err := busErr(c.g.ep.CloseBus(c.bid))
	c.g.ep.Close()
	return err
}

// goEndpoint is a kernel endpoint driven by a goroutine: calls made to it
// go to the handler, the ends of its own calls to their waiters.
type goEndpoint struct {
	ep *kernel.BusEndpoint
	h  BusHandler

	mu      sync.Mutex
	pending map[uint64]chan kernel.BusEvent // calls made, by cid
	serving map[uint64]*BusCall             // calls being served, by cid
}

func newGoEndpoint(k *kernel.Kernel, h BusHandler) *goEndpoint {
	g := &goEndpoint{ep: k.NewBusEndpoint(), h: h, pending: map[uint64]chan kernel.BusEvent{}, serving: map[uint64]*BusCall{}}
	go g.loop()
	return g
}

// loop dispatches the endpoint's events until it is closed.
func (g *goEndpoint) loop() {
	for {
		evs, berr := g.ep.Poll(context.Background(), -1, 64)
		if berr != wasix.BusErrorSuccess {
			g.mu.Lock()
			for cid, ch := range g.pending {
				ch <- kernel.BusEvent{Type: wasix.BusEventTypeFault, Cid: cid, Fault: wasix.BusErrorAborted}
				delete(g.pending, cid)
			}
			for _, c := range g.serving {
				c.cancel()
			}
			g.mu.Unlock()
			return
		}
		for _, ev := range evs {
			switch ev.Type {
			case wasix.BusEventTypeCall:
				c := &BusCall{Topic: BusTopic{ev.Topic.B0, ev.Topic.B1}, Format: ev.Format, Data: ev.Data, g: g, cid: ev.Cid}
				c.ctx, c.cancel = context.WithCancel(context.Background())
				if g.h == nil {
					_ = c.Fault(wasix.BusErrorInvalidTopic)
					continue
				}
				g.mu.Lock()
				g.serving[c.cid] = c
				g.mu.Unlock()
				go g.h.ServeBus(c)
			case wasix.BusEventTypeResult, wasix.BusEventTypeFault, wasix.BusEventTypeClose:
				g.mu.Lock()
				if c := g.serving[ev.Cid]; c != nil && ev.Type == wasix.BusEventTypeClose {
					delete(g.serving, ev.Cid) // the caller gave up
					c.cancel()
				}
				ch := g.pending[ev.Cid]
				delete(g.pending, ev.Cid)
				g.mu.Unlock()
				if ch != nil {
					ch <- ev
				}
			}
		}
	}
}

// done forgets a call served, once answered.
func (g *goEndpoint) done(c *BusCall) {
	g.mu.Lock()
	delete(g.serving, c.cid)
	g.mu.Unlock()
	c.cancel()
}

// call makes a call with start and waits for its end.
func (g *goEndpoint) call(ctx context.Context, start func() (uint64, wasix.BusError)) (wasix.BusDataFormat, []byte, error) {
	ch := make(chan kernel.BusEvent, 1)
	g.mu.Lock()
	cid, berr := start()
	if berr == wasix.BusErrorSuccess {
		g.pending[cid] = ch
	}
	g.mu.Unlock()
	if berr != wasix.BusErrorSuccess {
		return 0, nil, berr
	}
	select {
	case ev := <-ch:
		switch ev.Type {
		case wasix.BusEventTypeResult:
			return ev.Format, ev.Data, nil
		case wasix.BusEventTypeFault:
			return 0, nil, ev.Fault
		}
		return 0, nil, wasix.BusErrorAborted
	case <-ctx.Done():
		g.mu.Lock()
		delete(g.pending, cid)
		g.mu.Unlock()
		g.ep.CloseCall(cid)
		return 0, nil, ctx.Err()
	}
}

// busErr turns a bus_error into an error, nil for success.
func busErr(e wasix.BusError) error {
	if e == wasix.BusErrorSuccess {
		return nil
	}
	return e
}
