//go:build !wasip1

package wasixnet

import (
	"context"
	"net"
	"net/netip"
)

// Dial connects to address on network ("tcp", "tcp4", "tcp6", "udp",
// "udp4", "udp6").
func Dial(network, address string) (net.Conn, error) { return net.Dial(network, address) }

// DialContext is Dial with a context bounding the connect and the lookup.
func DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, network, address)
}

// Listen announces a stream network address ("tcp", "tcp4", "tcp6").
func Listen(network, address string) (net.Listener, error) { return net.Listen(network, address) }

// ListenPacket announces a datagram network address ("udp", "udp4", "udp6").
func ListenPacket(network, address string) (net.PacketConn, error) {
	return net.ListenPacket(network, address)
}

// LookupNetIP looks host up; network is "ip", "ip4" or "ip6".
func LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(ctx, network, host)
}
