//go:build unix

package tlsproc

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/pem"
	"errors"
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
)

// helperDir holds the helper, built once for the package's tests.
var helperDir = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "wasix-tls-test")
	if err != nil {
		return "", err
	}
	out, err := exec.Command("go", "build", "-o", filepath.Join(dir, HelperName), "../../cmd/wasix-tls").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("building the helper: %v\n%s", err, out)
	}
	return dir, nil
})

func TestMain(m *testing.M) {
	code := m.Run()
	if dir, err := helperDir(); err == nil {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// withHelper puts the helper first on PATH and makes it trust srv's
// certificate (SSL_CERT_FILE).
func withHelper(t *testing.T, srv *httptest.Server) {
	t.Helper()
	bin, err := helperDir()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(filepath.ListSeparator)+os.Getenv("PATH"))
	dir := t.TempDir()
	cert := filepath.Join(dir, "cert.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(cert, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SSL_CERT_FILE", cert)
	t.Setenv("SSL_CERT_DIR", dir)
}

func get(t *testing.T, conn net.Conn) string {
	t.Helper()
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /x HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestClient: a request over the helper reaches the server, with SNI and
// the certificate checked against the name; a wrong name fails with the
// helper's message; a connection that is not a socket is relayed.
func TestClient(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "secure "+r.TLS.ServerName+" "+r.URL.Path)
	}))
	defer srv.Close()
	withHelper(t, srv)
	ctx := context.Background()
	dial := func() net.Conn {
		c, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	conn, err := Client(ctx, dial(), "example.com")
	if err != nil {
		t.Fatal(err)
	}
	if got := get(t, conn); got != "secure example.com /x" {
		t.Fatalf("got %q", got)
	}

	// httptest's certificate does not name other.test.
	if _, err := Client(ctx, dial(), "other.test"); err == nil || !strings.Contains(err.Error(), "other.test") {
		t.Fatalf("wrong name: %v", err)
	}

	// A connection without a descriptor (an embedder's dialer).
	inner := dial()
	conn, err = Client(ctx, struct{ net.Conn }{inner}, "example.com")
	if err != nil {
		t.Fatal(err)
	}
	if got := get(t, conn); got != "secure example.com /x" {
		t.Fatalf("relayed: got %q", got)
	}
}

// TestNoHelper: without wasix-tls, the error says how to install it and
// the connection is closed. One in the working directory, reached by an
// empty or relative PATH entry, does not count.
func TestNoHelper(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, HelperName), []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	t.Setenv("PATH", string(filepath.ListSeparator)+"."+string(filepath.ListSeparator)+t.TempDir())
	a, b := net.Pipe()
	defer b.Close()
	_, err := Client(context.Background(), a, "example.com")
	if !errors.Is(err, ErrNoHelper) || !strings.Contains(err.Error(), "go install") {
		t.Fatalf("got %v", err)
	}
	if _, err := a.Write([]byte("x")); err == nil {
		t.Fatal("the connection was left open")
	}
}

// TestCloseDelivers: what was written before Close reaches the server,
// which then sees the end of the stream.
func TestCloseDelivers(t *testing.T) {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	withHelper(t, srv)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", srv.TLS)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan int, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- -1
			return
		}
		defer c.Close()
		b, _ := io.ReadAll(c)
		got <- len(b)
	}()
	raw, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	conn, err := Client(context.Background(), raw, "example.com")
	if err != nil {
		t.Fatal(err)
	}
	const size = 100
	if _, err := conn.Write(make([]byte, size)); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if n := <-got; n != size {
		t.Fatalf("the server read %d bytes of %d", n, size)
	}
}

// TestMaxHelpers: past MaxHelpers a connection waits for a helper to end
// (here until its context gives up); closing one frees its slot.
func TestMaxHelpers(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	withHelper(t, srv)
	defer func(old int) { MaxHelpers = old }(MaxHelpers)
	MaxHelpers = 1
	dial := func() net.Conn {
		c, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	first, err := Client(context.Background(), dial(), "example.com")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Client(ctx, dial(), "example.com"); !errors.Is(err, context.Canceled) {
		t.Fatalf("past the limit: %v", err)
	}
	if got := get(t, first); got != "ok" { // get closes it
		t.Fatalf("got %q", got)
	}
	second, err := Client(context.Background(), dial(), "example.com")
	if err != nil {
		t.Fatal(err)
	}
	if got := get(t, second); got != "ok" {
		t.Fatalf("got %q", got)
	}
}
