package hostnet

import (
	"context"
	"crypto/rand"
	"errors"
	"net"
	"net/netip"
	"slices"
	"sync"
)

// Network is the network of one runtime: its policy and its virtual
// interface. A nil *Network is a runtime without networking.
type Network struct {
	policy Policy
	port   Port
	// TLS makes the connections of https and wss requests TLS
	// connections (httpc.Client.TLS); nil refuses those requests.
	TLS func(ctx context.Context, conn net.Conn, serverName string) (net.Conn, error)
}

// NewNetwork returns a network governed by p.
func NewNetwork(p Policy) *Network {
	n := &Network{policy: p}
	n.port.init()
	return n
}

// Policy returns the policy, or nil (everything denied) for a nil Network.
func (n *Network) Policy() *Policy {
	if n == nil {
		return nil
	}
	return &n.policy
}

// Port returns the virtual interface, or nil for a nil Network.
func (n *Network) Port() *Port {
	if n == nil {
		return nil
	}
	return &n.port
}

// Resolve looks host up with the host's resolver, after the policy allowed
// the name; addresses the policy would not let the guest reach are left
// out. A literal address is returned as is.
func (n *Network) Resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	p := n.Policy()
	if err := p.CheckName(host); err != nil {
		return nil, err
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		ips, err = net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			var de *net.DNSError
			if errors.As(err, &de) && de.IsNotFound {
				return nil, ErrNotFound
			}
			return nil, err
		}
	}
	out := ips[:0]
	for _, ip := range ips {
		// An answer has no port: it stays if some port of it may be
		// reached (a rule such as 127.0.0.1:8080 admits "localhost").
		if p.reachable(ip) {
			out = append(out, ip.Unmap())
		}
	}
	if len(out) == 0 {
		return nil, p.deny(OpResolve, host, "every address it has is denied")
	}
	return out, nil
}

// ErrNotFound says a name has no addresses.
var ErrNotFound = errors.New("no such host")

// Route is one entry of the virtual routing table.
type Route struct {
	Cidr           netip.Prefix
	Via            netip.Addr
	PreferredUntil *uint64 // nanoseconds, nil when unset
	ExpiresAt      *uint64
}

// Port is the virtual interface behind the port_* calls: its addresses,
// routes, gateway and hardware address. The state is kept, changed and
// reported faithfully; it does not reconfigure the host, whose network
// the guest's sockets use.
type Port struct {
	mu      sync.Mutex
	mac     [6]byte
	addrs   []netip.Prefix
	routes  []Route
	gateway netip.Addr
}

func (p *Port) init() {
	_, _ = rand.Read(p.mac[:])
	p.mac[0] = p.mac[0]&^1 | 2 // unicast, locally administered
	p.addrs = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/8"), netip.MustParsePrefix("::1/128")}
}

// MAC returns the interface's hardware address.
func (p *Port) MAC() [6]byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mac
}

// AddAddr adds an address; EEXIST-like errors are not raised for a
// duplicate, which replaces the prefix length.
func (p *Port) AddAddr(c netip.Prefix) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.addrs = slices.DeleteFunc(p.addrs, func(a netip.Prefix) bool { return a.Addr() == c.Addr() })
	p.addrs = append(p.addrs, c)
}

// RemoveAddr removes an address; false if it was not there.
func (p *Port) RemoveAddr(ip netip.Addr) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.addrs)
	p.addrs = slices.DeleteFunc(p.addrs, func(a netip.Prefix) bool { return a.Addr() == ip })
	return len(p.addrs) != n
}

// ClearAddrs removes every address.
func (p *Port) ClearAddrs() {
	p.mu.Lock()
	p.addrs = nil
	p.mu.Unlock()
}

// Addrs returns the addresses.
func (p *Port) Addrs() []netip.Prefix {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.addrs)
}

// SetGateway sets the default gateway, which is also a default route.
func (p *Port) SetGateway(ip netip.Addr) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.gateway = ip
	bits := 0
	def := netip.PrefixFrom(netip.IPv4Unspecified(), bits)
	if ip.Is6() {
		def = netip.PrefixFrom(netip.IPv6Unspecified(), bits)
	}
	p.routes = slices.DeleteFunc(p.routes, func(r Route) bool { return r.Cidr == def })
	p.routes = append(p.routes, Route{Cidr: def, Via: ip})
}

// Gateway returns the default gateway (invalid when unset).
func (p *Port) Gateway() netip.Addr {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.gateway
}

// AddRoute adds (or replaces) the route to r.Cidr.
func (p *Port) AddRoute(r Route) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.routes = slices.DeleteFunc(p.routes, func(o Route) bool { return o.Cidr == r.Cidr })
	p.routes = append(p.routes, r)
}

// RemoveRoute removes the routes whose destination contains ip as its
// network address; false if none.
func (p *Port) RemoveRoute(ip netip.Addr) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.routes)
	p.routes = slices.DeleteFunc(p.routes, func(r Route) bool { return r.Cidr.Addr() == ip })
	return len(p.routes) != n
}

// ClearRoutes removes every route.
func (p *Port) ClearRoutes() {
	p.mu.Lock()
	p.routes = nil
	p.mu.Unlock()
}

// Routes returns the routing table.
func (p *Port) Routes() []Route {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.routes)
}

// AcquireHost stands for DHCP: there is no DHCP server to ask on the host
// network, so the interface takes the host's own addresses (those of its
// up interfaces), which is what a lease would describe.
func (p *Port) AcquireHost() error {
	ifs, err := net.Interfaces()
	if err != nil {
		return err
	}
	var got []netip.Prefix
	for _, ifi := range ifs {
		if ifi.Flags&net.FlagUp == 0 {
			continue
		}
		as, err := ifi.Addrs()
		if err != nil {
			continue
		}
		for _, a := range as {
			if ipn, ok := a.(*net.IPNet); ok {
				ip, _ := netip.AddrFromSlice(ipn.IP)
				ones, _ := ipn.Mask.Size()
				got = append(got, netip.PrefixFrom(ip.Unmap(), ones))
			}
		}
	}
	p.mu.Lock()
	p.addrs = got
	p.mu.Unlock()
	return nil
}
