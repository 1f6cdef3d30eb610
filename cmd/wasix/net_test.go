package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasix-go/wasix/internal/tlsproc"
)

func TestNetFlags(t *testing.T) {
	o, _, err := parseRunFlags([]string{"x.wasm"})
	if err != nil || o.netConfig(nil) != nil {
		t.Fatalf("no --net: network %v, %v", o.netConfig(nil), err)
	}
	o, _, err = parseRunFlags([]string{"--net-allow", "127.0.0.1:80,bind=[::1]:8000-8999", "--net-deny=10.0.0.0/8", "x.wasm"})
	if err != nil {
		t.Fatal(err)
	}
	nc := o.netConfig(nil)
	if nc == nil || len(nc.Allow) != 1 || len(nc.Deny) != 1 || nc.LoopbackOnly {
		t.Fatalf("net config %+v", nc)
	}
	if _, _, err := parseRunFlags([]string{"--net-allow", "10.0.0.0/33", "x.wasm"}); err == nil ||
		!strings.Contains(err.Error(), "--net-allow") {
		t.Fatalf("bad rule: %v", err)
	}
	o, _, _ = parseRunFlags([]string{"--net-loopback", "x.wasm"})
	if nc := o.netConfig(nil); nc == nil || !nc.LoopbackOnly {
		t.Fatalf("--net-loopback: %+v", nc)
	}
}

// A guest outside the policy gets EACCES, and --trace says why.
func TestNetLoopbackDenialTraced(t *testing.T) {
	guest := filepath.Join("..", "..", "testdata", "guests", "net", "bin", "netguest.wasm")
	trace := filepath.Join(t.TempDir(), "trace")
	code, _, stderr := wasix(t, "run", "--net-loopback", "--trace="+trace, guest, "dial", "192.0.2.1:80", "x")
	if code != 1 || !strings.Contains(stderr, "permission denied") && !strings.Contains(stderr, "Permission denied") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if b, err := os.ReadFile(trace); err != nil || !strings.Contains(string(b), "net: connect 192.0.2.1:80 denied: loopback-only mode") {
		t.Fatalf("trace: %v\n%s", err, b)
	}
	code, stdout, _ := wasix(t, "run", "--net-loopback", guest, "resolve", "localhost")
	if code != 0 || !strings.Contains(stdout, "127.0.0.1") && !strings.Contains(stdout, "::1") {
		t.Fatalf("resolve localhost: exit %d, %q", code, stdout)
	}
}

// TestTLSClientSaysWhatIsMissing: without the wasix-tls helper, an https
// request fails (ENOTSUP for the program) and the CLI says once on stderr
// how to install it.
func TestTLSClientSaysWhatIsMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	var stderr bytes.Buffer
	client := tlsClient(&stderr)
	for range 2 {
		a, b := net.Pipe()
		if _, err := client(context.Background(), a, "example.com"); !errors.Is(err, tlsproc.ErrNoHelper) {
			t.Fatalf("got %v", err)
		}
		b.Close()
	}
	if got := stderr.String(); strings.Count(got, "\n") != 1 || !strings.Contains(got, "go install github.com/wasix-go/wasix/cmd/wasix-tls") {
		t.Fatalf("stderr %q", got)
	}
}
