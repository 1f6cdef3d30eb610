package kernel

import (
	"context"
	"io"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/hostnet"
)

func netProc(t *testing.T) *Process {
	return newProc(t, Config{Net: hostnet.NewNetwork(hostnet.Policy{LoopbackOnly: true})}, ProcConfig{})
}

func loop4(port uint16) hostnet.Addr {
	return hostnet.IPAddr(netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), port))
}

func TestSocketEchoWithHostClient(t *testing.T) {
	p := netProc(t)
	ctx := context.Background()
	fd, errno := p.SockOpen(hostnet.Inet4, hostnet.Stream, 0)
	must(t, errno)
	must(t, p.SockBind(fd, loop4(0)))
	must(t, p.SockListen(fd, 8))
	la, errno := p.SockAddrLocal(fd)
	must(t, errno)

	done := make(chan error, 1)
	go func() {
		c, err := net.Dial("tcp", la.String())
		if err != nil {
			done <- err
			return
		}
		defer c.Close()
		c.Write([]byte("hello"))
		b := make([]byte, 5)
		_, err = io.ReadFull(c, b)
		if err == nil && string(b) != "hello" {
			err = io.ErrUnexpectedEOF
		}
		done <- err
	}()
	cfd, peer, errno := p.SockAccept(ctx, fd, 0)
	must(t, errno)
	if !peer.IP.Addr().IsLoopback() {
		t.Fatalf("peer %v", peer)
	}
	evs, errno := p.PollOneoff(ctx, []Subscription{{Type: wasix.EventtypeFdRead, Fd: cfd}})
	must(t, errno)
	if len(evs) != 1 {
		t.Fatalf("events %v", evs)
	}
	buf := make([]byte, 5)
	n, _, _, errno := p.SockRecv(ctx, cfd, [][]byte{buf}, RecvFlags{WaitAll: true})
	must(t, errno)
	if _, errno := p.SockSend(ctx, cfd, [][]byte{buf[:n]}, nil); errno != wasix.ErrnoSuccess {
		t.Fatal(errno)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	must(t, p.FdClose(cfd))
	must(t, p.FdClose(fd))
}

func TestSocketPolicy(t *testing.T) {
	p := netProc(t)
	fd, errno := p.SockOpen(hostnet.Inet4, hostnet.Stream, 0)
	must(t, errno)
	want(t, p.SockConnect(context.Background(), fd, hostnet.IPAddr(netip.MustParseAddrPort("192.0.2.1:80"))), wasix.ErrnoAcces)
	want(t, p.SockBind(fd, hostnet.IPAddr(netip.MustParseAddrPort("0.0.0.0:0"))), wasix.ErrnoAcces)
	off := newProc(t, Config{}, ProcConfig{})
	_, errno = off.SockOpen(hostnet.Inet4, hostnet.Stream, 0)
	want(t, errno, wasix.ErrnoAcces)
	_, errno = p.SockStatus(1)
	want(t, errno, wasix.ErrnoNotsock)
}

func TestSocketNonblockingConnect(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	p := netProc(t)
	ctx := context.Background()
	fd, errno := p.SockOpen(hostnet.Inet4, hostnet.Stream, 0)
	must(t, errno)
	must(t, p.FdFdstatSetFlags(fd, wasix.FdflagsNonblock))
	errno = p.SockConnect(ctx, fd, hostnet.IPAddr(netip.MustParseAddrPort(ln.Addr().String())))
	if errno != wasix.ErrnoInprogress && errno != wasix.ErrnoSuccess {
		t.Fatal(errno)
	}
	_, errno = p.PollOneoff(ctx, []Subscription{{Type: wasix.EventtypeFdWrite, Fd: fd},
		{Type: wasix.EventtypeClock, Clock: wasix.ClockidMonotonic, Timeout: uint64(5 * time.Second)}})
	must(t, errno)
	st, errno := p.SockStatus(fd)
	must(t, errno)
	if st != wasix.SockStatusOpened {
		t.Fatalf("status %v", st)
	}
	buf := make([]byte, 4)
	_, _, _, errno = p.SockRecv(ctx, fd, [][]byte{buf}, RecvFlags{})
	want(t, errno, wasix.ErrnoAgain)
}

func TestSocketUnixPathNeedsRule(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/s"
	p := netProc(t)
	fd, errno := p.SockOpen(hostnet.Unix, hostnet.Stream, 0)
	must(t, errno)
	want(t, p.SockBind(fd, hostnet.Addr{Family: hostnet.Unix, Path: path}), wasix.ErrnoAcces)

	rules, err := hostnet.ParseRules("unix:" + dir)
	if err != nil {
		t.Fatal(err)
	}
	p = newProc(t, Config{Net: hostnet.NewNetwork(hostnet.Policy{Allow: rules})}, ProcConfig{})
	fd, errno = p.SockOpen(hostnet.Unix, hostnet.Stream, 0)
	must(t, errno)
	must(t, p.SockBind(fd, hostnet.Addr{Family: hostnet.Unix, Path: path}))
	must(t, p.SockListen(fd, 1))
	go func() {
		if c, err := net.Dial("unix", path); err == nil {
			c.Write([]byte("unix"))
			c.Close()
		}
	}()
	c, _, errno := p.SockAccept(context.Background(), fd, 0)
	must(t, errno)
	buf := make([]byte, 8)
	n, _, _, errno := p.SockRecv(context.Background(), c, [][]byte{buf}, RecvFlags{WaitAll: true})
	must(t, errno)
	if string(buf[:n]) != "unix" {
		t.Fatalf("got %q", buf[:n])
	}
}

func TestSocketOptionsAndPeek(t *testing.T) {
	p := netProc(t)
	ctx := context.Background()
	fd, errno := p.SockOpen(hostnet.Inet4, hostnet.Dgram, 0)
	must(t, errno)
	must(t, p.SockBind(fd, loop4(0)))
	la, _ := p.SockAddrLocal(fd)

	must(t, p.SockSetOptFlag(fd, wasix.SockOptionBroadcast, true))
	on, errno := p.SockGetOptFlag(fd, wasix.SockOptionBroadcast)
	must(t, errno)
	if !on {
		t.Error("broadcast not set")
	}
	want(t, p.SockSetOptFlag(fd, wasix.SockOptionNoDelay, true), wasix.ErrnoNoprotoopt)
	want(t, p.SockSetOptFlag(fd, wasix.SockOptionTtl, true), wasix.ErrnoInval)
	want(t, p.SockSetOptFlag(fd, wasix.SockOption(200), true), wasix.ErrnoInval)
	want(t, p.SockSetOptFlag(fd, wasix.SockOptionPromiscuous, true), wasix.ErrnoNotsup)
	must(t, p.SockSetOptSize(fd, wasix.SockOptionTtl, 7))
	if v, errno := p.SockGetOptSize(fd, wasix.SockOptionTtl); errno != wasix.ErrnoSuccess || v != 7 {
		t.Errorf("ttl %d %v", v, errno)
	}
	to := uint64(20 * time.Millisecond)
	must(t, p.SockSetOptTime(fd, wasix.SockOptionRecvTimeout, &to))
	if got, _ := p.SockGetOptTime(fd, wasix.SockOptionRecvTimeout); got == nil || *got != to {
		t.Errorf("recv timeout %v", got)
	}
	start := time.Now()
	_, _, _, errno = p.SockRecv(ctx, fd, [][]byte{make([]byte, 4)}, RecvFlags{})
	want(t, errno, wasix.ErrnoAgain)
	if time.Since(start) < 15*time.Millisecond {
		t.Error("the receive timeout did not wait")
	}

	// A datagram to itself: peek leaves it, truncation reports its length.
	_, errno = p.SockSend(ctx, fd, [][]byte{[]byte("datagram")}, &la)
	must(t, errno)
	small := make([]byte, 4)
	n, trunc, from, errno := p.SockRecv(ctx, fd, [][]byte{small}, RecvFlags{Peek: true, From: true})
	must(t, errno)
	if n != 4 || !trunc || from != la {
		t.Errorf("peek: n=%d trunc=%v from=%v", n, trunc, from)
	}
	n, trunc, _, errno = p.SockRecv(ctx, fd, [][]byte{small}, RecvFlags{Trunc: true})
	must(t, errno)
	if n != 8 || !trunc || string(small) != "data" {
		t.Errorf("trunc: n=%d trunc=%v %q", n, trunc, small)
	}
}

func TestSockSendFile(t *testing.T) {
	p := netProc(t)
	ctx := context.Background()
	a, b, errno := p.SockPair(hostnet.Unix, hostnet.Stream, 0)
	must(t, errno)
	f := open(t, p, "/tmp/sendfile", wasix.OflagsCreat, rightsFileBase)
	_, errno = p.FdWrite(ctx, f, [][]byte{[]byte("0123456789")})
	must(t, errno)
	n, errno := p.SockSendFile(ctx, a, f, 2, 100)
	must(t, errno)
	if n != 8 {
		t.Fatalf("sent %d", n)
	}
	buf := make([]byte, 8)
	got, _, _, errno := p.SockRecv(ctx, b, [][]byte{buf}, RecvFlags{WaitAll: true})
	must(t, errno)
	if string(buf[:got]) != "23456789" {
		t.Fatalf("got %q", buf[:got])
	}
}

func TestEpollPipesAndEventfd(t *testing.T) {
	p := netProc(t)
	ctx := context.Background()
	ep, errno := p.EpollCreate()
	must(t, errno)
	r, w, errno := p.Pipe(false)
	must(t, errno)
	ev := EpollEvent{Events: EpollIn | EpollET}
	ev.Data[0] = 7
	must(t, p.EpollCtl(ep, EpollCtlAdd, r, ev))
	want(t, p.EpollCtl(ep, EpollCtlAdd, r, ev), wasix.ErrnoExist)
	want(t, p.EpollCtl(ep, EpollCtlAdd, ep, ev), wasix.ErrnoInval)
	if evs, _ := p.EpollWait(ctx, ep, 4, 0); len(evs) != 0 {
		t.Fatalf("ready before data: %v", evs)
	}
	go func() {
		time.Sleep(20 * time.Millisecond)
		p.FdWrite(ctx, w, [][]byte{[]byte("x")})
	}()
	evs, errno := p.EpollWait(ctx, ep, 4, ^uint64(0))
	must(t, errno)
	if len(evs) != 1 || evs[0].Events&EpollIn == 0 || evs[0].Data[0] != 7 {
		t.Fatalf("events %v", evs)
	}
	// Edge-triggered: no second report without new data.
	if evs, _ := p.EpollWait(ctx, ep, 4, uint64(10*time.Millisecond)); len(evs) != 0 {
		t.Fatalf("edge-triggered item reported twice: %v", evs)
	}
	must(t, p.EpollCtl(ep, EpollCtlDel, r, EpollEvent{}))
	want(t, p.EpollCtl(ep, EpollCtlDel, r, EpollEvent{}), wasix.ErrnoNoent)
}

// An edge-triggered item reports each new arrival, also when the reader
// drained the last one and the next came before it waited again (no look
// in between saw the object empty): what a reader that reads to EAGAIN
// and then waits relies on. A partial read is no news.
func TestEpollEdgeTriggeredNewData(t *testing.T) {
	p := netProc(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	pr, pw, errno := p.Pipe(false)
	must(t, errno)
	sa, sb, errno := p.SockPair(hostnet.Unix, hostnet.Stream, 0)
	must(t, errno)
	sem, errno := p.EventFD(0, wasix.EventfdflagsSemaphore)
	must(t, errno)
	for _, tc := range []struct {
		name  string
		r, w  wasix.Fd
		msg   string // two units: a read of size takes one
		size  int
		exact bool // pokes come at once, so a partial read can be checked
	}{
		{"pipe", pr, pw, "xy", 1, true},
		{"socketpair", sa, sb, "xy", 1, false},
		{"eventfd", sem, sem, "\x02\x00\x00\x00\x00\x00\x00\x00", 8, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ep, errno := p.EpollCreate()
			must(t, errno)
			defer p.FdClose(ep)
			must(t, p.EpollCtl(ep, EpollCtlAdd, tc.r, EpollEvent{Events: EpollIn | EpollET}))
			must(t, p.FdFdstatSetFlags(tc.r, wasix.FdflagsNonblock))
			defer p.FdFdstatSetFlags(tc.r, 0)
			buf := make([]byte, tc.size)
			for i := 0; i < 3; i++ {
				if _, errno := p.FdWrite(ctx, tc.w, [][]byte{[]byte(tc.msg)}); errno != wasix.ErrnoSuccess {
					t.Fatalf("write %d: %s", i, errno.Name())
				}
				evs, errno := p.EpollWait(ctx, ep, 4, ^uint64(0))
				if errno != wasix.ErrnoSuccess || len(evs) != 1 || evs[0].Events&EpollIn == 0 {
					t.Fatalf("arrival %d: events %v, %s", i, evs, errno.Name())
				}
				must(t, func() wasix.Errno { _, errno := p.FdRead(ctx, tc.r, [][]byte{buf}); return errno }())
				if tc.exact {
					if evs, _ := p.EpollWait(ctx, ep, 4, 0); len(evs) != 0 {
						t.Fatalf("a partial read was reported as news: %v", evs)
					}
				}
				for {
					if _, errno := p.FdRead(ctx, tc.r, [][]byte{buf}); errno != wasix.ErrnoSuccess {
						want(t, errno, wasix.ErrnoAgain)
						break
					}
				}
			}
		})
	}
}

func TestSocketMulticastChecks(t *testing.T) {
	p := netProc(t)
	fd, errno := p.SockOpen(hostnet.Inet4, hostnet.Dgram, 0)
	must(t, errno)
	lo := netip.MustParseAddr("127.0.0.1")
	want(t, p.SockMulticastV4(fd, lo, lo, true), wasix.ErrnoInval)
	// A group is not loopback: the loopback-only policy refuses it.
	want(t, p.SockMulticastV4(fd, netip.MustParseAddr("239.1.2.3"), lo, true), wasix.ErrnoAcces)
	fd6, errno := p.SockOpen(hostnet.Inet6, hostnet.Dgram, 0)
	must(t, errno)
	want(t, p.SockMulticastV6(fd6, netip.MustParseAddr("::1"), 0, true), wasix.ErrnoInval)
	want(t, p.SockMulticastV6(fd6, netip.MustParseAddr("ff02::1234"), 0, true), wasix.ErrnoAcces)
}

// sock_pair takes the protocols wasix-libc's socketpair passes: TCP for a
// stream pair, UDP for a datagram one (Wasmer's answers otherwise).
func TestSockPairProtocols(t *testing.T) {
	p := netProc(t)
	for _, tc := range []struct {
		typ   hostnet.SockType
		proto uint16
		want  wasix.Errno
	}{
		{hostnet.Stream, 0, wasix.ErrnoSuccess},
		{hostnet.Stream, 6, wasix.ErrnoSuccess},
		{hostnet.Dgram, 17, wasix.ErrnoSuccess},
		{hostnet.Dgram, 6, wasix.ErrnoNotsup},
		{hostnet.Stream, 17, wasix.ErrnoNotsup},
		{hostnet.Stream, 1, wasix.ErrnoProtonosupport},
	} {
		a, b, errno := p.SockPair(hostnet.Unix, tc.typ, tc.proto)
		if errno != tc.want {
			t.Errorf("type %d proto %d: %s, want %s", tc.typ, tc.proto, errno.Name(), tc.want.Name())
		}
		if errno == wasix.ErrnoSuccess {
			p.FdClose(a)
			p.FdClose(b)
		}
	}
}
