package hostnet

import (
	"net"
	"net/netip"
	"strconv"
)

func itoa(v uint32) string { return strconv.FormatUint(uint64(v), 10) }

// scopeID returns the numeric interface index of an IPv6 zone, or 0.
func scopeID(ip netip.Addr) uint32 {
	z := ip.Zone()
	if z == "" {
		return 0
	}
	if n, err := strconv.ParseUint(z, 10, 32); err == nil {
		return uint32(n)
	}
	if ifi, err := net.InterfaceByName(z); err == nil {
		return uint32(ifi.Index)
	}
	return 0
}
