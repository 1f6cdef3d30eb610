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

// benchEcho streams b.N chunks through the echo server at addr, writing
// and reading concurrently, and reports the throughput one way.
func benchEcho(b *testing.B, addr string) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	// A stall fails the benchmark instead of hanging it.
	c.SetDeadline(time.Now().Add(2 * time.Minute))
	out := make([]byte, echoChunk)
	in := make([]byte, echoChunk)
	b.SetBytes(echoChunk)
	b.ResetTimer()
	errc := make(chan error, 1)
	go func() {
		for i := 0; i < b.N; i++ {
			if _, err := c.Write(out); err != nil {
				c.Close() // unblock the reader
				errc <- fmt.Errorf("write %d of %d: %w", i, b.N, err)
				return
			}
		}
		errc <- nil
	}()
	for i := 0; i < b.N; i++ {
		if _, err := io.ReadFull(c, in); err != nil {
			select {
			case werr := <-errc:
				b.Fatalf("read %d of %d: %v (writer: %v)", i, b.N, err, werr)
			default:
				b.Fatalf("read %d of %d: %v (writer still going)", i, b.N, err)
			}
		}
	}
	if err := <-errc; err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
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
	b.Run("native", func(b *testing.B) { benchEcho(b, nativeEcho(b)) })
	b.Run("guest-go", func(b *testing.B) {
		g := startGuest(b, "netguest.wasm", nil, "echo", "127.0.0.1:0", "1")
		benchEcho(b, g.listening())
		g.wait()
	})
	b.Run("guest-c", func(b *testing.B) {
		g := startGuest(b, "netc.wasm", nil, "echo", "127.0.0.1", "1")
		benchEcho(b, "127.0.0.1:"+g.listening())
		g.wait()
	})
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
