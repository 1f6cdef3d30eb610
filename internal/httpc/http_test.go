package httpc

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// plainDial dials as given.
func plainDial(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// do makes a request and reads the whole body.
func do(t *testing.T, c *Client, req *Request) (*Response, string) {
	t.Helper()
	resp, err := c.Do(context.Background(), req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("%s %s: body: %v", req.Method, req.URL, err)
	}
	return resp, string(b)
}

// rawServer answers each connection with response, verbatim, after
// reading the request's head, and sends the heads it read on heads. The
// connection stays open until the test ends unless hangUp is set.
func rawServer(t *testing.T, response string, hangUp bool) (addr string, heads chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	heads = make(chan string, 16)
	done := make(chan struct{})
	t.Cleanup(func() { close(done); ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				var head strings.Builder
				for {
					line, err := br.ReadString('\n')
					head.WriteString(line)
					if err != nil || line == "\r\n" {
						break
					}
				}
				heads <- head.String()
				io.WriteString(c, response)
				if !hangUp {
					<-done
				}
			}()
		}
	}()
	return ln.Addr().String(), heads
}

func TestRequestHead(t *testing.T) {
	addr, heads := rawServer(t, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false)
	c := &Client{Dial: plainDial}
	h := textproto.MIMEHeader{}
	h.Add("x-one", "1")
	h.Add("X-One", "2")
	h.Add("Host", "evil.example") // the URL's host is sent, not this
	h.Add("Connection", "keep-alive")
	do(t, c, &Request{Method: "GET", URL: mustURL(t, "http://u:p%20w@"+addr+"/p/a?q=1#frag"), Header: h})
	head := <-heads
	for _, want := range []string{
		"GET /p/a?q=1 HTTP/1.1\r\n", "Host: " + addr + "\r\n", "X-One: 1\r\nX-One: 2\r\n", "Connection: close\r\n",
		"User-Agent: " + userAgent + "\r\n", "Authorization: Basic " + "dTpwIHc=" + "\r\n",
	} {
		if !strings.Contains(head, want) {
			t.Errorf("head lacks %q:\n%s", want, head)
		}
	}
	for _, not := range []string{"evil", "keep-alive", "Content-Length", "Accept-Encoding", "Transfer-Encoding"} {
		if strings.Contains(head, not) {
			t.Errorf("head has %q:\n%s", not, head)
		}
	}
	// A POST without a body says so; a bad header is refused unsent.
	do(t, c, &Request{Method: "POST", URL: mustURL(t, "http://"+addr+"/")})
	if head := <-heads; !strings.Contains(head, "Content-Length: 0\r\n") {
		t.Errorf("POST without body:\n%s", head)
	}
	for _, h := range []textproto.MIMEHeader{{"X": {"a\rb"}}, {"Bad Name": {"v"}}, {"X": {"a\x00"}}} {
		if _, err := c.Do(context.Background(), &Request{URL: mustURL(t, "http://"+addr+"/"), Header: h}); err == nil {
			t.Errorf("header %q sent", h)
		}
	}
	if _, err := c.Do(context.Background(), &Request{Method: "GET /x", URL: mustURL(t, "http://"+addr+"/")}); err == nil {
		t.Error("bad method sent")
	}
}

func TestBodies(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil && r.URL.Path != "/short" {
			t.Errorf("server read: %v", err)
		}
		reply := fmt.Sprintf("%s te=%q cl=%d body=%s", r.Method, r.TransferEncoding, r.ContentLength, b)
		if r.URL.Path == "/chunked" {
			w.Header().Set("Trailer", "X-Sum")
			w.(http.Flusher).Flush() // no length known: chunked
			io.WriteString(w, reply)
			w.Header().Set("X-Sum", "7")
			return
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(reply)))
		io.WriteString(w, reply)
	}))
	defer srv.Close()
	c := &Client{Dial: plainDial}

	body := "0123456789"
	resp, got := do(t, c, &Request{Method: "PUT", URL: mustURL(t, srv.URL+"/length"), Body: strings.NewReader(body), ContentLength: 10})
	if want := `PUT te=[] cl=10 body=0123456789`; got != want || resp.ContentLength != int64(len(want)) {
		t.Fatalf("length both ways: %q (%d)", got, resp.ContentLength)
	}
	pr, pw := io.Pipe()
	go func() {
		for _, s := range []string{"one ", "two ", "three"} {
			io.WriteString(pw, s)
		}
		pw.Close()
	}()
	resp, got = do(t, c, &Request{Method: "POST", URL: mustURL(t, srv.URL+"/chunked"), Body: pr, ContentLength: -1})
	if want := `POST te=["chunked"] cl=-1 body=one two three`; got != want {
		t.Fatalf("chunked both ways: %q", got)
	}
	if resp.ContentLength != -1 || resp.Header.Get("Transfer-Encoding") != "" || resp.Header.Get("Content-Length") != "" || resp.Header.Get("X-Sum") != "" {
		t.Fatalf("chunked response: length %d, header %v", resp.ContentLength, resp.Header)
	}
	// A body shorter than promised is an error, not a short request.
	if _, err := c.Do(context.Background(), &Request{Method: "PUT", URL: mustURL(t, srv.URL+"/short"), Body: strings.NewReader("abc"), ContentLength: 5}); err == nil {
		t.Fatal("short body accepted")
	}
}

// Each read of a chunked body goes out at once, and the response may come
// while the body is still being written.
func TestChunkedBodyStreams(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.NewResponseController(w).EnableFullDuplex()
		buf := make([]byte, 5)
		io.ReadFull(r.Body, buf)
		w.Write(buf)
		w.(http.Flusher).Flush()
		rest, _ := io.ReadAll(r.Body)
		w.Write(rest)
	}))
	defer srv.Close()
	c := &Client{Dial: plainDial}
	pr, pw := io.Pipe()
	done := make(chan *Response)
	go func() {
		resp, err := c.Do(context.Background(), &Request{Method: "POST", URL: mustURL(t, srv.URL), Body: pr, ContentLength: -1})
		if err != nil {
			t.Error(err)
		}
		done <- resp
	}()
	io.WriteString(pw, "hello")
	resp := <-done
	buf := make([]byte, 5)
	if _, err := io.ReadFull(resp.Body, buf); err != nil || string(buf) != "hello" {
		t.Fatalf("first piece %q %v", buf, err)
	}
	io.WriteString(pw, " world")
	pw.Close()
	rest, err := io.ReadAll(resp.Body)
	if err != nil || string(rest) != " world" {
		t.Fatalf("rest %q %v", rest, err)
	}
}

func TestCloseDelimited(t *testing.T) {
	c := &Client{Dial: plainDial}
	for _, proto := range []string{"HTTP/1.1", "HTTP/1.0"} {
		addr, _ := rawServer(t, proto+" 200 OK\r\nX: y\r\n\r\nuntil the end", true)
		resp, got := do(t, c, &Request{URL: mustURL(t, "http://"+addr+"/")})
		if got != "until the end" || resp.ContentLength != -1 || resp.Header.Get("X") != "y" {
			t.Fatalf("%s: %q %d %v", proto, got, resp.ContentLength, resp.Header)
		}
	}
	// HTTP/1.0 knew no transfer codings: the body runs to the close.
	addr, _ := rawServer(t, "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc", true)
	if _, got := do(t, c, &Request{URL: mustURL(t, "http://"+addr+"/")}); got != "3\r\nabc" {
		t.Fatalf("1.0 chunked: %q", got)
	}
	// A length-delimited body cut short is an error.
	addr, _ = rawServer(t, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", true)
	resp, err := c.Do(context.Background(), &Request{URL: mustURL(t, "http://"+addr+"/")})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(resp.Body); err != io.ErrUnexpectedEOF || string(b) != "short" {
		t.Fatalf("cut body: %q %v", b, err)
	}
}

func TestGzip(t *testing.T) {
	const text = "a text that compresses, a text that compresses"
	var sawAE atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawAE.Store(r.Header.Get("Accept-Encoding"))
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		io.WriteString(zw, text)
		zw.Close()
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", fmt.Sprint(b.Len()))
		w.Write(b.Bytes())
	}))
	defer srv.Close()
	c := &Client{Dial: plainDial}
	resp, got := do(t, c, &Request{URL: mustURL(t, srv.URL), Gzip: true})
	if got != text || sawAE.Load() != "gzip" || resp.ContentLength != -1 ||
		resp.Header.Get("Content-Encoding") != "" || resp.Header.Get("Content-Length") != "" {
		t.Fatalf("gzip on: %q, sent %q, length %d, header %v", got, sawAE.Load(), resp.ContentLength, resp.Header)
	}
	resp, got = do(t, c, &Request{URL: mustURL(t, srv.URL)})
	if got == text || sawAE.Load() != "" || resp.Header.Get("Content-Encoding") != "gzip" || resp.ContentLength != int64(len(got)) {
		t.Fatalf("gzip off: inflated %v, sent %q, header %v", got == text, sawAE.Load(), resp.Header)
	}
	// The caller's own Accept-Encoding: it gets what it asked for, as is.
	resp, got = do(t, c, &Request{URL: mustURL(t, srv.URL), Gzip: true, Header: textproto.MIMEHeader{"Accept-Encoding": {"gzip"}}})
	if got == text || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("own Accept-Encoding: inflated %v", got == text)
	}
	// HEAD asks for nothing and gets no body to inflate.
	resp, got = do(t, c, &Request{Method: "HEAD", URL: mustURL(t, srv.URL), Gzip: true})
	if got != "" || sawAE.Load() != "" || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("HEAD: %q, sent %q", got, sawAE.Load())
	}
}

// Responses without a body end at their head: the server here keeps the
// connection open, so reading to the close would hang.
func TestNoBody(t *testing.T) {
	c := &Client{Dial: plainDial}
	addr, _ := rawServer(t, "HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n", false)
	resp, got := do(t, c, &Request{Method: "HEAD", URL: mustURL(t, "http://"+addr+"/")})
	if got != "" || resp.ContentLength != 42 || resp.Header.Get("Content-Length") != "42" {
		t.Fatalf("HEAD: %q %d", got, resp.ContentLength)
	}
	for _, status := range []string{"204 No Content", "304 Not Modified"} {
		addr, _ := rawServer(t, "HTTP/1.1 "+status+"\r\nContent-Length: 42\r\n\r\n", false)
		resp, got := do(t, c, &Request{URL: mustURL(t, "http://"+addr+"/")})
		if got != "" || resp.ContentLength != 0 {
			t.Fatalf("%s: %q %d", status, got, resp.ContentLength)
		}
	}
}

func TestInterimResponses(t *testing.T) {
	c := &Client{Dial: plainDial}
	addr, _ := rawServer(t, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"+
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false)
	resp, got := do(t, c, &Request{URL: mustURL(t, "http://"+addr+"/")})
	if resp.StatusCode != 200 || got != "ok" || resp.Header.Get("Link") != "" {
		t.Fatalf("%d %q %v", resp.StatusCode, got, resp.Header)
	}
	// A server that sends 100 Continue on its own for Expect.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Write(b)
	}))
	defer srv.Close()
	_, got = do(t, c, &Request{Method: "POST", URL: mustURL(t, srv.URL), Header: textproto.MIMEHeader{"Expect": {"100-continue"}},
		Body: strings.NewReader("continued"), ContentLength: 9})
	if got != "continued" {
		t.Fatalf("Expect: %q", got)
	}
}

func TestRedirects(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch p := r.URL.Path; {
		case p == "/rel/a":
			http.Redirect(w, r, "b?x=1", http.StatusFound) // relative to /rel/a
		case p == "/303":
			http.Redirect(w, r, "/echo", http.StatusSeeOther)
		case p == "/301":
			http.Redirect(w, r, "/echo", http.StatusMovedPermanently)
		case p == "/307":
			http.Redirect(w, r, "/echo", http.StatusTemporaryRedirect)
		case p == "/308":
			http.Redirect(w, r, "/echo", http.StatusPermanentRedirect)
		case p == "/noloc":
			w.WriteHeader(http.StatusFound)
		case strings.HasPrefix(p, "/chain/"):
			var n int
			fmt.Sscan(p[len("/chain/"):], &n)
			if n == 0 {
				io.WriteString(w, "end of chain")
				return
			}
			http.Redirect(w, r, fmt.Sprint("/chain/", n-1), http.StatusFound)
		default:
			b, _ := io.ReadAll(r.Body)
			fmt.Fprintf(w, "%s %s?%s ct=%q auth=%q body=%s", r.Method, p, r.URL.RawQuery, r.Header.Get("Content-Type"), r.Header.Get("Authorization"), b)
		}
	}))
	defer srv.Close()
	c := &Client{Dial: plainDial}
	hdr := textproto.MIMEHeader{"Content-Type": {"text/plain"}, "Authorization": {"secret"}}

	resp, got := do(t, c, &Request{URL: mustURL(t, srv.URL+"/rel/a")})
	if !strings.HasPrefix(got, "GET /rel/b?x=1 ") || resp.URL.Path != "/rel/b" {
		t.Fatalf("relative: %q, final %v", got, resp.URL)
	}
	for _, p := range []string{"/303", "/301"} {
		_, got = do(t, c, &Request{Method: "POST", URL: mustURL(t, srv.URL+p), Header: hdr, Body: strings.NewReader("data"), ContentLength: 4})
		if want := `GET /echo? ct="" auth="secret" body=`; got != want {
			t.Fatalf("POST %s: %q, want %q", p, got, want)
		}
	}
	for _, p := range []string{"/307", "/308"} {
		// With a body that can be given again, it is.
		_, got = do(t, c, &Request{Method: "POST", URL: mustURL(t, srv.URL+p), Header: hdr, Body: strings.NewReader("data"), ContentLength: 4,
			GetBody: func() (io.Reader, error) { return strings.NewReader("data"), nil }})
		if want := `POST /echo? ct="text/plain" auth="secret" body=data`; got != want {
			t.Fatalf("POST %s: %q, want %q", p, got, want)
		}
		// Without, the redirect is the answer.
		resp, _ = do(t, c, &Request{Method: "POST", URL: mustURL(t, srv.URL+p), Body: strings.NewReader("data"), ContentLength: -1})
		if resp.StatusCode != 307 && resp.StatusCode != 308 || resp.URL.Path != p {
			t.Fatalf("POST %s without GetBody: %d %v", p, resp.StatusCode, resp.URL)
		}
	}
	if resp, _ = do(t, c, &Request{URL: mustURL(t, srv.URL+"/noloc")}); resp.StatusCode != 302 {
		t.Fatalf("no Location: %d", resp.StatusCode)
	}
	// Ten redirects are followed, not eleven.
	hits.Store(0)
	if _, got = do(t, c, &Request{URL: mustURL(t, srv.URL+"/chain/10")}); got != "end of chain" || hits.Load() != 11 {
		t.Fatalf("10 redirects: %q after %d requests", got, hits.Load())
	}
	hits.Store(0)
	if _, err := c.Do(context.Background(), &Request{URL: mustURL(t, srv.URL+"/chain/11")}); err == nil || hits.Load() != 11 {
		t.Fatalf("11 redirects: %v after %d requests", err, hits.Load())
	}
}

// Every hop is dialled through Client.Dial: a redirect to an address it
// refuses fails, and credentials stay within the first request's domain.
func TestRedirectDial(t *testing.T) {
	errDenied := errors.New("denied")
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "auth=%q cookie=%q", r.Header.Get("Authorization"), r.Header.Get("Cookie"))
	}))
	defer target.Close()
	_, port, _ := net.SplitHostPort(target.Listener.Addr().String())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	}))
	defer srv.Close()
	var dialled []string
	c := &Client{Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dialled = append(dialled, addr)
		host, _, _ := net.SplitHostPort(addr)
		switch host {
		case "127.0.0.1":
			return plainDial(ctx, network, addr)
		case "other.test", "sub.127.0.0.1":
			return plainDial(ctx, network, target.Listener.Addr().String())
		}
		return nil, errDenied
	}}
	hdr := textproto.MIMEHeader{"Authorization": {"secret"}, "Cookie": {"c=1"}}
	_, err := c.Do(context.Background(), &Request{URL: mustURL(t, srv.URL+"/?to=http://192.0.2.1/"), Header: hdr})
	if !errors.Is(err, errDenied) || len(dialled) != 2 || dialled[1] != "192.0.2.1:80" {
		t.Fatalf("redirect to a refused address: %v, dialled %q", err, dialled)
	}
	_, got := do(t, c, &Request{URL: mustURL(t, srv.URL+"/?to=http://other.test:"+port+"/"), Header: hdr})
	if got != `auth="" cookie=""` {
		t.Fatalf("to another domain: %s", got)
	}
	_, got = do(t, c, &Request{URL: mustURL(t, srv.URL+"/?to=http://127.0.0.1:"+port+"/"), Header: hdr})
	if got != `auth="secret" cookie="c=1"` {
		t.Fatalf("same host, another port: %s", got)
	}
}

func TestHeaderLimit(t *testing.T) {
	c := &Client{Dial: plainDial}
	big := strings.Repeat("a", MaxHeaderBytes-1024)
	addr, _ := rawServer(t, "HTTP/1.1 200 OK\r\nX-Big: "+big+"\r\nContent-Length: 2\r\n\r\nok", true)
	if resp, got := do(t, c, &Request{URL: mustURL(t, "http://"+addr+"/")}); got != "ok" || len(resp.Header.Get("X-Big")) != len(big) {
		t.Fatalf("header under the limit: %q", got)
	}
	addr, _ = rawServer(t, "HTTP/1.1 200 OK\r\nX-Big: "+big+"\r\nX-More: "+strings.Repeat("b", 2048)+"\r\n\r\n", true)
	if _, err := c.Do(context.Background(), &Request{URL: mustURL(t, "http://"+addr+"/")}); err != ErrHeaderTooLarge {
		t.Fatalf("header over the limit: %v", err)
	}
	// An endless header is not read further than the limit (and a
	// buffer): the memory a response's head takes is bounded.
	r := &countingReader{r: io.MultiReader(strings.NewReader("HTTP/1.1 200 OK\r\nX: "), endless{})}
	if _, err := readResponse(bufio.NewReader(r), "GET"); err != ErrHeaderTooLarge || r.n > MaxHeaderBytes+64<<10 {
		t.Fatalf("endless header: %v after %d bytes", err, r.n)
	}
	// Trailers too.
	r = &countingReader{r: io.MultiReader(strings.NewReader("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\nX: "), endless{})}
	resp, err := readResponse(bufio.NewReader(r), "GET")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(resp.Body); err != ErrHeaderTooLarge || r.n > MaxHeaderBytes+64<<10 {
		t.Fatalf("endless trailer: %v after %d bytes", err, r.n)
	}
}

type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// Malformed responses are errors, in the head or in the body.
func TestMalformed(t *testing.T) {
	for _, s := range []string{
		"",
		"garbage\r\n\r\n",
		"HTTP/2 200 OK\r\n\r\n",
		"HTTP/1.1 2x0 OK\r\n\r\n",
		"HTTP/1.1 20 OK\r\n\r\n",
		"HTTP/1.1 099 Low\r\n\r\n",
		"HTTP/1.1 200 OK\r\nNo colon\r\n\r\n",
		"HTTP/1.1 200 OK\r\nBad Name: v\r\n\r\n",
		"HTTP/1.1 200 OK\r\n folded first: v\r\n\r\n",
		"HTTP/1.1 200 OK\r\nX: a\x00b\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
		"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nbad trailer\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + strings.Repeat("0", 5000) + "1\r\n",
	} {
		resp, err := readResponse(bufio.NewReader(strings.NewReader(s)), "GET")
		if err == nil {
			_, err = io.ReadAll(resp.Body)
		}
		if err == nil {
			t.Errorf("accepted %q", s)
		}
	}
	// What is well formed but unusual is accepted.
	for s, want := range map[string]string{
		"HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok":                                                    "ok",
		"HTTP/1.1 200 OK\nContent-Length: 2\n\nok":                                                       "ok",
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok":                            "ok",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n2;ext=1\r\nok\r\n0\r\nT: v\r\n\r\n":        "ok",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 9\r\n\r\n2\r\nok\r\n0\r\n\r\n": "ok",
		"HTTP/1.1 200 OK\r\nX: a\r\n  b\r\nContent-Length: 2\r\n\r\nok":                                  "ok",
	} {
		resp, err := readResponse(bufio.NewReader(strings.NewReader(s)), "GET")
		if err != nil {
			t.Errorf("%q: %v", s, err)
			continue
		}
		if b, err := io.ReadAll(resp.Body); err != nil || string(b) != want {
			t.Errorf("%q: body %q %v", s, b, err)
		}
	}
}

func TestContextCancel(t *testing.T) {
	addr, heads := rawServer(t, "", false) // never answers
	c := &Client{Dial: plainDial}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-heads
		cancel()
	}()
	if _, err := c.Do(ctx, &Request{URL: mustURL(t, "http://"+addr+"/")}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

func TestTLS(t *testing.T) {
	var sni atomic.Value
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sni.Store(r.TLS.ServerName)
		io.WriteString(w, "secure "+r.Proto)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshakes refused on purpose
	srv.StartTLS()
	defer srv.Close()
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	// httptest's certificate names example.com: dial the server for it.
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		return plainDial(ctx, network, srv.Listener.Addr().String())
	}
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	c := &Client{Dial: dial, TLS: tlsWith(roots)}
	if _, got := do(t, c, &Request{URL: mustURL(t, "https://example.com:"+port+"/")}); got != "secure HTTP/1.1" || sni.Load() != "example.com" {
		t.Fatalf("https: %q, SNI %q", got, sni.Load())
	}
	// Without a TLS client, https is refused.
	c = &Client{Dial: dial}
	if _, err := c.Do(context.Background(), &Request{URL: mustURL(t, "https://example.com:"+port+"/")}); err != ErrNoTLS {
		t.Fatalf("no TLS client: %v", err)
	}
	// The system's roots do not know the test's certificate.
	c = &Client{Dial: dial, TLS: tlsWith(nil)}
	var uerr x509.UnknownAuthorityError
	if _, err := c.Do(context.Background(), &Request{URL: mustURL(t, "https://example.com:"+port+"/")}); !errors.As(err, &uerr) {
		t.Fatalf("untrusted: %v", err)
	}
	// Nor does the certificate name another host.
	c = &Client{Dial: dial, TLS: tlsWith(roots)}
	var herr x509.HostnameError
	if _, err := c.Do(context.Background(), &Request{URL: mustURL(t, "https://other.test:"+port+"/")}); !errors.As(err, &herr) {
		t.Fatalf("wrong name: %v", err)
	}
}

// tlsWith is an in-process TLS client trusting roots (nil: the system's).
func tlsWith(roots *x509.CertPool) func(context.Context, net.Conn, string) (net.Conn, error) {
	return func(ctx context.Context, conn net.Conn, serverName string) (net.Conn, error) {
		tc := tls.Client(conn, &tls.Config{ServerName: serverName, RootCAs: roots, NextProtos: []string{"http/1.1"}})
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, err
		}
		return tc, nil
	}
}

// FuzzReadResponse: any bytes give a response or an error, never a panic,
// and a body read to its end never holds more than the input.
func FuzzReadResponse(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;e\r\nok\r\n0\r\nT: v\r\n\r\n",
		"HTTP/1.0 100 Continue\r\n\r\nHTTP/1.0 301 Moved\r\nLocation: /x\r\n X\r\n\r\nbody",
		"HTTP/1.1 204 No Content\r\n\r\n",
	} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, head bool) {
		method := "GET"
		if head {
			method = "HEAD"
		}
		resp, err := readResponse(bufio.NewReaderSize(bytes.NewReader(data), 16), method)
		if err != nil {
			return
		}
		if resp.StatusCode < 100 || resp.StatusCode > 999 || resp.StatusCode/100 == 1 && resp.StatusCode != 101 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		if n > int64(len(data)) {
			t.Fatalf("body of %d bytes from %d", n, len(data))
		}
	})
}
