package abi

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// The networking benchmarks compare a guest with the same program run
// natively, on loopback: scripts/bench_net.sh prints the ratios.

const echoChunk = 64 << 10

// benchEcho streams b.N chunks through the echo server at addr over
// conns connections at once (b.N split between them), writing and reading
// each concurrently, and reports the throughput one way, all connections
// together.
func benchEcho(b *testing.B, addr string, conns int) {
	cs := make([]net.Conn, conns)
	for i := range cs {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		// A stall fails the benchmark instead of hanging it.
		c.SetDeadline(time.Now().Add(2 * time.Minute))
		cs[i] = c
	}
	b.SetBytes(echoChunk)
	b.ResetTimer()
	errc := make(chan error, conns)
	for i, c := range cs {
		n := b.N / conns
		if i < b.N%conns {
			n++
		}
		go func() { errc <- echoConn(c, n) }()
	}
	for range cs {
		if err := <-errc; err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
}

// echoConn writes n chunks to c while reading n back.
func echoConn(c net.Conn, n int) error {
	out := make([]byte, echoChunk)
	in := make([]byte, echoChunk)
	errc := make(chan error, 1)
	go func() {
		for i := 0; i < n; i++ {
			if _, err := c.Write(out); err != nil {
				c.Close() // unblock the reader
				errc <- fmt.Errorf("write %d of %d: %w", i, n, err)
				return
			}
		}
		errc <- nil
	}()
	for i := 0; i < n; i++ {
		if _, err := io.ReadFull(c, in); err != nil {
			select {
			case werr := <-errc:
				return fmt.Errorf("read %d of %d: %v (writer: %v)", i, n, err, werr)
			default:
				return fmt.Errorf("read %d of %d: %v (writer still going)", i, n, err)
			}
		}
	}
	return <-errc
}

// nativeEcho is the native peer of the guests' echo servers: the same
// loop as netguest's, on Go's own net package.
func nativeEcho(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				// Plain reads and writes, as in the guest: hiding the
				// conn's ReadFrom/WriteTo keeps Go from splicing the
				// socket onto itself, which is another program and
				// stalled now and then.
				io.CopyBuffer(struct{ io.Writer }{c}, struct{ io.Reader }{c}, make([]byte, 256<<10))
				c.Close()
			}()
		}
	}()
	return ln.Addr().String()
}

func BenchmarkNetTCPEcho(b *testing.B) {
	for _, conns := range []int{1, 16} {
		b.Run(fmt.Sprintf("conns=%d", conns), func(b *testing.B) {
			b.Run("native", func(b *testing.B) { benchEcho(b, nativeEcho(b), conns) })
			b.Run("guest-go", func(b *testing.B) {
				g := startGuest(b, "netguest.wasm", nil, "echo", "127.0.0.1:0", fmt.Sprint(conns))
				benchEcho(b, g.listening(), conns)
				g.wait()
			})
			if conns == 1 { // netc serves one connection after another
				b.Run("guest-c", func(b *testing.B) {
					g := startGuest(b, "netc.wasm", nil, "echo", "127.0.0.1", "1")
					benchEcho(b, "127.0.0.1:"+g.listening(), conns)
					g.wait()
				})
			}
		})
	}
}

// benchHTTP sends b.N sequential keep-alive requests to the server at addr.
func benchHTTP(b *testing.B, addr string) {
	tr := &http.Transport{MaxIdleConnsPerHost: 1}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	url := fmt.Sprintf("http://%s/bench", addr)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resp, err := c.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// benchHandler is netguest's Handler, for the native side.
func benchHandler(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	io.WriteString(w, "hello from "+r.URL.Path+"\n")
}

func BenchmarkNetHTTP(b *testing.B) {
	b.Run("native", func(b *testing.B) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		srv := &http.Server{Handler: http.HandlerFunc(benchHandler)}
		go srv.Serve(ln)
		defer srv.Close()
		benchHTTP(b, ln.Addr().String())
	})
	b.Run("guest-go", func(b *testing.B) {
		// The guest ends after b.N requests: a benchmark's guest cannot be
		// stopped from outside (see compiledGuest).
		g := startGuest(b, "netguest.wasm", nil, "http", "127.0.0.1:0", fmt.Sprint(b.N))
		benchHTTP(b, g.listening())
		g.wait()
	})
}
