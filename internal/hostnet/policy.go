package hostnet

import (
	"errors"
	"fmt"
	"net/netip"
	"path"
	"strconv"
	"strings"
)

// Op is what a guest asks of the network.
type Op uint8

// The operations the policy decides on.
const (
	OpConnect Op = 1 << iota // connect, and send_to to an address
	OpBind                   // bind, and listen on an address
	OpResolve                // name lookups
)

// String names the operation as rules spell it.
func (o Op) String() string {
	switch o {
	case OpConnect:
		return "connect"
	case OpBind:
		return "bind"
	case OpResolve:
		return "resolve"
	}
	return "op" + strconv.Itoa(int(o))
}

const allOps = OpConnect | OpBind | OpResolve

// Policy decides what a guest may reach. A nil *Policy means networking
// is off: every check fails. A zero Policy allows everything.
//
// A request is denied if it matches a Deny rule; otherwise it is allowed
// if Allow is empty or one of its rules matches. LoopbackOnly further
// limits addresses to 127.0.0.0/8 and ::1 (and names to "localhost").
type Policy struct {
	LoopbackOnly bool
	Allow        []Rule
	Deny         []Rule

	// OnDeny, if not nil, is told of every denial with its reason, for
	// the trace.
	OnDeny func(op Op, target, reason string)
}

// Rule matches the targets of some operations: an address range with a
// port range, a host name pattern (resolve), or a unix path prefix.
type Rule struct {
	Ops    Op           // 0 means every operation
	Prefix netip.Prefix // invalid means any address (with Any)
	Any    bool         // "*": every address
	PortLo uint16       // port range; 0-0 means any port
	PortHi uint16
	Name   string // host name pattern, path.Match syntax ("*.example.com")
	Unix   string // unix socket path prefix ("unix:/run/app")
	text   string
}

// String returns the rule as it was written.
func (r Rule) String() string { return r.text }

// ParseRule reads a rule of --net-allow / --net-deny:
//
//	[ops=]target
//
// where ops is a "+"-joined subset of connect, bind and resolve, and
// target is one of
//
//	10.0.0.0/8            an address range (a bare address is a /32 or /128)
//	127.0.0.1:8080        with a port, or a port range 8000-8999
//	[::1]:80, [fd00::/8]  IPv6 in brackets when a port follows or for clarity
//	*:443, *              every address
//	example.com, *.lan    a host name pattern, for resolve
//	unix:/run/app         a unix socket path and what lies under it
func ParseRule(s string) (Rule, error) {
	r := Rule{text: s}
	t := s
	if i := strings.IndexByte(t, '='); i >= 0 {
		for _, o := range strings.Split(t[:i], "+") {
			switch o {
			case "connect":
				r.Ops |= OpConnect
			case "bind":
				r.Ops |= OpBind
			case "resolve":
				r.Ops |= OpResolve
			default:
				return Rule{}, fmt.Errorf("net rule %q: unknown operation %q (connect, bind, resolve)", s, o)
			}
		}
		t = t[i+1:]
	}
	if p, ok := strings.CutPrefix(t, "unix:"); ok {
		if strings.HasPrefix(p, "@") && len(p) > 1 { // Linux's abstract namespace
			r.Unix = p
			return r, nil
		}
		if !strings.HasPrefix(p, "/") {
			return Rule{}, fmt.Errorf("net rule %q: unix path must be absolute (or @name, abstract)", s)
		}
		r.Unix = path.Clean(p)
		return r, nil
	}
	host, ports := t, ""
	switch {
	case strings.HasPrefix(t, "["):
		end := strings.IndexByte(t, ']')
		if end < 0 {
			return Rule{}, fmt.Errorf("net rule %q: missing ]", s)
		}
		host, ports = t[1:end], t[end+1:]
		if ports != "" && !strings.HasPrefix(ports, ":") {
			return Rule{}, fmt.Errorf("net rule %q: expected :port after ]", s)
		}
		ports = strings.TrimPrefix(ports, ":")
	case strings.Count(t, ":") == 1:
		host, ports, _ = strings.Cut(t, ":")
	}
	if ports != "" {
		lo, hi, ok := strings.Cut(ports, "-")
		if !ok {
			hi = lo
		}
		l, err1 := strconv.ParseUint(lo, 10, 16)
		h, err2 := strconv.ParseUint(hi, 10, 16)
		if err1 != nil || err2 != nil || l > h {
			return Rule{}, fmt.Errorf("net rule %q: bad port range %q", s, ports)
		}
		r.PortLo, r.PortHi = uint16(l), uint16(h)
	}
	switch {
	case host == "*":
		r.Any = true
	case strings.Contains(host, "/"):
		p, err := netip.ParsePrefix(host)
		if err != nil {
			return Rule{}, fmt.Errorf("net rule %q: %v", s, err)
		}
		r.Prefix = unmapPrefix(p.Masked())
	default:
		if ip, err := netip.ParseAddr(host); err == nil {
			r.Prefix = unmapPrefix(netip.PrefixFrom(ip.WithZone(""), ip.BitLen()))
		} else if host != "" && !strings.ContainsAny(host, " \t,") {
			if _, err := path.Match(host, ""); err != nil {
				return Rule{}, fmt.Errorf("net rule %q: bad name pattern", s)
			}
			r.Name = strings.ToLower(host)
			if r.Ops == 0 {
				r.Ops = OpResolve | OpConnect
			}
		} else {
			return Rule{}, fmt.Errorf("net rule %q: expected an address, range, name or unix:path", s)
		}
	}
	return r, nil
}

// ParseRules parses a comma-separated list of rules.
func ParseRules(s string) ([]Rule, error) {
	var out []Rule
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		r, err := ParseRule(f)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func (r Rule) ops() Op {
	if r.Ops == 0 {
		return allOps
	}
	return r.Ops
}

// unmapPrefix turns a prefix within ::ffff:0:0/96 (IPv4-mapped addresses)
// into the IPv4 prefix it stands for, so that a rule written either way
// matches the same hosts: addresses are unmapped before matching too.
func unmapPrefix(p netip.Prefix) netip.Prefix {
	if p.Addr().Is4In6() && p.Bits() >= 96 {
		return netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96).Masked()
	}
	return p
}

// matchAddr reports whether r covers ap for op.
func (r Rule) matchAddr(op Op, ap netip.AddrPort) bool {
	if r.PortHi != 0 && (ap.Port() < r.PortLo || ap.Port() > r.PortHi) {
		return false
	}
	return r.matchIP(op, ap.Addr())
}

// matchIP is matchAddr without the port. Addresses are unmapped, as rules
// are (unmapPrefix): ::ffff:127.0.0.2 and 127.0.0.2 are one host.
func (r Rule) matchIP(op Op, ip netip.Addr) bool {
	if r.ops()&op == 0 || r.Name != "" || r.Unix != "" {
		return false
	}
	return r.Any || r.Prefix.Contains(ip.Unmap().WithZone(""))
}

// reached returns the address a connect or send_to to ip reaches: the
// unspecified address (0.0.0.0, ::, ::ffff:0.0.0.0) is the host's own
// loopback on Linux and the BSDs, so the policy must judge it as such.
func reached(op Op, ap netip.AddrPort) netip.AddrPort {
	ip := ap.Addr().Unmap()
	if op != OpConnect || !ip.IsUnspecified() {
		return ap
	}
	if ip.Is4() {
		return netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), ap.Port())
	}
	return netip.AddrPortFrom(netip.IPv6Loopback(), ap.Port())
}

func (r Rule) matchName(name string) bool {
	if r.ops()&OpResolve == 0 || r.Name == "" && !r.Any {
		return false
	}
	if r.Any {
		return true
	}
	ok, _ := path.Match(r.Name, strings.ToLower(name))
	return ok
}

func (r Rule) matchPath(op Op, p string) bool {
	if r.ops()&op == 0 || r.Unix == "" {
		return false
	}
	return p == r.Unix || strings.HasPrefix(p, strings.TrimSuffix(r.Unix, "/")+"/")
}

// ErrDenied is what every denial wraps; the kernel turns it into EACCES.
var ErrDenied = errors.New("denied by the network policy")

// DenyError says which request the policy refused and why.
type DenyError struct {
	Op     Op
	Target string
	Reason string
}

// Error describes the denial.
func (e *DenyError) Error() string {
	return fmt.Sprintf("net: %s %s denied: %s", e.Op, e.Target, e.Reason)
}

// Unwrap returns ErrDenied.
func (e *DenyError) Unwrap() error { return ErrDenied }

func (p *Policy) deny(op Op, target, reason string) error {
	if p != nil && p.OnDeny != nil {
		p.OnDeny(op, target, reason)
	}
	return &DenyError{Op: op, Target: target, Reason: reason}
}

// Enabled reports whether networking is on.
func (p *Policy) Enabled() bool { return p != nil }

// CheckAddr decides on an operation on an IP address and port. The
// unspecified address (bind to all interfaces) is allowed in loopback
// mode only for connect (where the host reads it as loopback).
func (p *Policy) CheckAddr(op Op, ap netip.AddrPort) error {
	if p == nil {
		return p.deny(op, ap.String(), "networking is off (--net)")
	}
	target := ap.String()
	ap = reached(op, ap)
	if ap.String() != target {
		target += " (reaching " + ap.Addr().String() + ")"
	}
	ip := ap.Addr().Unmap()
	if p.LoopbackOnly && !ip.IsLoopback() {
		return p.deny(op, target, "loopback-only mode")
	}
	for _, r := range p.Deny {
		if r.matchAddr(op, ap) {
			return p.deny(op, target, "--net-deny "+r.text)
		}
	}
	if len(p.Allow) == 0 {
		return nil
	}
	for _, r := range p.Allow {
		if r.matchAddr(op, ap) {
			return nil
		}
	}
	return p.deny(op, target, "not in --net-allow")
}

// reachable reports whether a guest could reach ip at some port: the test
// of the answers of a name lookup, which carry no port. A deny rule
// refuses the address only when it covers every port; an allow rule for
// connect or resolve admits it whatever its ports.
func (p *Policy) reachable(ip netip.Addr) bool {
	if p == nil {
		return false
	}
	ip = ip.Unmap()
	if p.LoopbackOnly && !ip.IsLoopback() {
		return false
	}
	for _, r := range p.Deny {
		if r.PortHi == 0 && (r.matchIP(OpConnect, ip) || r.matchIP(OpResolve, ip)) {
			return false
		}
	}
	if len(p.Allow) == 0 {
		return true
	}
	for _, r := range p.Allow {
		if r.matchIP(OpConnect, ip) || r.matchIP(OpResolve, ip) {
			return true
		}
	}
	return false
}

// CheckName decides on a name lookup.
func (p *Policy) CheckName(name string) error {
	if p == nil {
		return p.deny(OpResolve, name, "networking is off (--net)")
	}
	if p.LoopbackOnly && !strings.EqualFold(name, "localhost") {
		if ip, err := netip.ParseAddr(name); err != nil || !ip.IsLoopback() {
			return p.deny(OpResolve, name, "loopback-only mode")
		}
	}
	for _, r := range p.Deny {
		if r.matchName(name) {
			return p.deny(OpResolve, name, "--net-deny "+r.text)
		}
	}
	hasNameRules := false
	for _, r := range p.Allow {
		if r.Name != "" || r.Any {
			hasNameRules = true
		}
		if r.matchName(name) {
			return nil
		}
	}
	if hasNameRules {
		return p.deny(OpResolve, name, "not in --net-allow")
	}
	// Without name rules, lookups are allowed and the addresses found are
	// filtered by the address rules (see FilterResolved).
	return nil
}

// CheckUnix decides on binding or connecting a unix socket at a host
// path. Paths reach the host's filesystem, outside every mount, so they
// need an explicit unix: rule.
func (p *Policy) CheckUnix(op Op, hostPath string) error {
	if p == nil {
		return p.deny(op, "unix:"+hostPath, "networking is off (--net)")
	}
	for _, c := range strings.Split(hostPath, "/") {
		if c == ".." && !strings.HasPrefix(hostPath, "@") {
			// The host resolves a symbolic link before the "..", where
			// the policy's cleaned text would have dropped both.
			return p.deny(op, "unix:"+hostPath, "\"..\" in a unix socket path")
		}
	}
	clean := hostPath
	if !strings.HasPrefix(hostPath, "@") {
		clean = path.Clean(hostPath)
	}
	for _, r := range p.Deny {
		if r.matchPath(op, clean) {
			return p.deny(op, "unix:"+hostPath, "--net-deny "+r.text)
		}
	}
	for _, r := range p.Allow {
		if r.matchPath(op, clean) {
			return nil
		}
	}
	return p.deny(op, "unix:"+hostPath, "unix paths need --net-allow unix:PATH")
}

// Check decides on an operation on a socket address of any family.
func (p *Policy) Check(op Op, a Addr) error {
	switch a.Family {
	case Inet4, Inet6:
		return p.CheckAddr(op, a.IP)
	case Unix:
		if a.Path == "" { // unnamed: reaches nothing
			if p == nil {
				return p.deny(op, a.String(), "networking is off (--net)")
			}
			return nil
		}
		if a.Path[0] == 0 {
			// Linux's abstract namespace is the host's, shared with its
			// services (X11, D-Bus, container runtimes): like a path, it
			// needs a rule, written unix:@name.
			return p.CheckUnix(op, "@"+a.Path[1:])
		}
		return p.CheckUnix(op, a.Path)
	}
	return p.deny(op, a.String(), "unsupported address family")
}
