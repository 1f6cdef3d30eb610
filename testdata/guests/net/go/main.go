// Command netguest is the Go test guest of the networking tests. It is
// built for GOOS=wasip1 with the plain toolchain and uses package wasixnet.
//
//	netguest echo ADDR N       echo N connections on ADDR, printing "listening HOST:PORT"
//	netguest dial ADDR MSG     connect, send MSG, print the reply
//	netguest udp ADDR N        echo N datagrams on ADDR, printing "listening HOST:PORT"
//	netguest http ADDR N       serve N HTTP requests on ADDR, printing "listening HOST:PORT"
//	netguest get URL           fetch URL and print the body
//	netguest resolve NAME      print the addresses of NAME
//	netguest httpreq URL BODY  POST BODY with the seed's http_request, print status and body
//	netguest ws URL MSG        send MSG over ws_connect, print the reply
package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync/atomic"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/wasixnet"
)

func main() {
	if len(os.Args) < 3 {
		fail(fmt.Errorf("usage: netguest echo|dial|udp|http|get|resolve ARGS"))
	}
	var err error
	switch os.Args[1] {
	case "echo":
		err = echo(os.Args[2], count(3))
	case "dial":
		err = dial(os.Args[2], os.Args[3])
	case "udp":
		err = udp(os.Args[2], count(3))
	case "http":
		err = serveHTTP(os.Args[2], count(3))
	case "get":
		err = get(os.Args[2])
	case "httpreq":
		err = httpRequest(os.Args[2], os.Args[3])
	case "ws":
		err = wsRoundTrip(os.Args[2], os.Args[3])
	case "resolve":
		var ips []any
		addrs, e := wasixnet.LookupNetIP(context.Background(), "ip", os.Args[2])
		for _, a := range addrs {
			ips = append(ips, a)
		}
		fmt.Println(ips...)
		err = e
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fail(err)
	}
}

func count(i int) int {
	if len(os.Args) <= i {
		return 1
	}
	n, err := strconv.Atoi(os.Args[i])
	if err != nil {
		fail(err)
	}
	return n
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "netguest:", err)
	os.Exit(1)
}

func echo(addr string, n int) error {
	ln, err := wasixnet.Listen("tcp", addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	fmt.Println("listening", ln.Addr())
	// Connections are served concurrently, each by a goroutine of its
	// own, as a Go server does: the guest then waits for all of them in one
	// poll_oneoff.
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		c, err := ln.Accept()
		if err != nil {
			return err
		}
		go func() {
			// Plain reads and writes through buf, as the native peer of
			// the benchmark does: the conn's own ReadFrom/WriteTo would
			// copy through io.Copy's 32 KiB buffer instead.
			buf := make([]byte, 256<<10)
			_, err := io.CopyBuffer(struct{ io.Writer }{c}, struct{ io.Reader }{c}, buf)
			c.Close()
			errs <- err
		}()
	}
	var first error
	for i := 0; i < n; i++ {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

func dial(addr, msg string) error {
	c, err := wasixnet.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := io.WriteString(c, msg); err != nil {
		return err
	}
	buf := make([]byte, len(msg))
	if _, err := io.ReadFull(c, buf); err != nil {
		return err
	}
	fmt.Printf("reply %s from %s\n", buf, c.RemoteAddr())
	return nil
}

func udp(addr string, n int) error {
	pc, err := wasixnet.ListenPacket("udp", addr)
	if err != nil {
		return err
	}
	defer pc.Close()
	fmt.Println("listening", pc.LocalAddr())
	buf := make([]byte, 64<<10)
	for i := 0; i < n; i++ {
		m, from, err := pc.ReadFrom(buf)
		if err != nil {
			return err
		}
		if _, err := pc.WriteTo(buf[:m], from); err != nil {
			return err
		}
	}
	return nil
}

// Handler is the handler of the HTTP benchmarks, the same natively.
func Handler(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	io.WriteString(w, "hello from "+r.URL.Path+"\n")
}

func serveHTTP(addr string, n int) error {
	ln, err := wasixnet.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Println("listening", ln.Addr())
	var served atomic.Int64
	srv := &http.Server{}
	srv.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Handler(w, r)
		if served.Add(1) == int64(n) {
			go srv.Close()
		}
	})
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}

func get(url string) error {
	tr := &http.Transport{DialContext: wasixnet.DialContext}
	c := &http.Client{Transport: tr}
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	fmt.Printf("status %d body %s", resp.StatusCode, body)
	return nil
}

// httpRequest uses the seed's host-side HTTP client: the request body is
// written to one descriptor, the response read from another.
func httpRequest(url, body string) error {
	h, err := wasix.HttpRequest(url, "POST", "Content-Type: text/plain\n", false)
	if err != nil {
		return err
	}
	req := os.NewFile(uintptr(h.Request), "request")
	if _, err := io.WriteString(req, body); err != nil {
		return err
	}
	req.Close()
	var st wasix.HttpStatusType
	if err := wasix.HttpStatus(h.Response, &st); err != nil {
		return err
	}
	resp, err := io.ReadAll(os.NewFile(uintptr(h.Response), "response"))
	if err != nil {
		return err
	}
	hdrs, err := io.ReadAll(os.NewFile(uintptr(h.Headers), "headers"))
	if err != nil {
		return err
	}
	fmt.Printf("status %d ok %v size %d body %s headers %d\n", st.Status, st.Ok != 0, st.Size, resp, len(hdrs))
	return nil
}

func wsRoundTrip(url, msg string) error {
	fd, err := wasix.WsConnect(url)
	if err != nil {
		return err
	}
	f := os.NewFile(uintptr(fd), "ws")
	defer f.Close()
	if _, err := io.WriteString(f, msg); err != nil {
		return err
	}
	buf := make([]byte, 256)
	n, err := f.Read(buf)
	if err != nil {
		return err
	}
	fmt.Printf("ws %s\n", buf[:n])
	return nil
}
