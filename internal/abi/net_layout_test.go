package abi

import (
	"net/netip"
	"testing"

	"github.com/wasix-go/wasix/internal/hostnet"
)

// The address layouts of hostnet must be those of each generation's spec.
func TestNetLayoutsMatchSpec(t *testing.T) {
	for _, g := range []netGen{{Wasix2022, hostnet.Small}, {WasixSeed, hostnet.Small}, {WasixCurrent, hostnet.Wide}} {
		s := SpecOf(g.gen)
		for name, got := range map[string]uint32{
			"addr_port": g.l.AddrPortSize(), "addr": g.l.AddrSize(),
			"addr_cidr": g.l.CidrSize(), "route": g.l.RouteSize(),
		} {
			if l, ok := s.Type(name); !ok || l.Size != got {
				t.Errorf("%s %s: size %d, spec %d (found %v)", g.gen, name, got, l.Size, ok)
			}
		}
		r, _ := s.Type("route")
		via, ok1 := r.Field("via_router")
		until, ok2 := r.Field("preferred_until")
		if !ok1 || !ok2 || via != g.l.CidrSize() || until != (g.l.CidrSize()+g.l.AddrSize()+7)&^7 {
			t.Errorf("%s route fields %v", g.gen, r.Fields)
		}
	}
	ip, _ := SpecOf(WasixCurrent).Type("addr_ip")
	addr, _ := SpecOf(WasixSeed).Type("addr")
	if ip.Size != 18 || addr.Size != 18 {
		t.Error("resolve records are not 18 bytes")
	}
}

func TestNetAddrRoundTrip(t *testing.T) {
	for _, l := range []hostnet.Layout{hostnet.Small, hostnet.Wide} {
		for _, a := range []hostnet.Addr{
			hostnet.IPAddr(netip.MustParseAddrPort("127.0.0.1:8080")),
			hostnet.IPAddr(netip.MustParseAddrPort("[::1]:443")),
			{Family: hostnet.Unix, Path: "/tmp/s"},
		} {
			b := make([]byte, l.AddrPortSize())
			l.EncodeAddrPort(b, a)
			got, ok := l.DecodeAddrPort(b)
			if !ok || got != a {
				t.Errorf("%v: %v round-trips to %v", l, a, got)
			}
		}
		b := make([]byte, l.AddrPortSize())
		l.EncodeAddrPort(b, hostnet.IPAddr(netip.MustParseAddrPort("10.1.2.3:258")))
		if b[0] != 1 || b[2] != 2 || b[3] != 1 || b[4] != 10 || b[7] != 3 {
			t.Errorf("%v: inet4 encoding % x", l, b[:8])
		}
		c := make([]byte, l.CidrSize())
		p := netip.MustParsePrefix("fd00::/8")
		l.EncodeCidr(c, p)
		if got, ok := l.DecodeCidr(c); !ok || got != p {
			t.Errorf("%v: cidr %v round-trips to %v", l, p, got)
		}
	}
}
