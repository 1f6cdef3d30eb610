package httpc

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coder/websocket"
)

func wsURL(t *testing.T, srvURL string) string {
	return "ws" + strings.TrimPrefix(srvURL, "http")
}

// echoServer echoes every message with its type; the first message it
// sends is a text greeting.
func echoServer(t *testing.T, tlsServer bool) (*httptest.Server, chan websocket.StatusCode) {
	closed := make(chan websocket.StatusCode, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			t.Errorf("accept: %v", err)
			return
		}
		defer c.CloseNow()
		c.SetReadLimit(-1)
		c.Write(r.Context(), websocket.MessageText, []byte("hello text"))
		for {
			typ, b, err := c.Read(r.Context())
			if err != nil {
				closed <- websocket.CloseStatus(err)
				return
			}
			if string(b) == "close please" {
				c.Close(websocket.StatusNormalClosure, "bye")
				return
			}
			c.Write(r.Context(), typ, b)
		}
	})
	if tlsServer {
		return httptest.NewTLSServer(h), closed
	}
	return httptest.NewServer(h), closed
}

func TestWSEcho(t *testing.T) {
	srv, closed := echoServer(t, false)
	defer srv.Close()
	c := &Client{Dial: plainDial}
	conn, err := c.DialWebSocket(context.Background(), mustURL(t, wsURL(t, srv.URL)))
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, err := conn.Read(buf)
	if err != nil || string(buf[:n]) != "hello text" {
		t.Fatalf("text message: %q %v", buf[:n], err)
	}
	if _, err := conn.Write([]byte("binary")); err != nil {
		t.Fatal(err)
	}
	if n, err = conn.Read(buf); err != nil || string(buf[:n]) != "binary" {
		t.Fatalf("echo: %q %v", buf[:n], err)
	}
	// A large message both ways.
	big := make([]byte, 1<<20+3)
	for i := range big {
		big[i] = byte(i * 7)
	}
	go conn.Write(big)
	got := make([]byte, len(big))
	if _, err := io.ReadFull(conn, got); err != nil || !bytes.Equal(got, big) {
		t.Fatalf("1 MiB echo: %v, equal %v", err, bytes.Equal(got, big))
	}
	if err := conn.Close(); err != nil {
		t.Fatal(err)
	}
	if st := <-closed; st != websocket.StatusNormalClosure {
		t.Fatalf("server saw close status %v", st)
	}
	if _, err := conn.Write([]byte("x")); err == nil {
		t.Fatal("write after close")
	}
}

func TestWSServerClose(t *testing.T) {
	srv, _ := echoServer(t, false)
	defer srv.Close()
	c := &Client{Dial: plainDial}
	conn, err := c.DialWebSocket(context.Background(), mustURL(t, wsURL(t, srv.URL)))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Write([]byte("close please"))
	b, err := io.ReadAll(conn) // the greeting, then the end
	if err != nil || string(b) != "hello text" {
		t.Fatalf("%q %v", b, err)
	}
}

func TestWSS(t *testing.T) {
	srv, _ := echoServer(t, true)
	defer srv.Close()
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	c := &Client{Dial: plainDial, TLS: tlsWith(roots)}
	conn, err := c.DialWebSocket(context.Background(), mustURL(t, wsURL(t, srv.URL)))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	buf := make([]byte, 64)
	if n, err := conn.Read(buf); err != nil || string(buf[:n]) != "hello text" {
		t.Fatalf("wss: %q %v", buf[:n], err)
	}
}

// rawWSServer makes the server's side of the handshake (with accept as
// the accept key, or the right one when empty) and then runs script.
func rawWSServer(t *testing.T, accept string, script func(c net.Conn, br *bufio.Reader)) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if accept == "" {
			sum := sha1.Sum([]byte(r.Header.Get("Sec-WebSocket-Key") + wsGUID))
			accept = base64.StdEncoding.EncodeToString(sum[:])
		}
		c, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close()
		io.WriteString(c, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "+accept+"\r\n\r\n")
		script(c, brw.Reader)
	}))
}

// wsFrame is a server's frame: unmasked.
func wsFrame(fin bool, op byte, payload string) []byte {
	b0 := op
	if fin {
		b0 |= 0x80
	}
	b := []byte{b0}
	switch n := len(payload); {
	case n <= 125:
		b = append(b, byte(n))
	case n <= 0xffff:
		b = append(b, 126)
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	default:
		b = append(b, 127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	return append(b, payload...)
}

// readClientFrame reads a client's frame, which must be masked and final.
func readClientFrame(t *testing.T, br *bufio.Reader) (byte, string) {
	var h [2]byte
	if _, err := io.ReadFull(br, h[:]); err != nil {
		t.Errorf("client frame: %v", err)
		return 0, ""
	}
	if h[0]&0x80 == 0 || h[1]&0x80 == 0 {
		t.Errorf("client frame not final or not masked: %x", h)
	}
	n := int(h[1] & 0x7f)
	if n > 125 {
		t.Errorf("long client frame")
		return 0, ""
	}
	var mask [4]byte
	io.ReadFull(br, mask[:])
	p := make([]byte, n)
	io.ReadFull(br, p)
	for i := range p {
		p[i] ^= mask[i&3]
	}
	return h[0] & 0x0f, string(p)
}

// Fragments make one stream of bytes, with control frames between them;
// a ping is answered with its payload; a close frame is echoed and ends
// the stream.
func TestWSFrames(t *testing.T) {
	done := make(chan struct{})
	srv := rawWSServer(t, "", func(c net.Conn, br *bufio.Reader) {
		defer close(done)
		var b bytes.Buffer
		b.Write(wsFrame(false, opText, "frag"))
		b.Write(wsFrame(false, opContinuation, ""))
		b.Write(wsFrame(true, opPing, "are you there"))
		b.Write(wsFrame(false, opContinuation, "ment"))
		b.Write(wsFrame(true, opPong, "unasked"))
		b.Write(wsFrame(true, opContinuation, "ed|"))
		b.Write(wsFrame(true, opBinary, strings.Repeat("m", 300)))   // 16-bit length
		b.Write(wsFrame(true, opBinary, strings.Repeat("l", 70000))) // 64-bit length
		b.Write(wsFrame(true, opClose, "\x03\xe8done"))
		c.Write(b.Bytes())
		if op, p := readClientFrame(t, br); op != opPong || p != "are you there" {
			t.Errorf("pong: %d %q", op, p)
		}
		if op, p := readClientFrame(t, br); op != opClose || p != "\x03\xe8" {
			t.Errorf("close echo: %d %q", op, p)
		}
	})
	defer srv.Close()
	c := &Client{Dial: plainDial}
	conn, err := c.DialWebSocket(context.Background(), mustURL(t, wsURL(t, srv.URL)))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(conn)
	if want := "fragmented|" + strings.Repeat("m", 300) + strings.Repeat("l", 70000); err != nil || string(got) != want {
		t.Fatalf("stream of %d bytes, %v", len(got), err)
	}
	<-done
	conn.Close()
}

func TestWSErrors(t *testing.T) {
	c := &Client{Dial: plainDial}
	// Handshakes that fail.
	notWS := httptest.NewServer(http.NotFoundHandler())
	defer notWS.Close()
	badAccept := rawWSServer(t, "d3JvbmcK", func(net.Conn, *bufio.Reader) {})
	defer badAccept.Close()
	for _, u := range []string{notWS.URL, badAccept.URL} {
		if _, err := c.DialWebSocket(context.Background(), mustURL(t, wsURL(t, u))); err == nil {
			t.Errorf("%s: handshake accepted", u)
		}
	}
	// Frames a server may not send: each is a protocol error, reported
	// to the server with status 1002.
	for _, f := range [][]byte{
		{0x82, 0x81, 0, 0, 0, 0, 'x'}, // masked
		{0xc2, 0x01, 'x'},             // reserved bit
		{0x83, 0x00},                  // unknown opcode
		{0x80, 0x00},                  // continuation of nothing
		append(wsFrame(false, opText, "a"), wsFrame(true, opText, "b")...), // a new message inside one
		{0x09, 0x00},                           // fragmented ping
		{0x89, 126, 0, 126},                    // long ping
		{0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 0}, // length over 2^63
		{0x88, 0x01, 'x'},                      // close of one byte
	} {
		srv := rawWSServer(t, "", func(c net.Conn, br *bufio.Reader) {
			c.Write(f)
			if op, p := readClientFrame(t, br); op != opClose || p != "\x03\xea" {
				t.Errorf("%x: client sent %d %q", f, op, p)
			}
		})
		conn, err := c.DialWebSocket(context.Background(), mustURL(t, wsURL(t, srv.URL)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadAll(conn); err == nil || !strings.Contains(err.Error(), "protocol error") {
			t.Errorf("%x: %v", f, err)
		}
		srv.Close()
	}
	// A close with another status than normal is an error.
	srv := rawWSServer(t, "", func(c net.Conn, br *bufio.Reader) {
		c.Write(wsFrame(true, opClose, "\x03\xf3oops"))
		readClientFrame(t, br)
	})
	defer srv.Close()
	conn, err := c.DialWebSocket(context.Background(), mustURL(t, wsURL(t, srv.URL)))
	if err != nil {
		t.Fatal(err)
	}
	var ce *WSCloseError
	if _, err := io.ReadAll(conn); !errors.As(err, &ce) || ce.Code != 1011 || ce.Reason != "oops" {
		t.Fatalf("close 1011: %v", err)
	}
}

// The handshake follows redirects, ws:// ones included.
func TestWSRedirect(t *testing.T) {
	target, _ := echoServer(t, false)
	defer target.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, wsURL(t, target.URL)+"/x", http.StatusFound)
	}))
	defer srv.Close()
	c := &Client{Dial: plainDial}
	conn, err := c.DialWebSocket(context.Background(), mustURL(t, wsURL(t, srv.URL)))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	buf := make([]byte, 64)
	if n, err := conn.Read(buf); err != nil || string(buf[:n]) != "hello text" {
		t.Fatalf("%q %v", buf[:n], err)
	}
}
