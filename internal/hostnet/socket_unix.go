//go:build linux || darwin

package hostnet

import (
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

// Socket is a non-blocking host socket. Every operation returns at once
// (EAGAIN, EINPROGRESS) instead of blocking; callers wait for readiness
// with Watch. It is safe for concurrent use.
//
// The descriptor is kept in an *os.File so that Go's poller watches it:
// Watch parks a goroutine in the poller, which wakes it on every edge of
// readiness, and Close waits for every operation in flight before the
// host descriptor is released (no descriptor-reuse races).
type Socket struct {
	Family Family
	Type   SockType

	f  *os.File
	rc syscall.RawConn

	watch  [2]sync.Once
	closed atomic.Bool

	// bound is the path a unix socket was bound to, as the guest gave
	// it: the host saw it through a directory descriptor (unixpath.go).
	bound atomic.Pointer[string]
}

// Open makes a socket of family fam (Inet4, Inet6 or Unix) and type typ;
// proto 0 picks the default protocol.
func Open(fam Family, typ SockType, proto int) (*Socket, error) {
	d, st, err := sysDomainType(fam, typ)
	if err != nil {
		return nil, err
	}
	fd, err := socketNB(d, st, proto)
	if err != nil {
		return nil, err
	}
	return newSocket(fd, fam, typ)
}

// Pair makes two connected sockets (socketpair(2), AF_UNIX).
func Pair(typ SockType) (*Socket, *Socket, error) {
	_, st, err := sysDomainType(Unix, typ)
	if err != nil {
		return nil, nil, err
	}
	fds, err := socketpairNB(st)
	if err != nil {
		return nil, nil, err
	}
	a, err := newSocket(fds[0], Unix, typ)
	if err != nil {
		unix.Close(fds[1])
		return nil, nil, err
	}
	b, err := newSocket(fds[1], Unix, typ)
	if err != nil {
		a.Close()
		return nil, nil, err
	}
	return a, b, nil
}

func sysDomainType(fam Family, typ SockType) (int, int, error) {
	var d, t int
	switch fam {
	case Inet4:
		d = unix.AF_INET
	case Inet6:
		d = unix.AF_INET6
	case Unix:
		d = unix.AF_UNIX
	default:
		return 0, 0, unix.EAFNOSUPPORT
	}
	switch typ {
	case Stream:
		t = unix.SOCK_STREAM
	case Dgram:
		t = unix.SOCK_DGRAM
	default:
		return 0, 0, unix.EPROTOTYPE
	}
	return d, t, nil
}

func newSocket(fd int, fam Family, typ SockType) (*Socket, error) {
	f := os.NewFile(uintptr(fd), "socket")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &Socket{Family: fam, Type: typ, f: f, rc: rc}, nil
}

// do runs op on the host descriptor while holding a reference to it, so
// that a concurrent Close cannot hand the number to another file.
func (s *Socket) do(op func(fd int) error) error {
	var err error
	if cerr := s.rc.Control(func(fd uintptr) { err = op(int(fd)) }); cerr != nil {
		return unix.EBADF
	}
	return err
}

// Watch calls notify whenever the socket may have become readable (or
// writable), from a goroutine parked in Go's poller: one wake-up per edge,
// never a loop. The first call per direction starts the watcher, which
// runs until Close; notify is also called once at start.
func (s *Socket) Watch(write bool, notify func()) {
	i := 0
	if write {
		i = 1
	}
	s.watch[i].Do(func() {
		go func() {
			fn := func(uintptr) bool {
				notify()
				return s.closed.Load()
			}
			if write {
				_ = s.rc.Write(fn)
			} else {
				_ = s.rc.Read(fn)
			}
			notify() // closed: wake anyone still waiting
		}()
	})
}

// Ready reports without blocking whether a read (or write) would not
// block, the bytes readable, and whether the peer hung up.
func (s *Socket) Ready(write bool) (ready bool, nbytes uint64, hup bool) {
	err := s.do(func(fd int) error {
		ev := int16(unix.POLLIN)
		if write {
			ev = unix.POLLOUT
		}
		pfd := []unix.PollFd{{Fd: int32(fd), Events: ev}}
		if n, err := unix.Poll(pfd, 0); err != nil || n == 0 {
			return nil
		}
		re := pfd[0].Revents
		hup = re&unix.POLLHUP != 0
		ready = re&(ev|unix.POLLHUP|unix.POLLERR|unix.POLLNVAL) != 0
		if ready && !write {
			if n, err := unix.IoctlGetInt(fd, fionread); err == nil && n > 0 {
				nbytes = uint64(n)
			}
		}
		return nil
	})
	if err != nil { // closed: a waiter must not sleep on it
		return true, 0, true
	}
	if ready && write && !hup {
		nbytes = 1
	}
	return ready, nbytes, hup
}

// Bind binds the socket to a.
func (s *Socket) Bind(a Addr) error {
	sa, done, err := s.sockaddr(a, false)
	if err != nil {
		return err
	}
	defer done()
	err = s.do(func(fd int) error { return unix.Bind(fd, sa) })
	if err == nil && a.Family == Unix {
		p := a.Path
		s.bound.Store(&p)
	}
	return err
}

// Listen makes a stream socket accept connections.
func (s *Socket) Listen(backlog int) error {
	return s.do(func(fd int) error { return unix.Listen(fd, backlog) })
}

// Accept takes a pending connection, or fails with EAGAIN.
func (s *Socket) Accept() (*Socket, Addr, error) {
	var nfd int
	var sa unix.Sockaddr
	err := s.do(func(fd int) (err error) {
		nfd, sa, err = acceptNB(fd)
		return err
	})
	if err != nil {
		return nil, Addr{}, err
	}
	c, err := newSocket(nfd, s.Family, s.Type)
	if err != nil {
		return nil, Addr{}, err
	}
	return c, fromSockaddr(sa), nil
}

// Connect starts connecting to a. A stream socket usually answers
// EINPROGRESS: the connection is made when the socket becomes writable,
// and TakeError then tells how it went.
func (s *Socket) Connect(a Addr) error {
	sa, done, err := s.sockaddr(a, true)
	if err != nil {
		return err
	}
	defer done()
	return s.do(func(fd int) error { return unix.Connect(fd, sa) })
}

// Recv reads into bufs. For a datagram socket, from is the sender and
// truncated says the datagram was longer than bufs (with RecvTrunc, n is
// then its full length).
func (s *Socket) Recv(bufs [][]byte, flags RecvFlags) (n int, truncated bool, from Addr, err error) {
	fl := 0
	if flags&RecvPeek != 0 {
		fl |= unix.MSG_PEEK
	}
	if flags&RecvTrunc != 0 && s.Type == Dgram {
		fl |= unix.MSG_TRUNC
	}
	err = s.do(func(fd int) error {
		var rflags int
		var sa unix.Sockaddr
		var e error
		if len(bufs) == 1 && s.Type == Stream && fl == 0 {
			n, e = readNB(fd, bufs[0])
		} else {
			n, _, rflags, sa, e = unix.RecvmsgBuffers(fd, bufs, nil, fl)
		}
		if e != nil {
			return e
		}
		truncated = rflags&unix.MSG_TRUNC != 0
		if sa != nil {
			from = fromSockaddr(sa)
		}
		return nil
	})
	if n < 0 {
		n = 0
	}
	return n, truncated, from, err
}

// Send writes bufs, to the address to if it is not nil.
func (s *Socket) Send(bufs [][]byte, to *Addr) (int, error) {
	var sa unix.Sockaddr
	if to != nil {
		var done func()
		var err error
		if sa, done, err = s.sockaddr(*to, true); err != nil {
			return 0, err
		}
		defer done()
	}
	var n int
	err := s.do(func(fd int) (e error) {
		if sa == nil && len(bufs) == 1 {
			n, e = writeNB(fd, bufs[0])
		} else {
			n, e = unix.SendmsgBuffers(fd, bufs, nil, sa, sendFlags)
		}
		return e
	})
	if n < 0 {
		n = 0
	}
	return n, err
}

// Shutdown shuts down reading, writing or both.
func (s *Socket) Shutdown(rd, wr bool) error {
	how := unix.SHUT_RDWR
	switch {
	case rd && !wr:
		how = unix.SHUT_RD
	case wr && !rd:
		how = unix.SHUT_WR
	case !rd && !wr:
		return unix.EINVAL
	}
	return s.do(func(fd int) error { return unix.Shutdown(fd, how) })
}

// LocalAddr returns the address the socket is bound to.
func (s *Socket) LocalAddr() (Addr, error) {
	var a Addr
	err := s.do(func(fd int) error {
		sa, err := unix.Getsockname(fd)
		if err == nil {
			a = fromSockaddr(sa)
			if a.Family == Unspec {
				a.Family = s.Family
			}
			if p := s.bound.Load(); p != nil && a.Family == Unix {
				a.Path = *p
			}
		}
		return err
	})
	return a, err
}

// PeerAddr returns the address the socket is connected to.
func (s *Socket) PeerAddr() (Addr, error) {
	var a Addr
	err := s.do(func(fd int) error {
		sa, err := unix.Getpeername(fd)
		if err == nil {
			a = fromSockaddr(sa)
		}
		return err
	})
	return a, err
}

// TakeError returns and clears the pending error (SO_ERROR).
func (s *Socket) TakeError() error {
	v, err := s.GetOpt(OptError)
	if err != nil {
		return err
	}
	if v != 0 {
		return syscall.Errno(v)
	}
	return nil
}

type sysOpt struct{ level, name int }

func (s *Socket) sysOpt(o Opt) (sysOpt, bool) {
	v6 := s.Family == Inet6
	switch o {
	case OptReusePort:
		return sysOpt{unix.SOL_SOCKET, unix.SO_REUSEPORT}, true
	case OptReuseAddr:
		return sysOpt{unix.SOL_SOCKET, unix.SO_REUSEADDR}, true
	case OptNoDelay:
		return sysOpt{unix.IPPROTO_TCP, unix.TCP_NODELAY}, s.Type == Stream && s.Family != Unix
	case OptDontRoute:
		return sysOpt{unix.SOL_SOCKET, unix.SO_DONTROUTE}, true
	case OptOnlyV6:
		return sysOpt{unix.IPPROTO_IPV6, unix.IPV6_V6ONLY}, v6
	case OptBroadcast:
		return sysOpt{unix.SOL_SOCKET, unix.SO_BROADCAST}, true
	case OptMulticastLoopV4:
		return sysOpt{unix.IPPROTO_IP, unix.IP_MULTICAST_LOOP}, s.Family == Inet4
	case OptMulticastLoopV6:
		return sysOpt{unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_LOOP}, v6
	case OptKeepAlive:
		return sysOpt{unix.SOL_SOCKET, unix.SO_KEEPALIVE}, true
	case OptOOBInline:
		return sysOpt{unix.SOL_SOCKET, unix.SO_OOBINLINE}, true
	case OptRecvBufSize:
		return sysOpt{unix.SOL_SOCKET, unix.SO_RCVBUF}, true
	case OptSendBufSize:
		return sysOpt{unix.SOL_SOCKET, unix.SO_SNDBUF}, true
	case OptRecvLowat:
		return sysOpt{unix.SOL_SOCKET, unix.SO_RCVLOWAT}, true
	case OptSendLowat:
		return sysOpt{unix.SOL_SOCKET, unix.SO_SNDLOWAT}, true
	case OptTTL:
		if v6 {
			return sysOpt{unix.IPPROTO_IPV6, unix.IPV6_UNICAST_HOPS}, true
		}
		return sysOpt{unix.IPPROTO_IP, unix.IP_TTL}, s.Family == Inet4
	case OptMulticastTTLV4:
		return sysOpt{unix.IPPROTO_IP, unix.IP_MULTICAST_TTL}, s.Family == Inet4
	case OptListening:
		return sysOpt{unix.SOL_SOCKET, unix.SO_ACCEPTCONN}, true
	case OptError:
		return sysOpt{unix.SOL_SOCKET, unix.SO_ERROR}, true
	}
	return sysOpt{}, false
}

// SetOpt sets an integer or boolean (0/1) option. An option that does not
// apply to this socket's family or type gives ENOPROTOOPT.
func (s *Socket) SetOpt(o Opt, v int) error {
	if o == OptLinger {
		l := &unix.Linger{}
		if v >= 0 {
			l.Onoff, l.Linger = 1, int32(v)
		}
		return s.do(func(fd int) error { return unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, l) })
	}
	so, ok := s.sysOpt(o)
	if !ok || o == OptListening || o == OptError {
		return unix.ENOPROTOOPT
	}
	return s.do(func(fd int) error { return unix.SetsockoptInt(fd, so.level, so.name, v) })
}

// GetOpt reads an integer or boolean option (see SetOpt). OptLinger gives
// the linger time in seconds, or -1 when off.
func (s *Socket) GetOpt(o Opt) (int, error) {
	var v int
	if o == OptLinger {
		err := s.do(func(fd int) error {
			l, err := unix.GetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER)
			if err == nil {
				v = -1
				if l.Onoff != 0 {
					v = int(l.Linger)
				}
			}
			return err
		})
		return v, err
	}
	so, ok := s.sysOpt(o)
	if !ok {
		return 0, unix.ENOPROTOOPT
	}
	err := s.do(func(fd int) (err error) {
		v, err = unix.GetsockoptInt(fd, so.level, so.name)
		return err
	})
	return v, err
}

// JoinMulticast joins (or leaves) the multicast group on the interface
// (an IPv4 address for v4, an interface index for v6).
func (s *Socket) JoinMulticast(group netip.Addr, ifaddr netip.Addr, ifindex uint32, join bool) error {
	return s.do(func(fd int) error {
		if group.Is4() {
			mreq := &unix.IPMreq{Multiaddr: group.As4()}
			if ifaddr.Is4() {
				mreq.Interface = ifaddr.As4()
			}
			opt := unix.IP_ADD_MEMBERSHIP
			if !join {
				opt = unix.IP_DROP_MEMBERSHIP
			}
			return unix.SetsockoptIPMreq(fd, unix.IPPROTO_IP, opt, mreq)
		}
		mreq := &unix.IPv6Mreq{Multiaddr: group.As16(), Interface: ifindex}
		opt := unix.IPV6_JOIN_GROUP
		if !join {
			opt = unix.IPV6_LEAVE_GROUP
		}
		return unix.SetsockoptIPv6Mreq(fd, unix.IPPROTO_IPV6, opt, mreq)
	})
}

// Close closes the socket once the operations in flight are done; the
// watchers wake their waiters one last time.
func (s *Socket) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	return s.f.Close()
}

// sockaddr converts a to the host form for this socket, mapping an IPv4
// address onto IPv6 for an IPv6 socket (dual stack).
// sockaddr returns the host's form of a, and a function to call once the
// call using it is over. A unix path goes through unixSockaddr, which
// resolves it without following symbolic links (connect says whether a
// link as the last component must be refused too: bind never follows it).
func (s *Socket) sockaddr(a Addr, connect bool) (unix.Sockaddr, func(), error) {
	if a.Family == Unix && s.Family == Unix {
		return unixSockaddr(a.Path, connect)
	}
	sa, err := s.sockaddrIP(a)
	return sa, func() {}, err
}

func (s *Socket) sockaddrIP(a Addr) (unix.Sockaddr, error) {
	switch a.Family {
	case Inet4, Inet6:
		ip := a.IP.Addr()
		if s.Family == Inet4 {
			if !ip.Unmap().Is4() {
				return nil, unix.EAFNOSUPPORT
			}
			return &unix.SockaddrInet4{Port: int(a.IP.Port()), Addr: ip.Unmap().As4()}, nil
		}
		if s.Family != Inet6 {
			return nil, unix.EAFNOSUPPORT
		}
		return &unix.SockaddrInet6{Port: int(a.IP.Port()), Addr: ip.As16(), ZoneId: scopeID(ip)}, nil
	case Unix:
		if s.Family != Unix {
			return nil, unix.EAFNOSUPPORT
		}
		if len(a.Path) >= 108 {
			return nil, unix.ENAMETOOLONG
		}
		return &unix.SockaddrUnix{Name: a.Path}, nil
	}
	return nil, unix.EAFNOSUPPORT
}

func fromSockaddr(sa unix.Sockaddr) Addr {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return Addr{Family: Inet4, IP: netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), uint16(sa.Port))}
	case *unix.SockaddrInet6:
		ip := netip.AddrFrom16(sa.Addr)
		if sa.ZoneId != 0 {
			ip = ip.WithZone(itoa(sa.ZoneId))
		}
		return Addr{Family: Inet6, IP: netip.AddrPortFrom(ip, uint16(sa.Port))}
	case *unix.SockaddrUnix:
		return Addr{Family: Unix, Path: sa.Name}
	}
	return Addr{Family: Unspec}
}
