package kernel

import (
	"context"
	"net/netip"
	"testing"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/hostnet"
)

// TestLoopbackAutobind: under --net-loopback an unbound socket that sends,
// connects or listens is bound to loopback, never to every interface.
func TestLoopbackAutobind(t *testing.T) {
	p := netProc(t)
	ctx := context.Background()
	local := func(fd wasix.Fd) netip.Addr {
		t.Helper()
		la, errno := p.SockAddrLocal(fd)
		must(t, errno)
		return la.IP.Addr().Unmap()
	}
	// UDP send_to 127.0.0.1 (nobody listens: a datagram is sent anyway).
	u, errno := p.SockOpen(hostnet.Inet4, hostnet.Dgram, 0)
	must(t, errno)
	to := loop4(9)
	_, errno = p.SockSend(ctx, u, [][]byte{[]byte("x")}, &to)
	must(t, errno)
	if ip := local(u); !ip.IsLoopback() {
		t.Errorf("UDP socket autobound to %s", ip)
	}
	// UDP on IPv6 sending to ::1.
	u6, errno := p.SockOpen(hostnet.Inet6, hostnet.Dgram, 0)
	must(t, errno)
	to6 := hostnet.IPAddr(netip.AddrPortFrom(netip.IPv6Loopback(), 9))
	if _, errno = p.SockSend(ctx, u6, [][]byte{[]byte("x")}, &to6); errno == 0 {
		if ip := local(u6); !ip.IsLoopback() {
			t.Errorf("UDP6 socket autobound to %s", ip)
		}
	}
	// TCP listen without bind.
	l, errno := p.SockOpen(hostnet.Inet4, hostnet.Stream, 0)
	must(t, errno)
	must(t, p.SockListen(l, 4))
	if ip := local(l); !ip.IsLoopback() {
		t.Errorf("listening socket autobound to %s", ip)
	}
	// TCP connect to it without bind.
	la, errno := p.SockAddrLocal(l)
	must(t, errno)
	c, errno := p.SockOpen(hostnet.Inet4, hostnet.Stream, 0)
	must(t, errno)
	if errno := p.SockConnect(ctx, c, la); errno != 0 && errno.Name() != "INPROGRESS" {
		t.Fatalf("connect: %s", errno.Name())
	}
	if ip := local(c); !ip.IsLoopback() {
		t.Errorf("connecting socket bound to %s", ip)
	}
}
