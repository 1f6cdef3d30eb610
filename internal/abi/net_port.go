package abi

import (
	"context"
	"encoding/binary"
	"net/netip"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/hostnet"
	"github.com/wasix-go/wasix/internal/kernel"
)

// The port_* calls keep the state of the runtime's virtual interface
// (hostnet.Port): addresses, routes, gateway, hardware address. Their
// records use the generation's addr, addr_cidr and route layouts.

func init() {
	for _, g := range netGens() {
		c := genCalls[g.gen]
		c["port_addr_add"] = g.portAddrAdd
		c["port_addr_remove"] = g.portAddrRemove
		c["port_addr_list"] = g.portAddrList
		c["port_gateway_set"] = g.portGatewaySet
		c["port_route_add"] = g.portRouteAdd
		c["port_route_remove"] = g.portRouteRemove
		c["port_route_list"] = g.portRouteList
	}
	w := wasixCalls
	w["port_bridge"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		if _, ok := span(m, uint32(s[0]), uint32(s[1])); !ok {
			return wasix.ErrnoFault
		}
		if _, ok := span(m, uint32(s[2]), uint32(s[3])); !ok {
			return wasix.ErrnoFault
		}
		return p.PortBridge()
	}
	w["port_unbridge"] = func(_ context.Context, p *kernel.Process, _ api.Memory, _ []uint64) wasix.Errno {
		return p.PortBridge()
	}
	w["port_dhcp_acquire"] = func(_ context.Context, p *kernel.Process, _ api.Memory, _ []uint64) wasix.Errno {
		return p.PortDHCPAcquire()
	}
	w["port_addr_clear"] = func(_ context.Context, p *kernel.Process, _ api.Memory, _ []uint64) wasix.Errno {
		return onPort(p, (*hostnet.Port).ClearAddrs)
	}
	w["port_route_clear"] = func(_ context.Context, p *kernel.Process, _ api.Memory, _ []uint64) wasix.Errno {
		return onPort(p, (*hostnet.Port).ClearRoutes)
	}
	w["port_mac"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		b, ok := span(m, uint32(s[0]), 6)
		if !ok {
			return wasix.ErrnoFault
		}
		port, errno := p.NetPort()
		if errno == wasix.ErrnoSuccess {
			mac := port.MAC()
			copy(b, mac[:])
		}
		return errno
	}
}

// onPort applies change to the process's virtual interface, if it has one.
func onPort(p *kernel.Process, change func(*hostnet.Port)) wasix.Errno {
	port, errno := p.NetPort()
	if errno == wasix.ErrnoSuccess {
		change(port)
	}
	return errno
}

func (g netGen) cidr(m api.Memory, ptr uint32) (netip.Prefix, wasix.Errno) {
	return decodeAt(m, ptr, g.l.CidrSize(), g.l.DecodeCidr)
}

func (g netGen) addr(m api.Memory, ptr uint32) (netip.Addr, wasix.Errno) {
	return decodeAt(m, ptr, g.l.AddrSize(), g.l.DecodeAddr)
}

// port_addr_add(addr_cidr*)
func (g netGen) portAddrAdd(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	c, errno := g.cidr(m, uint32(s[0]))
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	return onPort(p, func(port *hostnet.Port) { port.AddAddr(c) })
}

// port_addr_remove(addr*): EADDRNOTAVAIL, as Linux answers, when the
// interface does not have the address.
func (g netGen) portAddrRemove(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	return g.portRemove(p, m, s, (*hostnet.Port).RemoveAddr, wasix.ErrnoAddrnotavail)
}

// portRemove carries out a port_*_remove(addr*) call: remove reports
// whether the interface had what it removes, missing is the answer when not.
func (g netGen) portRemove(p *kernel.Process, m api.Memory, s []uint64, remove func(*hostnet.Port, netip.Addr) bool, missing wasix.Errno) wasix.Errno {
	a, errno := g.addr(m, uint32(s[0]))
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	port, errno := p.NetPort()
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	if !remove(port, a) {
		return missing
	}
	return wasix.ErrnoSuccess
}

// port_addr_list(addrs*, naddrs*): *naddrs is the room on entry and the
// count on return; EOVERFLOW when the room was too small (the count then
// says how much is needed).
func (g netGen) portAddrList(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	return portList(p, m, s, g.l.CidrSize(), (*hostnet.Port).Addrs, g.l.EncodeCidr)
}

// portList carries out a port_*_list call (records*, nrecords*): the
// records of list, size bytes each, written by enc, with
// port_addr_list's convention for the room and the count.
func portList[T any](p *kernel.Process, m api.Memory, s []uint64, size uint32, list func(*hostnet.Port) []T, enc func([]byte, T)) wasix.Errno {
	room, ok := readU32(m, uint32(s[1]))
	if !ok {
		return wasix.ErrnoFault
	}
	arr, ok := span64(m, uint32(s[0]), uint64(room)*uint64(size))
	if !ok {
		return wasix.ErrnoFault
	}
	port, errno := p.NetPort()
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	items := list(port)
	for i, v := range items[:min(len(items), int(room))] {
		enc(arr[uint32(i)*size:uint32(i+1)*size], v)
	}
	put32(m, uint32(s[1]), uint32(len(items)))
	if len(items) > int(room) {
		return wasix.ErrnoOverflow
	}
	return wasix.ErrnoSuccess
}

// port_gateway_set(addr*)
func (g netGen) portGatewaySet(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	a, errno := g.addr(m, uint32(s[0]))
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	return onPort(p, func(port *hostnet.Port) { port.SetGateway(a) })
}

// optTimestamp reads an option_timestamp (tag u8 at 0, value at 8).
func optTimestamp(m api.Memory, ptr uint32) (*uint64, wasix.Errno) {
	b, ok := span(m, ptr, 16)
	if !ok {
		return nil, wasix.ErrnoFault
	}
	switch b[0] {
	case 0:
		return nil, wasix.ErrnoSuccess
	case 1:
		v := binary.LittleEndian.Uint64(b[8:])
		return &v, wasix.ErrnoSuccess
	}
	return nil, wasix.ErrnoInval
}

// putOptTimestamp writes t as an option_timestamp into the 16 bytes of b.
func putOptTimestamp(b []byte, t *uint64) {
	clear(b[:16])
	if t != nil {
		b[0] = 1
		le64(b[8:], *t)
	}
}

// port_route_add(cidr*, via_router*, preferred_until*, expires_at*)
func (g netGen) portRouteAdd(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	c, errno := g.cidr(m, uint32(s[0]))
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	via, errno := g.addr(m, uint32(s[1]))
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	pref, errno := optTimestamp(m, uint32(s[2]))
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	exp, errno := optTimestamp(m, uint32(s[3]))
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	return onPort(p, func(port *hostnet.Port) {
		port.AddRoute(hostnet.Route{Cidr: c, Via: via, PreferredUntil: pref, ExpiresAt: exp})
	})
}

// port_route_remove(addr*): the routes to the network at that address.
func (g netGen) portRouteRemove(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	return g.portRemove(p, m, s, (*hostnet.Port).RemoveRoute, wasix.ErrnoNoent)
}

// port_route_list(routes*, nroutes*), with port_addr_list's convention.
func (g netGen) portRouteList(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	cs, as := g.l.CidrSize(), g.l.AddrSize()
	pref := (cs + as + 7) &^ 7 // option_timestamp is 8-aligned
	return portList(p, m, s, g.l.RouteSize(), (*hostnet.Port).Routes, func(b []byte, r hostnet.Route) {
		clear(b)
		g.l.EncodeCidr(b[:cs], r.Cidr)
		if r.Via.IsValid() {
			g.l.EncodeAddr(b[cs:cs+as], r.Via)
		}
		putOptTimestamp(b[pref:], r.PreferredUntil)
		putOptTimestamp(b[pref+16:], r.ExpiresAt)
	})
}
