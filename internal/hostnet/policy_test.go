package hostnet

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func TestParseRule(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // a description of the parsed rule, or "error"
	}{
		{"10.0.0.0/8", "prefix=10.0.0.0/8 ports=0-0 ops=0"},
		{"127.0.0.1:8080", "prefix=127.0.0.1/32 ports=8080-8080 ops=0"},
		{"10.1.2.3:8000-8999", "prefix=10.1.2.3/32 ports=8000-8999 ops=0"},
		{"[::1]:80", "prefix=::1/128 ports=80-80 ops=0"},
		{"[fd00::/8]", "prefix=fd00::/8 ports=0-0 ops=0"},
		{"*:443", "any ports=443-443 ops=0"},
		{"connect+bind=*", "any ports=0-0 ops=3"},
		{"*.example.com", "name=*.example.com ops=5"},
		{"unix:/run/app", "unix=/run/app"},
		{"resolve=example.com", "name=example.com ops=4"},
		{"frob=*", "error"},
		{"10.0.0.0/33", "error"},
		{"1.2.3.4:9-1", "error"},
		{"unix:relative", "error"},
		{"[::1", "error"},
		{"a b", "error"},
	} {
		r, err := ParseRule(c.in)
		got := "error"
		if err == nil {
			switch {
			case r.Unix != "":
				got = "unix=" + r.Unix
			case r.Name != "":
				got = "name=" + r.Name + " ops=" + itoa(uint32(r.Ops))
			case r.Any:
				got = "any ports=" + itoa(uint32(r.PortLo)) + "-" + itoa(uint32(r.PortHi)) + " ops=" + itoa(uint32(r.Ops))
			default:
				got = "prefix=" + r.Prefix.String() + " ports=" + itoa(uint32(r.PortLo)) + "-" + itoa(uint32(r.PortHi)) + " ops=" + itoa(uint32(r.Ops))
			}
		}
		if got != c.want {
			t.Errorf("ParseRule(%q) = %s, want %s (err %v)", c.in, got, c.want, err)
		}
	}
}

func TestPolicyChecks(t *testing.T) {
	ap := netip.MustParseAddrPort
	var denied []string
	rules := func(s string) []Rule {
		r, err := ParseRules(s)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	p := &Policy{
		Allow:  rules("127.0.0.0/8, connect=10.0.0.0/8:443, bind=[::1]:8000-8999, unix:/run/app"),
		Deny:   rules("127.0.0.1:25"),
		OnDeny: func(op Op, target, reason string) { denied = append(denied, op.String()+" "+target+": "+reason) },
	}
	for _, c := range []struct {
		op Op
		a  netip.AddrPort
		ok bool
	}{
		{OpConnect, ap("127.0.0.1:80"), true},
		{OpConnect, ap("127.0.0.1:25"), false},
		{OpConnect, ap("10.1.1.1:443"), true},
		{OpConnect, ap("10.1.1.1:80"), false},
		{OpBind, ap("10.1.1.1:443"), false},
		{OpBind, ap("[::1]:8080"), true},
		{OpBind, ap("[::1]:9000"), false},
		{OpConnect, ap("192.0.2.1:80"), false},
		{OpConnect, ap("[::ffff:127.0.0.1]:80"), true}, // v4-mapped counts as v4
	} {
		err := p.CheckAddr(c.op, c.a)
		if (err == nil) != c.ok {
			t.Errorf("%s %s: %v, want ok=%v", c.op, c.a, err, c.ok)
		}
		if err != nil && !errors.Is(err, ErrDenied) {
			t.Errorf("%v does not wrap ErrDenied", err)
		}
	}
	if err := p.Check(OpConnect, Addr{Family: Unix, Path: "/run/app/sock"}); err != nil {
		t.Error(err)
	}
	if err := p.Check(OpConnect, Addr{Family: Unix, Path: "/run/application"}); err == nil {
		t.Error("a sibling of the allowed unix path is allowed")
	}
	if len(denied) == 0 || !strings.Contains(denied[0], "127.0.0.1:25: --net-deny 127.0.0.1:25") {
		t.Errorf("denials %q", denied)
	}

	var off *Policy
	if off.CheckAddr(OpConnect, ap("127.0.0.1:80")) == nil || off.CheckName("localhost") == nil {
		t.Error("a nil policy allows")
	}
	lo := &Policy{LoopbackOnly: true}
	if lo.CheckAddr(OpBind, ap("0.0.0.0:0")) == nil || lo.CheckAddr(OpConnect, ap("[::1]:1")) != nil ||
		lo.CheckName("localhost") != nil || lo.CheckName("example.com") == nil {
		t.Error("loopback-only mode")
	}
	names := &Policy{Allow: rules("*.example.com")}
	if names.CheckName("www.example.com") != nil || names.CheckName("example.org") == nil {
		t.Error("name rules")
	}
}
