package kernel

import (
	"net/netip"

	"github.com/wasix-go/wasix/internal/hostnet"
)

// autobindLoopback binds an unbound IP socket to the loopback address
// under a loopback-only policy, before the host would bind it implicitly
// (a connect, a send_to, a listen) to every interface: a UDP socket that
// sends to 127.0.0.1 would otherwise receive from the whole network. to is
// where the socket is about to send or connect, if known; an IPv6 socket
// sending to an IPv4 (mapped) address is bound to the mapped loopback.
func (p *Process) autobindLoopback(s *socket, to *hostnet.Addr) error {
	pol := p.network().Policy()
	if pol == nil || !pol.LoopbackOnly || (s.h.Family != hostnet.Inet4 && s.h.Family != hostnet.Inet6) {
		return nil
	}
	la, err := s.h.LocalAddr()
	if err != nil || la.IP.Port() != 0 {
		return nil // bound already (or the host will say why not)
	}
	lo := netip.AddrFrom4([4]byte{127, 0, 0, 1})
	if s.h.Family == hostnet.Inet6 {
		if to != nil && to.IP.Addr().Is4In6() {
			lo = netip.AddrFrom16(lo.As16())
		} else {
			lo = netip.IPv6Loopback()
		}
	}
	return s.h.Bind(hostnet.Addr{Family: s.h.Family, IP: netip.AddrPortFrom(lo, 0)})
}
