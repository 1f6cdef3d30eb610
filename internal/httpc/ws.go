package httpc

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"net/url"
	"strings"
	"sync"
	"time"
)

// A WebSocket client (RFC 6455) without extensions or subprotocols.
// Reads give the bytes of the messages the server sends, text or binary,
// one after another; each Write is one binary message.

// wsGUID is the fixed string the server's accept key is derived with.
const wsGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// closeWait bounds how long Close waits for the server's close frame.
const closeWait = 5 * time.Second

const (
	opContinuation = 0
	opText         = 1
	opBinary       = 2
	opClose        = 8
	opPing         = 9
	opPong         = 10
)

// ErrWSClosed is returned by writes after a close frame was sent.
var ErrWSClosed = errors.New("httpc: websocket closed")

// WSCloseError is the end of a stream the server closed with a status
// other than normal (1000) or going away (1001).
type WSCloseError struct {
	Code   int
	Reason string
}

func (e *WSCloseError) Error() string {
	return fmt.Sprintf("httpc: websocket closed with status %d %q", e.Code, e.Reason)
}

// WSConn is a client's WebSocket. Read and Write may be called from two
// goroutines at once.
type WSConn struct {
	conn net.Conn
	br   *bufio.Reader

	rmu       sync.Mutex
	left      int64 // bytes left in the current data frame
	inMessage bool  // a fragmented message is under way
	rerr      error // the end of reading, once it came

	wmu       sync.Mutex
	wbuf      []byte
	sentClose bool
}

// DialWebSocket makes the opening handshake with u (ws, wss; http and
// https are taken as the same) and returns the connection, which
// outlives ctx. Redirects of the handshake are followed.
func (c *Client) DialWebSocket(ctx context.Context, u *url.URL) (*WSConn, error) {
	hu := *u
	switch u.Scheme {
	case "ws":
		hu.Scheme = "http"
	case "wss":
		hu.Scheme = "https"
	}
	var nonce [16]byte
	rand.Read(nonce[:])
	key := base64.StdEncoding.EncodeToString(nonce[:])
	req := &Request{Method: "GET", URL: &hu, upgrade: true, Header: textproto.MIMEHeader{
		"Upgrade":               {"websocket"},
		"Sec-Websocket-Version": {"13"},
		"Sec-Websocket-Key":     {key},
	}}
	resp, err := c.Do(ctx, req)
	if err != nil {
		return nil, err
	}
	if err := checkHandshake(resp, key); err != nil {
		resp.Body.Close()
		return nil, err
	}
	up := resp.Body.(*upgraded)
	return &WSConn{conn: up.Conn, br: up.br}, nil
}

// checkHandshake verifies the server's answer to the opening handshake.
func checkHandshake(resp *Response, key string) error {
	if resp.StatusCode != 101 {
		return fmt.Errorf("httpc: websocket handshake answered with status %d", resp.StatusCode)
	}
	h := resp.Header
	if !hasToken(h, "Upgrade", "websocket") || !hasToken(h, "Connection", "upgrade") {
		return errors.New("httpc: websocket handshake without Upgrade: websocket and Connection: upgrade")
	}
	sum := sha1.Sum([]byte(key + wsGUID))
	if h.Get("Sec-Websocket-Accept") != base64.StdEncoding.EncodeToString(sum[:]) {
		return errors.New("httpc: websocket handshake with a wrong Sec-WebSocket-Accept")
	}
	// Nothing was offered, so nothing may be chosen.
	if h.Get("Sec-Websocket-Extensions") != "" || h.Get("Sec-Websocket-Protocol") != "" {
		return errors.New("httpc: websocket handshake chose an extension or subprotocol not offered")
	}
	return nil
}

// hasToken reports whether a comma-separated header holds token.
func hasToken(h textproto.MIMEHeader, name, token string) bool {
	for _, v := range h[name] {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// Read reads the payload of the server's messages. It answers pings and
// ends with io.EOF when the server closes normally.
func (c *WSConn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	c.rmu.Lock()
	defer c.rmu.Unlock()
	for c.left == 0 {
		if c.rerr != nil {
			return 0, c.rerr
		}
		if err := c.nextFrame(); err != nil {
			c.rerr = err
		}
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.br.Read(p)
	c.left -= int64(n)
	if err != nil {
		c.rerr = eofIsUnexpected(err)
		c.conn.Close()
		return n, c.rerr
	}
	return n, nil
}

// nextFrame reads a frame's header. A data frame leaves its payload in
// c.left; a control frame is read and acted on whole.
func (c *WSConn) nextFrame() error {
	var hdr [2]byte
	if _, err := io.ReadFull(c.br, hdr[:]); err != nil {
		c.conn.Close()
		return eofIsUnexpected(err)
	}
	fin, op := hdr[0]&0x80 != 0, hdr[0]&0x0f
	if hdr[0]&0x70 != 0 {
		return c.fail("reserved bits set")
	}
	if hdr[1]&0x80 != 0 {
		return c.fail("masked frame from the server")
	}
	n := uint64(hdr[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		if _, err := io.ReadFull(c.br, b[:]); err != nil {
			c.conn.Close()
			return eofIsUnexpected(err)
		}
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err := io.ReadFull(c.br, b[:]); err != nil {
			c.conn.Close()
			return eofIsUnexpected(err)
		}
		n = binary.BigEndian.Uint64(b[:])
		if n>>63 != 0 {
			return c.fail("frame length over 2^63")
		}
	}
	switch op {
	case opContinuation, opText, opBinary:
		if (op == opContinuation) != c.inMessage {
			return c.fail("fragments out of order")
		}
		c.inMessage = !fin
		c.left = int64(n)
		return nil
	case opClose, opPing, opPong:
	default:
		return c.fail(fmt.Sprintf("unknown opcode %d", op))
	}
	if !fin || n > 125 {
		return c.fail("fragmented or long control frame")
	}
	if op == opClose && n == 1 {
		return c.fail("close frame of one byte")
	}
	var payload [125]byte
	if _, err := io.ReadFull(c.br, payload[:n]); err != nil {
		c.conn.Close()
		return eofIsUnexpected(err)
	}
	switch op {
	case opPing:
		if err := c.writeFrame(opPong, payload[:n]); err != nil && err != ErrWSClosed {
			return err
		}
	case opClose:
		// Echo the status, end the stream, and hang up: both sides have
		// now sent their close frames.
		code, reason := 1005, ""
		if n >= 2 {
			code, reason = int(binary.BigEndian.Uint16(payload[:2])), string(payload[2:n])
		}
		c.writeFrame(opClose, payload[:min(n, 2)]) // ErrWSClosed if this side closed first
		c.conn.Close()
		if code == 1000 || code == 1001 || code == 1005 {
			return io.EOF
		}
		return &WSCloseError{Code: code, Reason: reason}
	}
	return nil
}

// fail closes the connection for a protocol error (status 1002).
func (c *WSConn) fail(why string) error {
	c.writeFrame(opClose, []byte{1002 >> 8, 1002 & 0xff})
	c.conn.Close()
	return errors.New("httpc: websocket protocol error: " + why)
}

// Write sends p as one binary message.
func (c *WSConn) Write(p []byte) (int, error) {
	if err := c.writeFrame(opBinary, p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// writeFrame sends one final frame, masked as a client's must be. After a
// close frame nothing more is sent.
func (c *WSConn) writeFrame(op byte, p []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.sentClose {
		return ErrWSClosed
	}
	if op == opClose {
		c.sentClose = true
	}
	if c.wbuf == nil {
		c.wbuf = make([]byte, 0, 32<<10)
	}
	b := append(c.wbuf[:0], 0x80|op)
	switch n := len(p); {
	case n <= 125:
		b = append(b, 0x80|byte(n))
	case n <= 0xffff:
		b = append(b, 0x80|126)
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	default:
		b = append(b, 0x80|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	var mask [4]byte
	rand.Read(mask[:])
	b = append(b, mask[:]...)
	// The payload goes out masked through the buffer, a buffer at a time.
	for i := 0; ; {
		m := min(len(p)-i, cap(b)-len(b))
		for j := range m {
			b = append(b, p[i+j]^mask[(i+j)&3])
		}
		i += m
		if _, err := c.conn.Write(b); err != nil {
			return err
		}
		if i == len(p) {
			return nil
		}
		b = b[:0]
	}
}

// Close sends a normal close frame, waits a while for the server's, and
// closes the connection.
func (c *WSConn) Close() error {
	c.writeFrame(opClose, []byte{1000 >> 8, 1000 & 0xff})
	// A Read in progress sees the server's close frame; otherwise this
	// reads on until it comes.
	c.conn.SetReadDeadline(time.Now().Add(closeWait))
	buf := make([]byte, 4096)
	for {
		if _, err := c.Read(buf); err != nil {
			break
		}
	}
	if err := c.conn.Close(); !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil // closed by the exchange of close frames
}
