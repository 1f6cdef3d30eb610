package wasixnet

import (
	"context"
	"net"
	"net/netip"
)

// Resolver looks names up with the runtime's resolver (the WASIX resolve
// call), as the runtime's policy allows; natively, with package net's.
// The zero value is ready to use.
type Resolver struct{}

// DefaultResolver is the Resolver the package's Dial functions use.
var DefaultResolver = &Resolver{}

// LookupNetIP returns the addresses of host; network is "ip", "ip4" or
// "ip6".
func (r *Resolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	return LookupNetIP(ctx, network, host)
}

// LookupHost returns the addresses of host as strings.
func (r *Resolver) LookupHost(ctx context.Context, host string) ([]string, error) {
	ips, err := LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(ips))
	for i, ip := range ips {
		out[i] = ip.String()
	}
	return out, nil
}

// LookupIP returns the addresses of host as net.IPs; network is "ip",
// "ip4" or "ip6".
func (r *Resolver) LookupIP(ctx context.Context, network, host string) ([]net.IP, error) {
	ips, err := LookupNetIP(ctx, network, host)
	if err != nil {
		return nil, err
	}
	out := make([]net.IP, len(ips))
	for i, ip := range ips {
		out[i] = ip.AsSlice()
	}
	return out, nil
}
