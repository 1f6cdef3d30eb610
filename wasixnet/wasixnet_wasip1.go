//go:build wasip1

package wasixnet

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/wasix-go/wasix"
)

// Dial connects to address on network ("tcp", "tcp4", "tcp6", "udp",
// "udp4", "udp6"). A host name is looked up with the runtime's resolver
// and each of its addresses tried in turn.
func Dial(network, address string) (net.Conn, error) {
	return DialContext(context.Background(), network, address)
}

// DialContext is Dial with a context bounding the connect and the lookup.
func DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	typ, fam, err := parseNetwork(network, true)
	if err != nil {
		return nil, opErr("dial", network, nil, err)
	}
	aps, err := resolveAddrs(ctx, fam, address)
	if err != nil {
		return nil, opErr("dial", network, nil, err)
	}
	var first error
	for _, ap := range aps {
		c, err := dialOne(ctx, typ, ap)
		if err == nil {
			return c, nil
		}
		if first == nil {
			first = err
		}
	}
	return nil, opErr("dial", network, netAddr(typ, aps[0]), first)
}

// Listen announces a stream network address ("tcp", "tcp4", "tcp6").
// An empty host listens on every IPv4 interface, as the runtime's policy
// allows.
func Listen(network, address string) (net.Listener, error) {
	typ := wasix.SockTypeSocketStream
	fd, ap, err := bindSocket(network, address, typ)
	if err != nil {
		return nil, err
	}
	if err := wasix.SockListen(fd, 128); err != nil {
		wasix.FdClose(fd)
		return nil, opErr("listen", network, netAddr(typ, ap), err)
	}
	f, rc, err := pollable(fd)
	if err != nil {
		return nil, err
	}
	return &listener{f: f, rc: rc, addr: localAddr(fd, typ)}, nil
}

// ListenPacket announces a datagram network address ("udp", "udp4",
// "udp6").
func ListenPacket(network, address string) (net.PacketConn, error) {
	typ := wasix.SockTypeSocketDgram
	fd, _, err := bindSocket(network, address, typ)
	if err != nil {
		return nil, err
	}
	f, rc, err := pollable(fd)
	if err != nil {
		return nil, err
	}
	return &packetConn{f: f, rc: rc, fd: fd, laddr: localAddr(fd, typ)}, nil
}

// bindSocket is the start Listen and ListenPacket share: a socket of type
// want for network, bound to address (a stream with SO_REUSEADDR, as Go's
// net.Listen sets it).
func bindSocket(network, address string, want wasix.SockType) (wasix.Fd, netip.AddrPort, error) {
	typ, fam, err := parseNetwork(network, false)
	if err == nil && typ != want {
		err = syscall.EPROTOTYPE
	}
	if err != nil {
		return 0, netip.AddrPort{}, opErr("listen", network, nil, err)
	}
	ap, err := bindAddr(fam, address)
	if err != nil {
		return 0, netip.AddrPort{}, opErr("listen", network, nil, err)
	}
	fd, err := socketFor(typ, ap)
	if err != nil {
		return 0, netip.AddrPort{}, opErr("listen", network, netAddr(typ, ap), err)
	}
	if typ == wasix.SockTypeSocketStream {
		_ = wasix.SockSetOptFlag(fd, wasix.SockOptionReuseAddr, true)
	}
	a := toWasix(ap)
	if err := wasix.SockBind(fd, &a); err != nil {
		wasix.FdClose(fd)
		return 0, netip.AddrPort{}, opErr("listen", network, netAddr(typ, ap), err)
	}
	return fd, ap, nil
}

// LookupNetIP looks host up with the runtime's resolver; network is "ip",
// "ip4" or "ip6".
func LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip}, nil
	}
	var buf [16]wasix.Addr
	n, err := wasix.Resolve(host, 0, &buf[0], wasix.Size(len(buf)))
	if err != nil {
		return nil, &net.DNSError{Err: err.Error(), Name: host, IsNotFound: errors.Is(err, wasix.ErrnoNoent)}
	}
	var out []netip.Addr
	for _, a := range buf[:n] {
		ip, ok := fromWasixAddr(&a)
		switch {
		case !ok, network == "ip4" && !ip.Is4(), network == "ip6" && !ip.Is6():
			continue
		}
		out = append(out, ip)
	}
	if len(out) == 0 {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return out, nil
}

// parseNetwork returns the socket type of a network name and the address
// family it requires (Unspec: either).
func parseNetwork(network string, dial bool) (wasix.SockType, wasix.AddressFamily, error) {
	switch network {
	case "tcp":
		return wasix.SockTypeSocketStream, wasix.AddressFamilyUnspec, nil
	case "tcp4":
		return wasix.SockTypeSocketStream, wasix.AddressFamilyInet4, nil
	case "tcp6":
		return wasix.SockTypeSocketStream, wasix.AddressFamilyInet6, nil
	case "udp":
		return wasix.SockTypeSocketDgram, wasix.AddressFamilyUnspec, nil
	case "udp4":
		return wasix.SockTypeSocketDgram, wasix.AddressFamilyInet4, nil
	case "udp6":
		return wasix.SockTypeSocketDgram, wasix.AddressFamilyInet6, nil
	}
	return 0, 0, net.UnknownNetworkError(network)
}

// resolveAddrs turns host:port into the addresses to try.
func resolveAddrs(ctx context.Context, fam wasix.AddressFamily, address string) ([]netip.AddrPort, error) {
	host, port, err := splitHostPort(address)
	if err != nil {
		return nil, err
	}
	if host == "" {
		host = "127.0.0.1"
		if fam == wasix.AddressFamilyInet6 {
			host = "::1"
		}
	}
	network := "ip"
	switch fam {
	case wasix.AddressFamilyInet4:
		network = "ip4"
	case wasix.AddressFamilyInet6:
		network = "ip6"
	}
	ips, err := LookupNetIP(ctx, network, host)
	if err != nil {
		return nil, err
	}
	out := make([]netip.AddrPort, 0, len(ips))
	for _, ip := range ips {
		out = append(out, netip.AddrPortFrom(ip.Unmap(), port))
	}
	return out, nil
}

// bindAddr parses a listen address; an empty host is the unspecified
// address of the family.
func bindAddr(fam wasix.AddressFamily, address string) (netip.AddrPort, error) {
	host, port, err := splitHostPort(address)
	if err != nil {
		return netip.AddrPort{}, err
	}
	if host == "" {
		if fam == wasix.AddressFamilyInet6 {
			return netip.AddrPortFrom(netip.IPv6Unspecified(), port), nil
		}
		return netip.AddrPortFrom(netip.IPv4Unspecified(), port), nil
	}
	if host == "localhost" {
		host = "127.0.0.1"
		if fam == wasix.AddressFamilyInet6 {
			host = "::1"
		}
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		ips, err := LookupNetIP(context.Background(), "ip", host)
		if err != nil {
			return netip.AddrPort{}, err
		}
		ip = ips[0]
	}
	return netip.AddrPortFrom(ip.Unmap(), port), nil
}

func splitHostPort(address string) (string, uint16, error) {
	host, ps, err := net.SplitHostPort(address)
	if err != nil {
		return "", 0, err
	}
	port, err := strconv.ParseUint(ps, 10, 16)
	if err != nil {
		return "", 0, &net.AddrError{Err: "invalid port", Addr: address}
	}
	return host, uint16(port), nil
}

// socketFor opens a non-blocking socket of typ for the family of ap.
func socketFor(typ wasix.SockType, ap netip.AddrPort) (wasix.Fd, error) {
	af := wasix.AddressFamilyInet4
	if ap.Addr().Is6() {
		af = wasix.AddressFamilyInet6
	}
	fd, err := wasix.SockOpen(af, typ, 0)
	if err != nil {
		return 0, err
	}
	// The wasix_32v1 form of this call also tells the runtime which
	// generation of the ABI (and so which address layout) this program uses.
	if err := wasix.FdFdstatSetFlags(fd, wasix.FdflagsNonblock); err != nil {
		wasix.FdClose(fd)
		return 0, err
	}
	return fd, nil
}

// noDelay turns Nagle's algorithm off on a TCP connection, as Go's net
// package does for every TCP conn (on wasip1 its own setNoDelay is a
// stub): without it, each partial segment of a stream of writes waits for
// the peer's delayed ACK. Best effort, like the standard library's.
func noDelay(fd wasix.Fd) {
	_ = wasix.SockSetOptFlag(fd, wasix.SockOptionNoDelay, true)
}

// pollable hands fd to Go's poller: a non-blocking descriptor given to
// os.NewFile is registered with it.
func pollable(fd wasix.Fd) (*os.File, syscall.RawConn, error) {
	f := os.NewFile(uintptr(fd), "socket")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, rc, nil
}

// dialOne connects a new socket to ap, waiting in the poller for a
// connection in progress.
func dialOne(ctx context.Context, typ wasix.SockType, ap netip.AddrPort) (net.Conn, error) {
	fd, err := socketFor(typ, ap)
	if err != nil {
		return nil, err
	}
	a := toWasix(ap)
	err = wasix.SockConnect(fd, &a)
	f, rc, perr := pollable(fd)
	if perr != nil {
		return nil, perr
	}
	if errors.Is(err, wasix.ErrnoInprogress) || errors.Is(err, wasix.ErrnoAgain) {
		err = waitConnected(ctx, f, rc, fd)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	if typ == wasix.SockTypeSocketStream {
		noDelay(fd)
	}
	c, err := net.FileConn(f)
	f.Close() // the conn holds its own reference to the descriptor
	if err != nil {
		return nil, err
	}
	return wrapConn(c, localAddr(fd, typ), netAddr(typ, ap)), nil
}

// waitConnected waits until the socket is writable, then reads how the
// connect ended.
func waitConnected(ctx context.Context, f *os.File, rc syscall.RawConn, fd wasix.Fd) error {
	if d, ok := ctx.Deadline(); ok {
		f.SetWriteDeadline(d)
		defer f.SetWriteDeadline(time.Time{})
	}
	stop := context.AfterFunc(ctx, func() { f.SetWriteDeadline(time.Unix(1, 0)) })
	defer stop()
	var st wasix.SockStatusType
	err := rc.Write(func(uintptr) bool {
		st, _ = wasix.SockStatus(fd)
		return st != wasix.SockStatusOpening
	})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	if st == wasix.SockStatusFailed {
		code, err := wasix.SockGetOptSize(fd, wasix.SockOptionLastError)
		if err != nil {
			return err
		}
		if code != 0 {
			return wasix.Errno(code)
		}
		return syscall.ECONNREFUSED
	}
	return nil
}

// conn is a connection from net.FileConn with the addresses the runtime
// knows (the standard library has no way to ask on wasip1).
type conn struct {
	net.Conn
	laddr, raddr net.Addr
}

// LocalAddr returns the address the socket is bound to.
func (c *conn) LocalAddr() net.Addr { return c.laddr }

// RemoteAddr returns the peer's address.
func (c *conn) RemoteAddr() net.Addr { return c.raddr }

// tcpConn keeps the methods of *net.TCPConn (CloseWrite, SetNoDelay ...)
// visible through the wrapper.
type tcpConn struct {
	*net.TCPConn
	laddr, raddr net.Addr
}

// LocalAddr returns the address the socket is bound to.
func (c *tcpConn) LocalAddr() net.Addr { return c.laddr }

// RemoteAddr returns the peer's address.
func (c *tcpConn) RemoteAddr() net.Addr { return c.raddr }

func wrapConn(c net.Conn, laddr, raddr net.Addr) net.Conn {
	if tc, ok := c.(*net.TCPConn); ok {
		return &tcpConn{TCPConn: tc, laddr: laddr, raddr: raddr}
	}
	return &conn{Conn: c, laddr: laddr, raddr: raddr}
}

// listener accepts with the WASIX sock_accept, which also gives the
// peer's address, waiting in Go's poller between connections.
type listener struct {
	f      *os.File
	rc     syscall.RawConn
	addr   net.Addr
	closed atomic.Bool // so that Accept after Close says net.ErrClosed
}

// Accept waits for the next connection, parked in Go's poller.
func (l *listener) Accept() (net.Conn, error) {
	var nfd wasix.Fd
	var peer wasix.AddrPort
	var aerr error
	err := l.rc.Read(func(fd uintptr) bool {
		nfd, peer, aerr = wasix.SockAccept(wasix.Fd(fd), wasix.FdflagsNonblock)
		return !errors.Is(aerr, wasix.ErrnoAgain)
	})
	if err == nil {
		err = aerr
	}
	if err != nil {
		if l.closed.Load() {
			err = net.ErrClosed
		}
		return nil, opErr("accept", "tcp", l.addr, err)
	}
	noDelay(nfd)
	f := os.NewFile(uintptr(nfd), "socket")
	c, err := net.FileConn(f)
	f.Close()
	if err != nil {
		return nil, err
	}
	ap, _ := fromWasix(&peer)
	return wrapConn(c, localAddr(nfd, wasix.SockTypeSocketStream), netAddr(wasix.SockTypeSocketStream, ap)), nil
}

// Close stops listening; a blocked Accept returns net.ErrClosed.
func (l *listener) Close() error {
	l.closed.Store(true)
	return l.f.Close()
}

// Addr returns the address listened on.
func (l *listener) Addr() net.Addr { return l.addr }

// packetConn is a datagram socket read and written with sock_recv_from
// and sock_send_to, waiting in Go's poller.
type packetConn struct {
	f      *os.File
	rc     syscall.RawConn
	fd     wasix.Fd
	laddr  net.Addr
	closed atomic.Bool
}

// ReadFrom receives one datagram into b and tells its sender.
func (c *packetConn) ReadFrom(b []byte) (int, net.Addr, error) {
	if len(b) == 0 {
		return 0, nil, nil
	}
	var n wasix.Size
	var from wasix.AddrPort
	var rerr error
	iov := []wasix.Iovec{{Buf: uint32(uintptr(unsafe.Pointer(&b[0]))), BufLen: wasix.Pointersize(len(b))}}
	err := c.rc.Read(func(fd uintptr) bool {
		n, _, from, rerr = wasix.SockRecvFrom(wasix.Fd(fd), iov, 0)
		return !errors.Is(rerr, wasix.ErrnoAgain)
	})
	if err == nil {
		err = rerr
	}
	if err != nil {
		if c.closed.Load() {
			err = net.ErrClosed
		}
		return 0, nil, opErr("read", "udp", c.laddr, err)
	}
	ap, _ := fromWasix(&from)
	return int(n), net.UDPAddrFromAddrPort(ap), nil
}

// WriteTo sends b as one datagram to addr.
func (c *packetConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	var ap netip.AddrPort
	switch a := addr.(type) {
	case *net.UDPAddr:
		ap = a.AddrPort()
	default:
		p, err := netip.ParseAddrPort(addr.String())
		if err != nil {
			return 0, opErr("write", "udp", addr, err)
		}
		ap = p
	}
	to := toWasix(netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()))
	var p *byte
	if len(b) > 0 {
		p = &b[0]
	}
	iov := []wasix.Ciovec{{Buf: uint32(uintptr(unsafe.Pointer(p))), BufLen: wasix.Pointersize(len(b))}}
	var n wasix.Size
	var werr error
	err := c.rc.Write(func(fd uintptr) bool {
		n, werr = wasix.SockSendTo(wasix.Fd(fd), iov, 0, &to)
		return !errors.Is(werr, wasix.ErrnoAgain)
	})
	if err == nil {
		err = werr
	}
	if err != nil {
		return 0, opErr("write", "udp", addr, err)
	}
	return int(n), nil
}

// Close closes the socket; a blocked ReadFrom returns net.ErrClosed.
func (c *packetConn) Close() error {
	c.closed.Store(true)
	return c.f.Close()
}

// LocalAddr returns the address the socket is bound to.
func (c *packetConn) LocalAddr() net.Addr { return c.laddr }

// SetDeadline bounds reads and writes.
func (c *packetConn) SetDeadline(t time.Time) error { return c.f.SetDeadline(t) }

// SetReadDeadline bounds reads.
func (c *packetConn) SetReadDeadline(t time.Time) error { return c.f.SetReadDeadline(t) }

// SetWriteDeadline bounds writes.
func (c *packetConn) SetWriteDeadline(t time.Time) error { return c.f.SetWriteDeadline(t) }

func localAddr(fd wasix.Fd, typ wasix.SockType) net.Addr {
	a, err := wasix.SockAddrLocal(fd)
	if err != nil {
		return netAddr(typ, netip.AddrPort{})
	}
	ap, _ := fromWasix(&a)
	return netAddr(typ, ap)
}

func netAddr(typ wasix.SockType, ap netip.AddrPort) net.Addr {
	if typ == wasix.SockTypeSocketDgram {
		return net.UDPAddrFromAddrPort(ap)
	}
	return net.TCPAddrFromAddrPort(ap)
}

func opErr(op, network string, addr net.Addr, err error) error {
	var e wasix.Errno
	if errors.As(err, &e) {
		err = os.NewSyscallError(op, syscall.Errno(errnoToSyscall(e)))
	}
	return &net.OpError{Op: op, Net: network, Addr: addr, Err: err}
}

// errnoToSyscall maps the errnos a socket call may give to Go's wasip1
// syscall numbering, which is the WASI numbering: the same value.
func errnoToSyscall(e wasix.Errno) uintptr { return uintptr(e) }

// toWasix encodes an address in the seed's addr_port: the port as the
// guest's u16, the IP in network order.
func toWasix(ap netip.AddrPort) wasix.AddrPort {
	var a wasix.AddrPort
	ip := ap.Addr()
	if ip.Is4() {
		b := ip.As4()
		a.SetInet4(wasix.AddrIp4Port{Port: wasix.IpPort(ap.Port()), Addr: wasix.AddrIp4{N0: b[0], N1: b[1], H0: b[2], H1: b[3]}})
		return a
	}
	var v wasix.AddrIp6Port
	v.Port = wasix.IpPort(ap.Port())
	b := ip.As16()
	*(*[16]byte)(unsafe.Pointer(&v.Addr)) = b
	a.SetInet6(v)
	return a
}

func fromWasix(a *wasix.AddrPort) (netip.AddrPort, bool) {
	switch wasix.AddressFamily(a.Tag) {
	case wasix.AddressFamilyInet4:
		v := a.Inet4()
		return netip.AddrPortFrom(netip.AddrFrom4([4]byte{v.Addr.N0, v.Addr.N1, v.Addr.H0, v.Addr.H1}), uint16(v.Port)), true
	case wasix.AddressFamilyInet6:
		v := a.Inet6()
		return netip.AddrPortFrom(netip.AddrFrom16(*(*[16]byte)(unsafe.Pointer(&v.Addr))), uint16(v.Port)), true
	}
	return netip.AddrPort{}, false
}

func fromWasixAddr(a *wasix.Addr) (netip.Addr, bool) {
	switch wasix.AddressFamily(a.Tag) {
	case wasix.AddressFamilyInet4:
		v := a.Inet4()
		return netip.AddrFrom4([4]byte{v.N0, v.N1, v.H0, v.H1}), true
	case wasix.AddressFamilyInet6:
		v := a.Inet6()
		return netip.AddrFrom16(*(*[16]byte)(unsafe.Pointer(&v))), true
	}
	return netip.Addr{}, false
}
