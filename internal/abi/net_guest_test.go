package abi

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/wasix-go/wasix/internal/hostnet"
	"github.com/wasix-go/wasix/internal/kernel"
)

// The networking tests run the guests of testdata/guests/net on loopback
// only: the kernel's policy is LoopbackOnly, and every address is
// 127.0.0.1 or ::1.

var netGuestDir = filepath.Join("..", "..", "testdata", "guests", "net", "bin")

// netRuntime is a wazero runtime with its host modules, shared by the
// guests of the tests (compiling netguest.wasm takes a while). Tests use
// one whose guests a cancelled context stops; benchmarks one without those
// checks in the compiled code, as the CLI runs programs, and let their
// guests end by themselves.
type netRuntime struct {
	rt       wazero.Runtime
	h        *Host
	compiled map[string]wazero.CompiledModule
}

var netRuntimes struct {
	sync.Mutex
	byFast map[bool]*netRuntime
}

func compiledGuest(t testing.TB, name string, fast bool) (wazero.Runtime, *Host, wazero.CompiledModule, []byte) {
	t.Helper()
	ctx := context.Background()
	netRuntimes.Lock()
	defer netRuntimes.Unlock()
	if netRuntimes.byFast == nil {
		netRuntimes.byFast = map[bool]*netRuntime{}
	}
	r := netRuntimes.byFast[fast]
	if r == nil {
		rc := wazero.NewRuntimeConfig().
			WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesThreads).
			WithCloseOnContextDone(!fast)
		if cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(os.TempDir(), "wasix-go-test-cache")); err == nil {
			rc = rc.WithCompilationCache(cache)
		}
		rt := wazero.NewRuntimeWithConfig(ctx, rc)
		r = &netRuntime{rt: rt, h: NewHost(rt), compiled: map[string]wazero.CompiledModule{}}
		netRuntimes.byFast[fast] = r
	}
	path := name
	if !filepath.IsAbs(path) {
		path = filepath.Join(netGuestDir, name)
	}
	wasm, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c := r.compiled[name]
	if c == nil {
		if c, err = r.rt.CompileModule(ctx, wasm); err != nil {
			t.Fatal(err)
		}
		r.compiled[name] = c
	}
	return r.rt, r.h, c, wasm
}

// guest is a running guest program.
type guest struct {
	t      testing.TB
	lines  chan string
	stderr syncBuffer
	done   chan error
	ended  chan struct{}
	cancel context.CancelFunc
	trace  *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// benchMemPages bounds a benchmark guest's memory (64 MiB: a Go guest
// serving 16 echo connections or the HTTP benchmark needs a few MiB; the
// reservation is zeroed at each start, outside the timed part).
const benchMemPages = 1024

// startGuest runs the guest name with args under a loopback-only policy
// (or pol, if not nil).
func startGuest(t testing.TB, name string, pol *hostnet.Policy, args ...string) *guest {
	t.Helper()
	_, fast := t.(*testing.B)
	rt, h, compiled, wasm := compiledGuest(t, name, fast)
	if pol == nil {
		pol = &hostnet.Policy{LoopbackOnly: true}
	}
	g := &guest{t: t, done: make(chan error, 1), ended: make(chan struct{}), trace: &syncBuffer{}}
	pol.OnDeny = func(op hostnet.Op, target, reason string) {
		fmt.Fprintf(g.trace, "net: %s %s denied: %s\n", op, target, reason)
	}
	k := kernel.New(kernel.Config{Net: hostnet.NewNetwork(*pol)})
	pr, pw := io.Pipe()
	g.lines = make(chan string, 4096)
	go func() {
		// Drain stdout at once, so that the guest never blocks on it.
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			g.lines <- sc.Text()
		}
		close(g.lines)
	}()
	p, err := k.NewProcess(kernel.ProcConfig{Args: append([]string{name}, args...), Stdout: pw, Stderr: &g.stderr,
		Preopens: []kernel.Preopen{{GuestPath: "/"}}})
	if err != nil {
		t.Fatal(err)
	}
	gen, err := Detect(compiled.ImportedFunctions(), 0)
	if err != nil {
		t.Fatal(err)
	}
	mem, err := ImportedMemory(wasm)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	g.cancel = cancel
	link, err := h.Link(ctx, LinkConfig{Gen: gen, Memory: mem})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		defer pw.Close()
		defer p.Close()
		defer link.Close(context.Background())
		pctx := kernel.WithProcess(experimental.WithImportResolver(ctx, link.Resolver()), p)
		if fast {
			// As the CLI runs programs: a memory reserved once and never
			// moved, instead of wazero's slice copied at each memory.grow
			// (a Go guest grows its memory a few pages at a time).
			pctx = experimental.WithMemoryAllocator(pctx, LimitAllocator(benchMemPages))
		}
		mod, err := rt.InstantiateModule(pctx, compiled, wazero.NewModuleConfig().WithName("").WithStartFunctions())
		if err == nil {
			_, err = mod.ExportedFunction("_start").Call(pctx)
			mod.Close(context.Background())
		}
		if code, ok := p.ExitCode(); ok && code != 0 {
			err = fmt.Errorf("exit code %d: %v", code, err)
		} else if ok {
			err = nil
		}
		if err != nil && strings.Contains(err.Error(), "exit_code(0)") {
			err = nil
		}
		g.done <- err
		close(g.ended)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-g.ended:
		case <-time.After(5 * time.Second):
		}
	})
	return g
}

// line reads one line of the guest's stdout.
func (g *guest) line() string {
	g.t.Helper()
	for {
		select {
		case s, ok := <-g.lines:
			switch {
			case !ok || s == "":
				g.t.Fatalf("guest ended without output; stderr: %s", g.stderr.String())
			case strings.HasPrefix(s, "not ok"):
				g.t.Fatalf("guest: %s", s)
			case strings.HasPrefix(s, "ok - "), strings.HasPrefix(s, "# "):
				continue // check.h's report of a passed check
			}
			return s
		case <-time.After(30 * time.Second):
			g.t.Fatalf("no output from the guest; stderr: %s", g.stderr.String())
		}
	}
}

// listening reads the "listening ADDR" line and returns ADDR.
func (g *guest) listening() string {
	g.t.Helper()
	l := g.line()
	addr, ok := strings.CutPrefix(l, "listening ")
	if !ok {
		g.t.Fatalf("expected listening ADDR, got %q", l)
	}
	return addr
}

// wait waits for the guest to end and fails the test on an error.
func (g *guest) wait() {
	g.t.Helper()
	select {
	case err := <-g.done:
		if err != nil {
			g.t.Fatalf("guest: %v; stderr: %s", err, g.stderr.String())
		}
	case <-time.After(30 * time.Second):
		g.t.Fatalf("guest did not end; stderr: %s", g.stderr.String())
	}
}

func echoRoundTrip(t testing.TB, network, addr, msg string) {
	t.Helper()
	c, err := net.DialTimeout(network, addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, msg); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, len(msg))
	if _, err := io.ReadFull(c, buf); err != nil {
		t.Fatal(err)
	}
	if string(buf) != msg {
		t.Fatalf("echo %q, want %q", buf, msg)
	}
}

// needIPv6 skips the test where the host has no IPv6 loopback.
func needIPv6(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skip("no IPv6 loopback:", err)
	}
	ln.Close()
}

// echoListener is a host TCP listener that echoes its first connection.
func echoListener(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err == nil {
			io.Copy(c, c)
			c.Close()
		}
	}()
	return ln
}

func TestNetGoEcho(t *testing.T) {
	g := startGuest(t, "netguest.wasm", nil, "echo", "127.0.0.1:0", "2")
	addr := g.listening()
	echoRoundTrip(t, "tcp", addr, "hello, guest")
	echoRoundTrip(t, "tcp", addr, strings.Repeat("x", 1<<20))
	g.wait()
}

func TestNetGoEchoIPv6(t *testing.T) {
	needIPv6(t)
	g := startGuest(t, "netguest.wasm", nil, "echo", "[::1]:0", "1")
	addr := g.listening()
	if !strings.HasPrefix(addr, "[::1]:") {
		t.Fatalf("listening on %s", addr)
	}
	echoRoundTrip(t, "tcp6", addr, "hello over IPv6")
	g.wait()
}

func TestNetGoDial(t *testing.T) {
	ln := echoListener(t)
	g := startGuest(t, "netguest.wasm", nil, "dial", ln.Addr().String(), "ping")
	if l := g.line(); l != "reply ping from "+ln.Addr().String() {
		t.Fatalf("got %q", l)
	}
	g.wait()
}

func TestNetGoUDP(t *testing.T) {
	g := startGuest(t, "netguest.wasm", nil, "udp", "127.0.0.1:0", "2")
	addr := g.listening()
	c, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, msg := range []string{"one", "two"} {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.WriteString(c, msg); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 100)
		n, err := c.Read(buf)
		if err != nil || string(buf[:n]) != msg {
			t.Fatalf("udp echo %q, %v", buf[:n], err)
		}
	}
	g.wait()
}

func TestNetGoPolicyDenies(t *testing.T) {
	g := startGuest(t, "netguest.wasm", nil, "dial", "192.0.2.1:80", "x")
	err := <-g.done
	if err == nil || !strings.Contains(strings.ToLower(g.stderr.String()), "permission denied") {
		t.Fatalf("dial outside loopback: %v; stderr %q", err, g.stderr.String())
	}
	if !strings.Contains(g.trace.String(), "net: connect 192.0.2.1:80 denied: loopback-only mode") {
		t.Fatalf("no trace line for the denial: %q", g.trace.String())
	}
	g2 := startGuest(t, "netguest.wasm", &hostnet.Policy{Deny: mustRules(t, "127.0.0.0/8:1-1023")}, "echo", "127.0.0.1:80", "1")
	if err := <-g2.done; err == nil || !strings.Contains(strings.ToLower(g2.stderr.String()), "permission denied") {
		t.Fatalf("bind to a denied port: %v; stderr %q", err, g2.stderr.String())
	}
}

func mustRules(t testing.TB, s string) []hostnet.Rule {
	r, err := hostnet.ParseRules(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestNetGoHTTPServer(t *testing.T) {
	const n = 1000
	g := startGuest(t, "netguest.wasm", nil, "http", "127.0.0.1:0", fmt.Sprint(n))
	addr := g.listening()
	c := &http.Client{Timeout: 10 * time.Second}
	for i := 0; i < n; i++ {
		resp, err := c.Get(fmt.Sprintf("http://%s/r%d", addr, i))
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || string(body) != fmt.Sprintf("hello from /r%d\n", i) {
			t.Fatalf("request %d: %q, %v", i, body, err)
		}
	}
	g.wait()
}

func TestNetGoHTTPClient(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hi "+r.URL.Path+"\n")
	}))
	defer srv.Close()
	g := startGuest(t, "netguest.wasm", nil, "get", srv.URL+"/x")
	if l := g.line(); l != "status 200 body hi /x" {
		t.Fatalf("got %q", l)
	}
	g.wait()
}

func TestNetGoResolve(t *testing.T) {
	g := startGuest(t, "netguest.wasm", nil, "resolve", "localhost")
	l := g.line()
	if !strings.Contains(l, "127.0.0.1") && !strings.Contains(l, "::1") {
		t.Fatalf("localhost resolves to %q", l)
	}
	g.wait()
	g = startGuest(t, "netguest.wasm", nil, "resolve", "example.com")
	if err := <-g.done; err == nil {
		t.Fatal("resolving a name outside loopback-only mode succeeded")
	}
}

func TestNetCEcho(t *testing.T) {
	g := startGuest(t, "netc.wasm", nil, "echo", "127.0.0.1", "2")
	port := g.listening()
	echoRoundTrip(t, "tcp", "127.0.0.1:"+port, "hello, C guest")
	echoRoundTrip(t, "tcp", "127.0.0.1:"+port, strings.Repeat("y", 1<<20))
	g.wait()
}

func TestNetCEchoIPv6(t *testing.T) {
	needIPv6(t)
	g := startGuest(t, "netc.wasm", nil, "echo", "::1", "1")
	port := g.listening()
	echoRoundTrip(t, "tcp6", "[::1]:"+port, "hello, C guest over IPv6")
	g.wait()
}

// The guest blocks in epoll_wait (then poll) before the host sends: the
// wait must wake on the data, not on a timer.
func TestNetCEpollAndPollWake(t *testing.T) {
	g := startGuest(t, "netc.wasm", nil, "epoll", "1")
	port := g.listening()
	c, err := net.Dial("tcp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	time.Sleep(50 * time.Millisecond)
	c.Write([]byte("first"))
	if l := g.line(); l != "epoll woke" {
		t.Fatalf("got %q", l)
	}
	buf := make([]byte, 5)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "first" {
		t.Fatalf("%q %v", buf, err)
	}
	time.Sleep(50 * time.Millisecond)
	c.Write([]byte("again"))
	if l := g.line(); l != "poll woke" {
		t.Fatalf("got %q", l)
	}
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "again" {
		t.Fatalf("%q %v", buf, err)
	}
	c.(*net.TCPConn).CloseWrite()
	g.wait()
}

func TestNetCDialNonblocking(t *testing.T) {
	ln := echoListener(t)
	port := fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	g := startGuest(t, "netc.wasm", nil, "dial", port, "ping")
	if l := g.line(); !strings.HasPrefix(l, "reply ping in progress=") {
		t.Fatalf("got %q", l)
	}
	g.wait()
}

func TestNetCUDP(t *testing.T) {
	g := startGuest(t, "netc.wasm", nil, "udp", "1")
	port := g.listening()
	c, err := net.Dial("udp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	c.Write([]byte("datagram"))
	buf := make([]byte, 100)
	n, err := c.Read(buf)
	if err != nil || string(buf[:n]) != "datagram" {
		t.Fatalf("%q %v", buf[:n], err)
	}
	g.wait()
}

func TestNetCPairPortAndBadArgs(t *testing.T) {
	g := startGuest(t, "netc.wasm", nil, "pair")
	if l := g.line(); l != "pair ok" {
		t.Fatalf("got %q", l)
	}
	g.wait()
	g = startGuest(t, "netc.wasm", nil, "port")
	if l := g.line(); l != "port ok" {
		t.Fatalf("got %q; stderr %s", l, g.stderr.String())
	}
	g.wait()
	g = startGuest(t, "netc.wasm", nil, "bad")
	if l := g.line(); l != "bad ok" {
		t.Fatalf("got %q; stderr %s", l, g.stderr.String())
	}
	g.wait()
}

// net2022 is a freestanding program of the 2022 generation: small
// addr_port, dgram 0 / stream 1, sock_accept with the peer's address.
func TestNet2022Echo(t *testing.T) {
	_, _, compiled, _ := compiledGuest(t, "net2022.wasm", false)
	if gen, err := Detect(compiled.ImportedFunctions(), 0); err != nil || gen != Wasix2022 {
		t.Fatalf("detected %v, %v", gen, err)
	}
	g := startGuest(t, "net2022.wasm", nil)
	port := g.listening()
	echoRoundTrip(t, "tcp", "127.0.0.1:"+port, "hello, 2022")
	l := g.line()
	uport, ok := strings.CutPrefix(l, "udp ")
	if !ok {
		t.Fatalf("got %q", l)
	}
	c, err := net.Dial("udp", "127.0.0.1:"+uport)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	c.Write([]byte("dgram"))
	buf := make([]byte, 16)
	if n, err := c.Read(buf); err != nil || string(buf[:n]) != "dgram" {
		t.Fatalf("%q %v", buf[:n], err)
	}
	g.wait()
}

// The seed's host-side clients: http_request/http_status and ws_connect,
// from a Go guest, against loopback servers.
func TestNetGoHTTPRequestAndWS(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ws" {
			c, err := websocket.Accept(w, r, nil)
			if err != nil {
				return
			}
			defer c.CloseNow()
			typ, b, err := c.Read(r.Context())
			if err == nil {
				c.Write(r.Context(), typ, append([]byte("echo "), b...))
			}
			c.Read(r.Context()) // until the guest closes
			return
		}
		b, _ := io.ReadAll(r.Body)
		io.WriteString(w, r.Method+":"+string(b))
	}))
	defer srv.Close()
	g := startGuest(t, "netguest.wasm", nil, "httpreq", srv.URL+"/post", "payload")
	if l := g.line(); !strings.HasPrefix(l, "status 200 ok true size 12 body POST:payload headers ") {
		t.Fatalf("got %q", l)
	}
	g.wait()
	g = startGuest(t, "netguest.wasm", nil, "ws", "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws", "hi")
	if l := g.line(); l != "ws echo hi" {
		t.Fatalf("got %q", l)
	}
	g.wait()
	g = startGuest(t, "netguest.wasm", nil, "httpreq", "http://192.0.2.1/", "x")
	if err := <-g.done; err == nil || !strings.Contains(g.stderr.String(), "permissions forbid the access") {
		t.Fatalf("http_request outside loopback: %v, %q", err, g.stderr.String())
	}
}

// wasixnet's own tests, built for wasip1 with the plain toolchain, pass
// inside the runtime.
func TestNetWasixnetTestsInside(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a wasip1 test binary")
	}
	bin := filepath.Join(t.TempDir(), "wasixnet.test.wasm")
	cmd := exec.Command("go", "test", "-c", "-o", bin, "../../wasixnet")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go test -c: %v\n%s", err, out)
	}
	g := startGuest(t, bin, nil, "-test.v")
	var out []string
	for l := range g.lines {
		out = append(out, l)
	}
	if err := <-g.done; err != nil {
		t.Fatalf("%v\n%s\nstderr: %s", err, strings.Join(out, "\n"), g.stderr.String())
	}
	if len(out) == 0 || out[len(out)-1] != "PASS" {
		t.Fatalf("output:\n%s", strings.Join(out, "\n"))
	}
}
