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
