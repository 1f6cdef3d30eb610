package hostnet

import (
	"encoding/binary"
	"net/netip"
	"strings"
)

// Family is an address family as the guest names it.
type Family uint8

// The address families of every generation (address_family).
const (
	Unspec Family = 0
	Inet4  Family = 1
	Inet6  Family = 2
	Unix   Family = 3
)

// SockType is the kind of a socket, independent of how a generation
// numbers it.
type SockType uint8

// The socket kinds the runtime can open on the host.
const (
	Stream SockType = iota + 1
	Dgram
)

// Addr is a socket address: an IP address and port (with the IPv6 flow
// label and scope), or a unix path.
type Addr struct {
	Family Family
	IP     netip.AddrPort
	Flow   uint32
	Path   string // Unix only
}

// String formats the address for traces and errors.
func (a Addr) String() string {
	switch a.Family {
	case Inet4, Inet6:
		return a.IP.String()
	case Unix:
		return "unix:" + a.Path
	}
	return "unspec"
}

// IPAddr returns a for an IP and port, choosing the family from the IP.
func IPAddr(ap netip.AddrPort) Addr {
	if ap.Addr().Is4() {
		return Addr{Family: Inet4, IP: ap}
	}
	return Addr{Family: Inet6, IP: ap}
}

// Layout tells apart the two encodings of addr, addr_port, addr_cidr and
// route: the small ones of 2022 and the seed, and the wide ones of today's
// WASIX (110-byte addr and addr_port with room for a unix path, IPv6 with
// flow label and scope).
type Layout struct {
	Wide bool
}

// The layouts by generation.
var (
	Small = Layout{}
	Wide  = Layout{Wide: true}
)

// AddrPortSize is the size of addr_port.
func (l Layout) AddrPortSize() uint32 { return l.pick(20, 110) }

// AddrSize is the size of addr.
func (l Layout) AddrSize() uint32 { return l.pick(18, 110) }

// CidrSize is the size of addr_cidr.
func (l Layout) CidrSize() uint32 { return l.pick(20, 28) }

// RouteSize is the size of route.
func (l Layout) RouteSize() uint32 { return l.pick(72, 176) }

func (l Layout) pick(small, wide uint32) uint32 {
	if l.Wide {
		return wide
	}
	return small
}

// unixLen is the room for a unix path (NUL included) in each layout.
func (l Layout) unixLen() int { return int(l.pick(16, 108)) }

// The payload of every address union starts at byte 2, after the u8 tag
// and its padding. Ports are the guest's native (little-endian) u16, as
// wasix-libc stores them; IP addresses are in network byte order.

// DecodeAddrPort reads an addr_port from b (at least AddrPortSize bytes).
// An unknown family or a unix path without its NUL gives ok false (EINVAL).
func (l Layout) DecodeAddrPort(b []byte) (a Addr, ok bool) {
	port := binary.LittleEndian.Uint16(b[2:])
	switch Family(b[0]) {
	case Inet4:
		return Addr{Family: Inet4, IP: netip.AddrPortFrom(netip.AddrFrom4([4]byte(b[4:8])), port)}, true
	case Inet6:
		a = Addr{Family: Inet6}
		ip := netip.AddrFrom16([16]byte(b[4:20]))
		if l.Wide {
			a.Flow = uint32(binary.LittleEndian.Uint16(b[20:]))<<16 | uint32(binary.LittleEndian.Uint16(b[22:]))
			if scope := uint32(binary.LittleEndian.Uint16(b[24:]))<<16 | uint32(binary.LittleEndian.Uint16(b[26:])); scope != 0 {
				ip = ip.WithZone(itoa(scope))
			}
		}
		a.IP = netip.AddrPortFrom(ip, port)
		return a, true
	case Unix:
		off := 4
		if l.Wide {
			off = 2
		}
		p, ok := cstring(b[off : off+l.unixLen()])
		return Addr{Family: Unix, Path: p}, ok
	case Unspec:
		return Addr{Family: Unspec}, true
	}
	return Addr{}, false
}

// EncodeAddrPort writes a as an addr_port into b (AddrPortSize bytes).
// A unix path too long for the layout is cut, as getsockname(2) does.
func (l Layout) EncodeAddrPort(b []byte, a Addr) {
	clear(b)
	b[0] = byte(a.Family)
	switch a.Family {
	case Inet4:
		binary.LittleEndian.PutUint16(b[2:], a.IP.Port())
		ip := a.IP.Addr().Unmap().As4()
		copy(b[4:8], ip[:])
	case Inet6:
		binary.LittleEndian.PutUint16(b[2:], a.IP.Port())
		ip := a.IP.Addr().As16()
		copy(b[4:20], ip[:])
		if l.Wide {
			binary.LittleEndian.PutUint16(b[20:], uint16(a.Flow>>16))
			binary.LittleEndian.PutUint16(b[22:], uint16(a.Flow))
			s := scopeID(a.IP.Addr())
			binary.LittleEndian.PutUint16(b[24:], uint16(s>>16))
			binary.LittleEndian.PutUint16(b[26:], uint16(s))
		}
	case Unix:
		off := 4
		if l.Wide {
			off = 2
		}
		n := l.unixLen() - 1
		copy(b[off:off+n], a.Path)
	}
}

// DecodeAddr reads an addr (an IP without port) from b (AddrSize bytes).
func (l Layout) DecodeAddr(b []byte) (netip.Addr, bool) {
	switch Family(b[0]) {
	case Inet4:
		return netip.AddrFrom4([4]byte(b[2:6])), true
	case Inet6:
		return netip.AddrFrom16([16]byte(b[2:18])), true
	}
	return netip.Addr{}, false
}

// EncodeAddr writes ip as an addr into b (AddrSize bytes).
func (l Layout) EncodeAddr(b []byte, ip netip.Addr) {
	clear(b)
	if ip.Is4() || ip.Is4In6() {
		b[0] = byte(Inet4)
		a := ip.Unmap().As4()
		copy(b[2:], a[:])
		return
	}
	b[0] = byte(Inet6)
	a := ip.As16()
	copy(b[2:], a[:])
}

// EncodeAddrIP writes ip as today's addr_ip (18 bytes: tag, pad, 16 bytes).
func EncodeAddrIP(b []byte, ip netip.Addr) { Small.EncodeAddr(b[:18], ip) }

// DecodeCidr reads an addr_cidr from b (CidrSize bytes).
func (l Layout) DecodeCidr(b []byte) (netip.Prefix, bool) {
	var ip netip.Addr
	var bits int
	switch Family(b[0]) {
	case Inet4:
		ip, bits = netip.AddrFrom4([4]byte(b[2:6])), int(b[6])
	case Inet6:
		ip = netip.AddrFrom16([16]byte(b[2:18]))
		bits = int(b[18])
		if l.Wide {
			bits = int(b[26])
		}
	default:
		return netip.Prefix{}, false
	}
	p := netip.PrefixFrom(ip, bits)
	return p, p.IsValid()
}

// EncodeCidr writes p as an addr_cidr into b (CidrSize bytes).
func (l Layout) EncodeCidr(b []byte, p netip.Prefix) {
	clear(b)
	ip := p.Addr()
	if ip.Is4() {
		b[0] = byte(Inet4)
		a := ip.As4()
		copy(b[2:], a[:])
		b[6] = byte(p.Bits())
		return
	}
	b[0] = byte(Inet6)
	a := ip.As16()
	copy(b[2:], a[:])
	if l.Wide {
		b[26] = byte(p.Bits())
	} else {
		b[18] = byte(p.Bits())
	}
}

// cstring returns the bytes of b up to its first NUL; false without one.
func cstring(b []byte) (string, bool) {
	i := strings.IndexByte(string(b), 0)
	if i < 0 {
		return "", false
	}
	return string(b[:i]), true
}
