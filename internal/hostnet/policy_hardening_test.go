package hostnet

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestPolicyHolds is every refusal of issue 16 that once got through, and
// its neighbours (what must still be allowed beside it).
func TestPolicyHolds(t *testing.T) {
	type check struct {
		op     Op
		target string // an address:port, or unix:PATH
		allow  bool
	}
	for _, tc := range []struct {
		name         string
		allow, deny  string
		loopbackOnly bool
		checks       []check
	}{
		{name: "the unspecified address reaches loopback", deny: "127.0.0.0/8,::1", checks: []check{
			{OpConnect, "0.0.0.0:8080", false},
			{OpConnect, "[::]:8080", false},
			{OpConnect, "[::ffff:0.0.0.0]:8080", false},
			{OpConnect, "127.0.0.2:8080", false},
			{OpConnect, "[::ffff:127.0.0.1]:8080", false},
			{OpConnect, "[::1]:8080", false},
			{OpConnect, "10.1.2.3:8080", true},
			{OpBind, "0.0.0.0:8080", true}, // binding every interface is not reaching loopback
			{OpBind, "127.0.0.1:8080", false},
		}},
		{name: "a mapped rule matches both forms", deny: "::ffff:127.0.0.2", checks: []check{
			{OpConnect, "127.0.0.2:80", false},
			{OpConnect, "[::ffff:127.0.0.2]:80", false},
			{OpConnect, "127.0.0.3:80", true},
			{OpConnect, "[::1]:80", true},
		}},
		{name: "a mapped range", deny: "[::ffff:10.0.0.0/104]", checks: []check{
			{OpConnect, "10.9.9.9:1", false},
			{OpConnect, "[::ffff:10.9.9.9]:1", false},
			{OpConnect, "11.0.0.1:1", true},
		}},
		{name: "a mapped allow rule", allow: "[::ffff:127.0.0.1]:9000", checks: []check{
			{OpConnect, "127.0.0.1:9000", true},
			{OpConnect, "127.0.0.1:9001", false},
			{OpConnect, "0.0.0.0:9000", true}, // reaches 127.0.0.1:9000
		}},
		{name: "port-scoped allow", allow: "127.0.0.1:9000", checks: []check{
			{OpConnect, "127.0.0.1:9000", true},
			{OpConnect, "127.0.0.1:9001", false},
			{OpConnect, "0.0.0.0:9000", true},
			{OpConnect, "0.0.0.0:9001", false},
			{OpConnect, "[::]:9000", false}, // reaches ::1, not allowed
		}},
		{name: "loopback only", loopbackOnly: true, checks: []check{
			{OpConnect, "0.0.0.0:53", true},
			{OpConnect, "[::]:53", true},
			{OpConnect, "127.0.0.1:53", true},
			{OpConnect, "10.0.0.1:53", false},
			{OpBind, "0.0.0.0:0", false},
			{OpBind, "[::]:0", false},
			{OpBind, "127.0.0.1:0", true},
			{OpBind, "[::ffff:127.0.0.1]:0", true},
		}},
		{name: "unix paths", allow: "unix:/srv/dir", checks: []check{
			{OpConnect, "unix:/srv/dir/a.sock", true},
			{OpBind, "unix:/srv/dir/sub/b.sock", true},
			{OpConnect, "unix:/srv/dir/link/../outside.sock", false},
			{OpConnect, "unix:/srv/dir/../x.sock", false},
			{OpBind, "unix:/srv/dir/a/../b.sock", false},
			{OpConnect, "unix:/srv/dirx/a.sock", false},
			{OpConnect, "unix:/srv/a.sock", false},
		}},
		{name: "abstract unix names are the host's too", loopbackOnly: true, allow: "unix:@app", checks: []check{
			{OpConnect, "unix:\x00/tmp/.X11-unix/X0", false},
			{OpConnect, "unix:\x00app", true},
			{OpBind, "unix:\x00app/x", true},
			{OpBind, "unix:\x00other", false},
			{OpConnect, "unix:", true}, // unnamed: reaches nothing
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &Policy{LoopbackOnly: tc.loopbackOnly}
			var err error
			if p.Allow, err = ParseRules(tc.allow); err != nil {
				t.Fatal(err)
			}
			if p.Deny, err = ParseRules(tc.deny); err != nil {
				t.Fatal(err)
			}
			for _, c := range tc.checks {
				var err error
				if path, ok := cutUnix(c.target); ok {
					err = p.Check(c.op, Addr{Family: Unix, Path: strings.Replace(path, `\x00`, "\x00", 1)})
				} else {
					err = p.CheckAddr(c.op, netip.MustParseAddrPort(c.target))
				}
				if got := err == nil; got != c.allow {
					t.Errorf("%s %s: allowed %v, want %v (%v)", c.op, c.target, got, c.allow, err)
				} else if err != nil && !errors.Is(err, ErrDenied) {
					t.Errorf("%s %s: %v does not wrap ErrDenied", c.op, c.target, err)
				}
			}
		})
	}
}

func cutUnix(s string) (string, bool) {
	if len(s) >= 5 && s[:5] == "unix:" {
		return s[5:], true
	}
	return "", false
}

// TestResolveUnderPortRules: the answers of a lookup carry no port, so a
// port-scoped allow rule admits its address, and only a deny rule for
// every port removes one.
func TestResolveUnderPortRules(t *testing.T) {
	for _, tc := range []struct {
		allow, deny string
		host        string
		want        bool
	}{
		{allow: "127.0.0.1:9000", host: "127.0.0.1", want: true},
		{allow: "127.0.0.1:9000-9010", host: "127.0.0.1", want: true},
		{allow: "127.0.0.1:9000", host: "::1", want: false},
		{deny: "127.0.0.1:22", host: "127.0.0.1", want: true},
		{deny: "127.0.0.1", host: "127.0.0.1", want: false},
		{deny: "::ffff:127.0.0.1", host: "127.0.0.1", want: false},
		{allow: "resolve+connect=[::ffff:10.0.0.1]:80", host: "10.0.0.1", want: true},
	} {
		p := Policy{}
		p.Allow, _ = ParseRules(tc.allow)
		p.Deny, _ = ParseRules(tc.deny)
		n := NewNetwork(p)
		ips, err := n.Resolve(context.Background(), tc.host)
		if got := err == nil && len(ips) == 1; got != tc.want {
			t.Errorf("allow %q deny %q: resolve %s = %v, %v; want answered %v", tc.allow, tc.deny, tc.host, ips, err, tc.want)
		}
	}
}

// TestUnixSocketLinks: a guest that can write inside an allowed directory
// plants symbolic links pointing out of it; connecting or binding through
// them must fail, and no socket file may appear outside.
func TestUnixSocketLinks(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("unix sockets on Linux and Darwin only")
	}
	root := t.TempDir()
	allowed, outside := filepath.Join(root, "allowed"), filepath.Join(root, "outside")
	for _, d := range []string{allowed, outside} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	listen := func(path string) *Socket {
		s, err := Open(Unix, Stream, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Bind(Addr{Family: Unix, Path: path}); err != nil {
			t.Fatalf("bind %s: %v", path, err)
		}
		if err := s.Listen(4); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	secret := filepath.Join(outside, "s.sock")
	listen(secret)
	inside := filepath.Join(allowed, "ok.sock")
	srv := listen(inside)
	if la, err := srv.LocalAddr(); err != nil || la.Path != inside {
		t.Errorf("the bound socket reports %q, %v; want %q", la.Path, err, inside)
	}
	if err := os.Symlink(outside, filepath.Join(allowed, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(allowed, "x.sock")); err != nil {
		t.Fatal(err)
	}
	connect := func(path string) error {
		s, err := Open(Unix, Stream, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		return s.Connect(Addr{Family: Unix, Path: path})
	}
	if err := connect(inside); err != nil {
		t.Fatalf("connect to a socket inside: %v", err)
	}
	for _, p := range []string{
		filepath.Join(allowed, "link", "s.sock"),
		filepath.Join(allowed, "link") + "/../outside/s.sock",
		filepath.Join(allowed, "x.sock"),
	} {
		if err := connect(p); err == nil || !errors.Is(err, ErrDenied) {
			t.Errorf("connect %s: %v, want a refusal", p, err)
		}
	}
	s, err := Open(Unix, Stream, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	planted := filepath.Join(allowed, "link", "planted.sock")
	if err := s.Bind(Addr{Family: Unix, Path: planted}); err == nil {
		t.Errorf("bind %s succeeded", planted)
	}
	if _, err := os.Lstat(filepath.Join(outside, "planted.sock")); err == nil {
		t.Errorf("a socket file was planted outside the allowed directory")
	}
	d, err := Open(Unix, Dgram, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	to := Addr{Family: Unix, Path: filepath.Join(allowed, "link", "s.sock")}
	if _, err := d.Send([][]byte{[]byte("x")}, &to); err == nil || !errors.Is(err, ErrDenied) {
		t.Errorf("send_to through a link: %v, want a refusal", err)
	}
}
