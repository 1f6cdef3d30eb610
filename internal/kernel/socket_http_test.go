package kernel

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/hostnet"
)

func readAll(t *testing.T, p *Process, fd wasix.Fd) string {
	t.Helper()
	var sb strings.Builder
	buf := make([]byte, 4096)
	for {
		n, errno := p.FdRead(context.Background(), fd, [][]byte{buf})
		must(t, errno)
		if n == 0 {
			return sb.String()
		}
		sb.Write(buf[:n])
	}
}

func TestHTTPRequest(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Echo", r.Header.Get("X-In"))
		w.WriteHeader(201)
		io.WriteString(w, r.Method+" "+string(b))
	}))
	defer srv.Close()
	p := netProc(t)
	ctx := context.Background()
	h, errno := p.HTTPRequest(ctx, srv.URL+"/x", "POST", "X-In: hi\n", false)
	must(t, errno)
	_, errno = p.FdWrite(ctx, h.Request, [][]byte{[]byte("body")})
	must(t, errno)
	must(t, p.FdClose(h.Request))
	ok, redir, size, status, errno := p.HTTPStatus(ctx, h.Response)
	must(t, errno)
	if !ok || redir || status != 201 || size != 9 {
		t.Fatalf("status ok=%v redirected=%v size=%d status=%d", ok, redir, size, status)
	}
	if got := readAll(t, p, h.Response); got != "POST body" {
		t.Fatalf("body %q", got)
	}
	if got := readAll(t, p, h.Headers); !strings.Contains(got, "X-Echo: hi\n") {
		t.Fatalf("headers %q", got)
	}

	_, errno = p.HTTPRequest(ctx, "http://192.0.2.1/", "GET", "", false)
	want(t, errno, wasix.ErrnoAcces)
	// A name is checked up front, its addresses when dialled.
	h, errno = p.HTTPRequest(ctx, "http://localhost:1/", "GET", "", false)
	must(t, errno)
	_, _, _, _, errno = p.HTTPStatus(ctx, h.Response)
	want(t, errno, wasix.ErrnoConnrefused)
	_, errno = p.HTTPRequest(ctx, "http://example.com/", "GET", "", false)
	want(t, errno, wasix.ErrnoAcces)
}

// TestHTTPRequestTLS: https goes through the network's TLS client; a
// network without one refuses it with ENOTSUP.
func TestHTTPRequestTLS(t *testing.T) {
	// (No SNI for an address: the server sees no name.)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "secure "+r.TLS.ServerName)
	}))
	defer srv.Close()
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	n := hostnet.NewNetwork(hostnet.Policy{LoopbackOnly: true})
	var names []string
	n.TLS = func(ctx context.Context, conn net.Conn, name string) (net.Conn, error) {
		names = append(names, name)
		// httptest's certificate names 127.0.0.1 as an address.
		tc := tls.Client(conn, &tls.Config{ServerName: name, RootCAs: roots})
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, err
		}
		return tc, nil
	}
	p := newProc(t, Config{Net: n}, ProcConfig{})
	ctx := context.Background()
	h, errno := p.HTTPRequest(ctx, srv.URL+"/", "GET", "", false)
	must(t, errno)
	ok, _, _, status, errno := p.HTTPStatus(ctx, h.Response)
	must(t, errno)
	if got := readAll(t, p, h.Response); !ok || status != 200 || got != "secure " || len(names) != 1 || names[0] != "127.0.0.1" {
		t.Fatalf("status %d ok=%v body %q, TLS for %q", status, ok, got, names)
	}

	p = netProc(t)
	h, errno = p.HTTPRequest(ctx, srv.URL+"/", "GET", "", false)
	must(t, errno)
	_, _, _, _, errno = p.HTTPStatus(ctx, h.Response)
	want(t, errno, wasix.ErrnoNotsup)
}

func TestWSConnect(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		for {
			typ, b, err := c.Read(r.Context())
			if err != nil {
				return
			}
			c.Write(r.Context(), typ, append([]byte("echo "), b...))
		}
	}))
	defer srv.Close()
	p := netProc(t)
	ctx := context.Background()
	fd, errno := p.WSConnect(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"))
	must(t, errno)
	st, errno := p.FdFdstatGet(fd)
	must(t, errno)
	if st.FsFiletype != wasix.FiletypeSocketStream {
		t.Fatalf("filetype %v", st.FsFiletype)
	}
	_, errno = p.FdWrite(ctx, fd, [][]byte{[]byte("hi")})
	must(t, errno)
	buf := make([]byte, 64)
	n, errno := p.FdRead(ctx, fd, [][]byte{buf})
	must(t, errno)
	if string(buf[:n]) != "echo hi" {
		t.Fatalf("got %q", buf[:n])
	}
	must(t, p.FdClose(fd))
	_, errno = p.WSConnect(ctx, "ws://192.0.2.1/")
	want(t, errno, wasix.ErrnoAcces)
}

// Redirects are followed and reported; every hop is dialled through the
// policy, so one that leaves loopback fails.
func TestHTTPRequestRedirects(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, "http://192.0.2.1/", http.StatusFound)
		case "/here":
			http.Redirect(w, r, "/there", http.StatusSeeOther)
		default:
			io.WriteString(w, r.Method+" "+r.URL.Path)
		}
	}))
	defer srv.Close()
	p := netProc(t)
	ctx := context.Background()
	h, errno := p.HTTPRequest(ctx, srv.URL+"/here", "POST", "", false)
	must(t, errno)
	must(t, p.FdClose(h.Request))
	ok, redir, _, status, errno := p.HTTPStatus(ctx, h.Response)
	must(t, errno)
	if got := readAll(t, p, h.Response); !ok || !redir || status != 200 || got != "GET /there" {
		t.Fatalf("ok=%v redirected=%v status=%d body %q", ok, redir, status, got)
	}
	h, errno = p.HTTPRequest(ctx, srv.URL+"/away", "GET", "", false)
	must(t, errno)
	_, _, _, _, errno = p.HTTPStatus(ctx, h.Response)
	want(t, errno, wasix.ErrnoAcces)
}
