package kernel

import (
	"context"
	"errors"
	"sync"
	"syscall"
	"time"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/hostnet"
	"github.com/wasix-go/wasix/internal/httpc"
	"github.com/wasix-go/wasix/internal/tlsproc"
	"github.com/wasix-go/wasix/internal/vfs"
)

// rightsSocket is what a socket descriptor may do.
const rightsSocket = rightsStream | wasix.RightsSockShutdown | wasix.RightsSockAccept |
	wasix.RightsSockConnect | wasix.RightsSockListen

// The timeouts a socket keeps for its blocking calls (sock_set_opt_time).
const (
	toRecv = iota
	toSend
	toConnect
	toAccept
	numTimeouts
)

// socket is a descriptor object over a non-blocking host socket. The
// blocking behaviour a guest sees (a descriptor without the nonblock flag)
// is made here: an operation that would block waits on q, which the host
// socket's watchers poke on every readiness edge.
type socket struct {
	h    *hostnet.Socket
	q    waitq
	ino  uint64
	host *hostFDs // the budget its host descriptor counts against

	mu         sync.Mutex
	connecting bool  // a non-blocking connect has not been seen to end
	connErr    error // how the last connect ended, for sock_status
	timeouts   [numTimeouts]time.Duration
}

func newSocketObj(h *hostnet.Socket) *socket { return &socket{h: h, ino: nextPipeIno()} }

func (s *socket) read(ctx context.Context, bufs [][]byte, nonblock bool) (int, error) {
	n, _, _, err := s.recv(ctx, bufs, 0, false, nonblock)
	return n, err
}

func (s *socket) write(ctx context.Context, bufs [][]byte, nonblock bool) (int, error) {
	return s.send(ctx, bufs, nil, nonblock)
}

func (s *socket) stat() (vfs.Stat, error) {
	return vfs.Stat{Ino: s.ino, Type: vfs.TypeSocket, Nlink: 1, Mode: 0o600}, nil
}

func (s *socket) filetype() wasix.Filetype {
	if s.h.Type == hostnet.Dgram {
		return wasix.FiletypeSocketDgram
	}
	return wasix.FiletypeSocketStream
}

func (s *socket) poll(write bool) (bool, uint64, bool) { return s.h.Ready(write) }

// waiters starts the host socket's watchers (once) and returns the queue
// they poke.
func (s *socket) waiters() []*waitq {
	s.watch(false)
	s.watch(true)
	return []*waitq{&s.q}
}

// edges is edger's, for edge-triggered epoll: the pokes of s.q (the
// watchers started, as waiters starts them), without the slice waiters
// makes at every look.
func (s *socket) edges() (r, w uint64) {
	s.watch(false)
	s.watch(true)
	return s.q.seq[0].Load(), s.q.seq[1].Load()
}

// watch starts the host watcher of one direction, which pokes s.q.
func (s *socket) watch(write bool) {
	if write {
		s.h.Watch(true, s.q.notifyWriters)
	} else {
		s.h.Watch(false, s.q.notifyReaders)
	}
}

func (s *socket) close() error {
	if s.host != nil {
		s.host.put()
	}
	return s.h.Close()
}

func (s *socket) timeout(i int) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.timeouts[i]
}

// retry runs op until it stops failing with EAGAIN. Non-blocking, it
// returns at once; blocking, it waits for the next readiness edge between
// attempts, up to the timeout (then EAGAIN, as SO_RCVTIMEO does) or the end
// of ctx (EINTR). The first attempt is made before registering, so the
// common case costs nothing more than the host call.
func (s *socket) retry(ctx context.Context, write, nonblock bool, timeout time.Duration, op func() error) error {
	err := op()
	if err != syscall.EAGAIN || nonblock {
		return err
	}
	s.watch(write)
	ch := make(chan struct{}, 1)
	s.q.add(ch)
	defer s.q.remove(ch)
	var tc <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		tc = t.C
	}
	for {
		if err = op(); err != syscall.EAGAIN {
			return err
		}
		select {
		case <-ch:
		case <-tc:
			return syscall.EAGAIN
		case <-ctx.Done():
			return syscall.EINTR
		}
	}
}

// recv receives into bufs. waitall keeps a blocking stream receive going
// until bufs are full or the stream ends.
func (s *socket) recv(ctx context.Context, bufs [][]byte, fl hostnet.RecvFlags, waitall, nonblock bool) (int, bool, hostnet.Addr, error) {
	var n int
	var trunc bool
	var from hostnet.Addr
	total := iovLen(bufs)
	err := s.retry(ctx, false, nonblock, s.timeout(toRecv), func() error {
		var err error
		n, trunc, from, err = s.h.Recv(bufs, fl)
		return err
	})
	if err != nil || !waitall || nonblock || s.h.Type != hostnet.Stream || fl&hostnet.RecvPeek != 0 {
		return n, trunc, from, err
	}
	got := n
	for got < total && n > 0 {
		rest := advance(bufs, got)
		err = s.retry(ctx, false, false, s.timeout(toRecv), func() error {
			var err error
			n, _, _, err = s.h.Recv(rest, 0)
			return err
		})
		if err != nil {
			break // what was read is returned; the error comes next time
		}
		got += n
	}
	return got, false, from, nil
}

// send sends bufs (to the address to, if not nil). A blocking stream send
// goes on until everything is written, as write(2) on a blocking socket.
func (s *socket) send(ctx context.Context, bufs [][]byte, to *hostnet.Addr, nonblock bool) (int, error) {
	total := iovLen(bufs)
	sent := 0
	for {
		rest := advance(bufs, sent)
		var n int
		err := s.retry(ctx, true, nonblock, s.timeout(toSend), func() error {
			var err error
			n, err = s.h.Send(rest, to)
			return err
		})
		sent += n
		if err != nil {
			if sent > 0 {
				return sent, nil
			}
			return 0, err
		}
		if sent >= total || nonblock || s.h.Type != hostnet.Stream {
			return sent, nil
		}
	}
}

// advance returns the part of bufs after the first skip bytes.
func advance(bufs [][]byte, skip int) [][]byte {
	for len(bufs) > 0 && skip >= len(bufs[0]) {
		skip -= len(bufs[0])
		bufs = bufs[1:]
	}
	if len(bufs) == 0 || skip == 0 {
		return bufs
	}
	out := make([][]byte, len(bufs))
	copy(out, bufs)
	out[0] = out[0][skip:]
	return out
}

// iovLen is the total length of the buffers of a vectored read or write.
func iovLen(bufs [][]byte) int {
	n := 0
	for _, b := range bufs {
		n += len(b)
	}
	return n
}

// netErrno turns an error of the network layer into an errno: a policy
// denial is EACCES.
func netErrno(err error) wasix.Errno {
	switch {
	case err == nil:
		return wasix.ErrnoSuccess
	case errors.Is(err, hostnet.ErrDenied):
		return wasix.ErrnoAcces
	case errors.Is(err, hostnet.ErrUnsupported):
		return wasix.ErrnoNotsup
	case errors.Is(err, hostnet.ErrNotFound):
		return wasix.ErrnoNoent
	case errors.Is(err, httpc.ErrNoTLS), errors.Is(err, tlsproc.ErrNoHelper):
		return wasix.ErrnoNotsup
	}
	return ToErrno(err)
}

// sock returns the socket behind fd: EBADF if fd is not open, ENOTSOCK if
// it is not a socket, ENOTCAPABLE without the rights need.
func (p *Process) sock(fd wasix.Fd, need wasix.Rights) (*socket, fdEntry, wasix.Errno) {
	e, errno := p.fds.get(fd, 0)
	if errno != wasix.ErrnoSuccess {
		return nil, e, errno
	}
	s, ok := e.of.obj.(*socket)
	if !ok {
		return nil, e, wasix.ErrnoNotsock
	}
	if e.base&need != need {
		return nil, e, wasix.ErrnoNotcapable
	}
	return s, e, wasix.ErrnoSuccess
}

// network returns the runtime's network; nil when networking is off.
func (p *Process) network() *hostnet.Network { return p.k.cfg.Net }

// addSocket gives a new host socket a descriptor, counting it against the
// runtime's host descriptors (ENFILE past them, the socket closed).
func (p *Process) addSocket(h *hostnet.Socket, flags wasix.Fdflags) (wasix.Fd, wasix.Errno) {
	if !p.k.host.take() {
		_ = h.Close()
		return 0, wasix.ErrnoNfile
	}
	s := newSocketObj(h)
	s.host = &p.k.host
	return p.add(newOpenFile(s, flags), rightsSocket, rightsSocket, false)
}

// SockOpen opens a socket (sock_open). Protocol 0, or the one the type
// implies (TCP for stream, UDP for datagrams), are accepted. Without
// networking it fails with EACCES.
func (p *Process) SockOpen(fam hostnet.Family, typ hostnet.SockType, proto uint16) (wasix.Fd, wasix.Errno) {
	if p.network() == nil {
		return 0, wasix.ErrnoAcces
	}
	switch {
	case fam != hostnet.Inet4 && fam != hostnet.Inet6 && fam != hostnet.Unix:
		return 0, wasix.ErrnoAfnosupport
	case typ != hostnet.Stream && typ != hostnet.Dgram:
		return 0, wasix.ErrnoNotsup
	case proto == 0, typ == hostnet.Stream && proto == 6 && fam != hostnet.Unix,
		typ == hostnet.Dgram && proto == 17 && fam != hostnet.Unix:
	default:
		return 0, wasix.ErrnoProtonosupport
	}
	h, err := hostnet.Open(fam, typ, 0)
	if err != nil {
		return 0, netErrno(err)
	}
	fd, errno := p.addSocket(h, 0)
	return fd, errno
}

// The protocol numbers of sock_proto that sock_pair understands.
const (
	sockProtoTCP = 6
	sockProtoUDP = 17
)

// SockPair makes two connected local sockets (sock_pair). They reach no
// network, so the policy is not asked.
func (p *Process) SockPair(fam hostnet.Family, typ hostnet.SockType, proto uint16) (wasix.Fd, wasix.Fd, wasix.Errno) {
	switch fam {
	case hostnet.Unix, hostnet.Unspec:
	case hostnet.Inet4, hostnet.Inet6:
		return 0, 0, wasix.ErrnoNotsup // as socketpair(2) of AF_INET
	default:
		return 0, 0, wasix.ErrnoAfnosupport
	}
	if typ != hostnet.Stream && typ != hostnet.Dgram {
		return 0, 0, wasix.ErrnoNotsup
	}
	// wasix-libc's socketpair turns protocol 0 into TCP for a stream and
	// UDP for a datagram pair; Wasmer takes them, and refuses either with
	// the other type.
	switch proto {
	case 0:
	case sockProtoTCP:
		if typ != hostnet.Stream {
			return 0, 0, wasix.ErrnoNotsup
		}
	case sockProtoUDP:
		if typ != hostnet.Dgram {
			return 0, 0, wasix.ErrnoNotsup
		}
	default:
		return 0, 0, wasix.ErrnoProtonosupport
	}
	a, b, err := hostnet.Pair(typ)
	if err != nil {
		return 0, 0, netErrno(err)
	}
	fa, errno := p.addSocket(a, 0)
	if errno != wasix.ErrnoSuccess {
		b.Close()
		return 0, 0, errno
	}
	fb, errno := p.addSocket(b, 0)
	if errno != wasix.ErrnoSuccess {
		p.FdClose(fa)
		return 0, 0, errno
	}
	return fa, fb, wasix.ErrnoSuccess
}

// SockBind binds a socket after the policy allowed the address (sock_bind).
func (p *Process) SockBind(fd wasix.Fd, a hostnet.Addr) wasix.Errno {
	s, _, errno := p.sock(fd, 0)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	if !fits(s, a) {
		return wasix.ErrnoAfnosupport
	}
	if err := p.network().Policy().Check(hostnet.OpBind, a); err != nil {
		return netErrno(err)
	}
	return netErrno(s.h.Bind(a))
}

// SockListen makes a stream socket listen (sock_listen). An unbound socket
// would be bound by the host to every interface, so that needs the policy
// to allow binding the unspecified address.
func (p *Process) SockListen(fd wasix.Fd, backlog int) wasix.Errno {
	s, _, errno := p.sock(fd, wasix.RightsSockListen)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	if s.h.Type != hostnet.Stream {
		return wasix.ErrnoNotsup
	}
	if err := p.autobindLoopback(s, nil); err != nil {
		return netErrno(err)
	}
	if la, err := s.h.LocalAddr(); err == nil && la.Family != hostnet.Unix && la.IP.Port() == 0 {
		if err := p.network().Policy().Check(hostnet.OpBind, la); err != nil {
			return netErrno(err)
		}
	}
	return netErrno(s.h.Listen(max(backlog, 1)))
}

// SockAccept takes a connection from a listening socket (sock_accept and
// sock_accept_v2), waiting for one unless the socket is non-blocking. The
// new descriptor gets flags (only nonblock is meaningful).
func (p *Process) SockAccept(ctx context.Context, fd wasix.Fd, flags wasix.Fdflags) (wasix.Fd, hostnet.Addr, wasix.Errno) {
	s, e, errno := p.sock(fd, wasix.RightsSockAccept)
	if errno != wasix.ErrnoSuccess {
		return 0, hostnet.Addr{}, errno
	}
	if flags&^(wasix.FdflagsNonblock|wasix.FdflagsAppend|wasix.FdflagsDsync|wasix.FdflagsRsync|wasix.FdflagsSync) != 0 {
		return 0, hostnet.Addr{}, wasix.ErrnoInval
	}
	var c *hostnet.Socket
	var peer hostnet.Addr
	err := s.retry(ctx, false, e.of.nonblock(), s.timeout(toAccept), func() error {
		var err error
		c, peer, err = s.h.Accept()
		return err
	})
	if err != nil {
		return 0, hostnet.Addr{}, netErrno(err)
	}
	nfd, errno := p.addSocket(c, flags&wasix.FdflagsNonblock)
	return nfd, peer, errno
}

// SockConnect connects a socket after the policy allowed the address
// (sock_connect). A non-blocking stream socket answers EINPROGRESS; its
// descriptor becomes writable when the connection is made or has failed,
// which sock_status and the last_error option then tell.
func (p *Process) SockConnect(ctx context.Context, fd wasix.Fd, a hostnet.Addr) wasix.Errno {
	s, e, errno := p.sock(fd, wasix.RightsSockConnect)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	if !fits(s, a) {
		return wasix.ErrnoAfnosupport
	}
	if err := p.network().Policy().Check(hostnet.OpConnect, a); err != nil {
		return netErrno(err)
	}
	if err := p.autobindLoopback(s, &a); err != nil {
		return netErrno(err)
	}
	err := s.h.Connect(a)
	if err != syscall.EINPROGRESS && err != syscall.EAGAIN {
		s.setConnected(err)
		return netErrno(err)
	}
	s.mu.Lock()
	s.connecting, s.connErr = true, nil
	s.mu.Unlock()
	if e.of.nonblock() {
		return wasix.ErrnoInprogress
	}
	err = s.retry(ctx, true, false, s.timeout(toConnect), func() error {
		if ok, _, _ := s.h.Ready(true); !ok {
			return syscall.EAGAIN
		}
		return nil
	})
	if err == syscall.EAGAIN {
		err = syscall.ETIMEDOUT
	}
	if err == nil {
		err = s.h.TakeError()
	}
	if err == nil {
		// Connecting again moves the host's socket from connecting to
		// connected, as a blocking connect leaves it, so that the next
		// connect is EISCONN (the first after a non-blocking one is 0).
		_ = s.h.Connect(a)
	}
	s.setConnected(err)
	return netErrno(err)
}

// fits says whether a can be an endpoint of s: an address of its family,
// or IPv4 for an IPv6 socket (dual stack). Others are EAFNOSUPPORT, before
// the policy is asked about them.
func fits(s *socket, a hostnet.Addr) bool {
	return a.Family == s.h.Family || a.Family == hostnet.Inet4 && s.h.Family == hostnet.Inet6
}

// placed says whether the socket has an address of its own or a peer:
// bound (a port, or a unix path), or connected.
func (s *socket) placed() bool {
	if la, err := s.h.LocalAddr(); err == nil && (la.Family == hostnet.Unix && la.Path != "" || la.IP.Port() != 0) {
		return true
	}
	_, err := s.h.PeerAddr()
	return err == nil
}

func (s *socket) setConnected(err error) {
	s.mu.Lock()
	s.connecting, s.connErr = false, err
	s.mu.Unlock()
}

// SockStatus tells whether a socket is still being set up (opening: not
// bound, listening or connected, or connecting), is set up (opened) or
// failed to connect (sock_status), as Wasmer tells them.
func (p *Process) SockStatus(fd wasix.Fd) (wasix.SockStatusType, wasix.Errno) {
	s, _, errno := p.sock(fd, 0)
	if errno != wasix.ErrnoSuccess {
		return 0, errno
	}
	s.mu.Lock()
	connecting := s.connecting
	s.mu.Unlock()
	if connecting {
		if ok, _, _ := s.h.Ready(true); !ok {
			return wasix.SockStatusOpening, wasix.ErrnoSuccess
		}
		s.setConnected(s.h.TakeError())
	}
	s.mu.Lock()
	failed := s.connErr != nil
	s.mu.Unlock()
	switch {
	case failed:
		return wasix.SockStatusFailed, wasix.ErrnoSuccess
	case !s.placed():
		return wasix.SockStatusOpening, wasix.ErrnoSuccess
	}
	return wasix.SockStatusOpened, wasix.ErrnoSuccess
}

// RecvFlags are the options of SockRecv.
type RecvFlags struct {
	Peek, WaitAll, Trunc, DontWait bool
	// From asks for the sender's address (sock_recv_from); for a
	// connected socket that is the peer.
	From bool
}

// SockRecv receives from a socket (sock_recv, sock_recv_from): the bytes
// read, whether a datagram was cut, and the sender.
func (p *Process) SockRecv(ctx context.Context, fd wasix.Fd, bufs [][]byte, f RecvFlags) (uint32, bool, hostnet.Addr, wasix.Errno) {
	s, e, errno := p.sock(fd, wasix.RightsFdRead)
	if errno != wasix.ErrnoSuccess {
		return 0, false, hostnet.Addr{}, errno
	}
	var fl hostnet.RecvFlags
	if f.Peek {
		fl |= hostnet.RecvPeek
	}
	if f.Trunc {
		fl |= hostnet.RecvTrunc
	}
	n, trunc, from, err := s.recv(ctx, bufs, fl, f.WaitAll, f.DontWait || e.of.nonblock())
	if err != nil {
		return 0, false, hostnet.Addr{}, netErrno(err)
	}
	if f.From && from.Family == hostnet.Unspec {
		if pa, err := s.h.PeerAddr(); err == nil {
			from = pa
		}
	}
	return uint32(n), trunc, from, wasix.ErrnoSuccess
}

// SockSend sends on a socket (sock_send, and sock_send_to with an
// address, which the policy must allow).
func (p *Process) SockSend(ctx context.Context, fd wasix.Fd, bufs [][]byte, to *hostnet.Addr) (uint32, wasix.Errno) {
	s, e, errno := p.sock(fd, wasix.RightsFdWrite)
	if errno != wasix.ErrnoSuccess {
		return 0, errno
	}
	if to != nil {
		if !fits(s, *to) {
			return 0, wasix.ErrnoAfnosupport
		}
		if err := p.network().Policy().Check(hostnet.OpConnect, *to); err != nil {
			return 0, netErrno(err)
		}
		if err := p.autobindLoopback(s, to); err != nil {
			return 0, netErrno(err)
		}
	}
	n, err := s.send(ctx, bufs, to, e.of.nonblock())
	return uint32(n), p.brokenPipe(ctx, netErrno(err))
}

// SockShutdown shuts down one or both directions (sock_shutdown).
func (p *Process) SockShutdown(fd wasix.Fd, how wasix.Sdflags) wasix.Errno {
	s, _, errno := p.sock(fd, wasix.RightsSockShutdown)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	if how&^(wasix.SdflagsRd|wasix.SdflagsWr) != 0 || how == 0 {
		return wasix.ErrnoInval
	}
	return netErrno(s.h.Shutdown(how&wasix.SdflagsRd != 0, how&wasix.SdflagsWr != 0))
}

// SockAddrLocal returns the address a socket is bound to (sock_addr_local).
func (p *Process) SockAddrLocal(fd wasix.Fd) (hostnet.Addr, wasix.Errno) {
	return p.sockAddr(fd, (*hostnet.Socket).LocalAddr)
}

// SockAddrPeer returns the address a socket is connected to
// (sock_addr_peer); ENOTCONN if none.
func (p *Process) SockAddrPeer(fd wasix.Fd) (hostnet.Addr, wasix.Errno) {
	return p.sockAddr(fd, (*hostnet.Socket).PeerAddr)
}

// sockAddr is SockAddrLocal and SockAddrPeer: the address get gives.
func (p *Process) sockAddr(fd wasix.Fd, get func(*hostnet.Socket) (hostnet.Addr, error)) (hostnet.Addr, wasix.Errno) {
	s, _, errno := p.sock(fd, 0)
	if errno != wasix.ErrnoSuccess {
		return hostnet.Addr{}, errno
	}
	a, err := get(s.h)
	return a, netErrno(err)
}
