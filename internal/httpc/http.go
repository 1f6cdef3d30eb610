// Package httpc is the host's own HTTP/1.1 and WebSocket client, for the
// seed's http_request and ws_connect. It is small on purpose: net/http
// (with its HTTP/2 bundle, proxies and tracing) costs every start of the
// CLI a few milliseconds of package initialisation and about 2 MiB of
// RSS, though a plain program never makes a request (see RATIONALE.md).
//
// One connection per request ("Connection: close"), no proxies, no
// HTTP/2, no cookies. Redirects are followed as net/http's client
// follows them. Every hop is dialled through Client.Dial, which is where
// the network policy sits.
package httpc

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
)

// MaxHeaderBytes bounds the bytes of a response's head (status line and
// header lines, interim 1xx responses and chunked trailers included).
const MaxHeaderBytes = 1 << 20

// MaxRedirects is how many redirects a request follows; one more fails.
const MaxRedirects = 10

// userAgent is sent when the request names none: some servers refuse
// requests without one.
const userAgent = "wasix-go"

// ErrNoTLS is returned for an https or wss URL by a client without TLS.
var ErrNoTLS = errors.New("httpc: no TLS client for https")

// ErrHeaderTooLarge is returned for a response head over MaxHeaderBytes.
var ErrHeaderTooLarge = errors.New("httpc: response header too large")

// Client makes requests. Its zero value is not usable: Dial is required.
type Client struct {
	// Dial opens the TCP connection of every hop ("tcp", "host:port").
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// TLS makes conn, dialled for an https or wss URL, a TLS connection
	// to serverName (which the server's certificate must name); nil
	// refuses such URLs with ErrNoTLS. It is a hook so that this package,
	// which every start of the CLI initialises, does not link Go's TLS
	// stack (the CLI runs it in a helper process: internal/tlsproc).
	TLS func(ctx context.Context, conn net.Conn, serverName string) (net.Conn, error)
}

// Request is one request.
type Request struct {
	Method string // "" means GET
	URL    *url.URL
	Header textproto.MIMEHeader
	// Body is sent with ContentLength bytes when that is >= 0, chunked
	// when it is -1. A nil Body sends none. Body is closed, if it is an
	// io.Closer, once the request no longer needs it.
	Body          io.Reader
	ContentLength int64
	// GetBody gives the body again, for a 307 or 308 redirect. Without
	// it such a redirect of a request with a body is not followed: its
	// response is returned.
	GetBody func() (io.Reader, error)
	// Gzip asks for a gzip-compressed response and inflates it.
	Gzip bool

	upgrade bool // a WebSocket handshake: ws and wss redirects are followed
	noCreds bool // a redirect left the first request's domain
}

// Response is the answer to a request.
type Response struct {
	StatusCode int
	Header     textproto.MIMEHeader // canonical keys
	// ContentLength is the body's length, -1 when unknown (chunked,
	// until close, inflated). For HEAD it is what the header says.
	ContentLength int64
	URL           *url.URL // the URL of the request this answers, after redirects
	// Body is the response's body; closing it closes the connection. For
	// 101 Switching Protocols it is the connection itself and also an
	// io.Writer, and it outlives the request's context.
	Body io.ReadCloser
}

// asksGzip reports whether the request asks for gzip itself: not when
// the caller chose an encoding or a range (whose bytes it then wants as
// sent), nor for HEAD, which has no body.
func (r *Request) asksGzip() bool {
	return r.Gzip && r.Method != "HEAD" && r.Header.Get("Accept-Encoding") == "" && r.Header.Get("Range") == ""
}

// ValidMethod reports whether m can be a request's method (a token).
func ValidMethod(m string) bool { return m != "" && isToken(m) }

// Do sends req, follows redirects, and returns the response whose head
// has been read. The body is read from the returned response.
func (c *Client) Do(ctx context.Context, req *Request) (*Response, error) {
	first := *req
	if first.Method == "" {
		first.Method = "GET"
	}
	r := &first
	for hops := 0; ; hops++ {
		resp, err := c.roundTrip(ctx, r)
		if err != nil {
			return nil, err
		}
		next, err := redirect(&first, r, resp)
		if next == nil && err == nil {
			return resp, nil
		}
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		if hops == MaxRedirects {
			closeBody(next.Body)
			return nil, fmt.Errorf("httpc: stopped after %d redirects", MaxRedirects)
		}
		r = next
	}
}

// redirect gives the request that follows resp, nil when resp is final.
// 301, 302 and 303 turn other methods than GET and HEAD into GET without
// a body; 307 and 308 keep the method and the body, which must be
// replayable. Credentials are not carried to another domain.
func redirect(first, prev *Request, resp *Response) (*Request, error) {
	keepBody := false
	method := prev.Method
	switch resp.StatusCode {
	case 301, 302, 303:
		if method != "GET" && method != "HEAD" {
			method = "GET"
		}
	case 307, 308:
		keepBody = true
		if first.Body != nil && first.ContentLength != 0 && first.GetBody == nil {
			return nil, nil
		}
	default:
		return nil, nil
	}
	loc := resp.Header.Get("Location")
	if loc == "" {
		return nil, nil // a 3xx without a Location is a final answer
	}
	u, err := prev.URL.Parse(loc)
	if err != nil {
		return nil, fmt.Errorf("httpc: bad Location %q: %w", loc, err)
	}
	if first.upgrade {
		switch u.Scheme {
		case "ws":
			u.Scheme = "http"
		case "wss":
			u.Scheme = "https"
		}
	}
	next := &Request{Method: method, URL: u, Header: textproto.MIMEHeader{}, Gzip: first.Gzip, upgrade: first.upgrade,
		noCreds: prev.noCreds || !sameDomain(first.URL.Hostname(), u.Hostname())}
	for k, v := range first.Header {
		switch k {
		case "Authorization", "Www-Authenticate", "Cookie", "Cookie2", "Proxy-Authorization", "Proxy-Authenticate":
			if next.noCreds {
				continue
			}
		case "Content-Type", "Content-Encoding", "Content-Language", "Content-Location":
			if !keepBody {
				continue // they described the body that is dropped
			}
		}
		next.Header[k] = v
	}
	if keepBody && first.GetBody != nil {
		b, err := first.GetBody()
		if err != nil {
			return nil, err
		}
		next.Body, next.ContentLength, next.GetBody = b, first.ContentLength, first.GetBody
	}
	return next, nil
}

// sameDomain reports whether host is parent or a subdomain of it.
func sameDomain(parent, host string) bool {
	parent, host = strings.ToLower(parent), strings.ToLower(host)
	if host == parent {
		return true
	}
	return !strings.ContainsAny(host, ":%") && strings.HasSuffix(host, "."+parent)
}

func closeBody(b io.Reader) {
	if c, ok := b.(io.Closer); ok {
		c.Close()
	}
}

// roundTrip makes one exchange on a new connection.
func (c *Client) roundTrip(ctx context.Context, req *Request) (*Response, error) {
	body := req.Body
	ok := false
	defer func() {
		if !ok {
			closeBody(body)
		}
	}()
	head, err := requestHead(req)
	if err != nil {
		return nil, err
	}
	conn, err := c.dial(ctx, req.URL)
	if err != nil {
		return nil, err
	}
	// Cancelling ctx closes the connection, which ends any read or write.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	fail := func(err error) (*Response, error) {
		stop()
		conn.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	if _, err := conn.Write(head); err != nil {
		return fail(err)
	}
	// The body goes out while the response is read: a server may answer
	// before it has read all of it. A body that cannot be sent ends the
	// request, unless its answer has come.
	werr := make(chan error, 1)
	var answered atomic.Bool
	if body != nil {
		ok = true // writeBody closes it
		go func() {
			err := writeBody(conn, body, req.ContentLength)
			werr <- err
			if err != nil && !answered.Load() {
				conn.Close()
			}
		}()
	}
	br := bufio.NewReaderSize(conn, 16<<10)
	resp, err := readResponse(br, req.Method)
	answered.Store(true)
	if err != nil {
		select {
		case e := <-werr:
			if e != nil {
				err = e // the body failed first, or the server hung up on it
			}
		default:
		}
		return fail(err)
	}
	resp.URL = req.URL
	if resp.StatusCode == 101 {
		if !stop() {
			return fail(ctx.Err())
		}
		resp.Body = &upgraded{br: br, Conn: conn}
	} else {
		b := resp.Body
		resp.Body = &bodyCloser{Reader: b, conn: conn, stop: stop}
		if req.asksGzip() && strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") {
			resp.Header.Del("Content-Encoding")
			resp.Header.Del("Content-Length")
			resp.ContentLength = -1
			resp.Body = &gunzip{body: resp.Body}
		}
	}
	return resp, nil
}

// dial connects to u's host, over TLS for https (SNI and verification
// against the name in the URL).
func (c *Client) dial(ctx context.Context, u *url.URL) (net.Conn, error) {
	port := u.Port()
	switch u.Scheme {
	case "http":
		if port == "" {
			port = "80"
		}
	case "https":
		if port == "" {
			port = "443"
		}
	default:
		return nil, fmt.Errorf("httpc: unsupported scheme %q", u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("httpc: no host in %q", u.Redacted())
	}
	conn, err := c.Dial(ctx, "tcp", net.JoinHostPort(u.Hostname(), port))
	if err != nil {
		return nil, err
	}
	if u.Scheme == "http" {
		return conn, nil
	}
	if c.TLS == nil {
		conn.Close()
		return nil, ErrNoTLS
	}
	return c.TLS(ctx, conn, u.Hostname())
}

// requestHead is the request line and header lines of req.
func requestHead(req *Request) ([]byte, error) {
	if !ValidMethod(req.Method) {
		return nil, fmt.Errorf("httpc: invalid method %q", req.Method)
	}
	u := req.URL
	host := u.Hostname()
	if i := strings.IndexByte(host, '%'); i >= 0 {
		host = host[:i] // an IPv6 zone is local to this host
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if u.Port() != "" {
		host += ":" + u.Port()
	}
	if !validValue(host) || strings.ContainsAny(host, " \t") {
		return nil, fmt.Errorf("httpc: invalid host %q", host)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", req.Method, u.RequestURI(), host)
	h := req.Header
	if h.Get("User-Agent") == "" {
		b.WriteString("User-Agent: " + userAgent + "\r\n")
	}
	if u.User != nil && h.Get("Authorization") == "" {
		pass, _ := u.User.Password()
		b.WriteString("Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(u.User.Username()+":"+pass)) + "\r\n")
	}
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !isToken(k) {
			return nil, fmt.Errorf("httpc: invalid header name %q", k)
		}
		switch textproto.CanonicalMIMEHeaderKey(k) {
		case "Host", "Content-Length", "Transfer-Encoding", "Trailer", "Connection":
			continue // this client frames the message itself
		}
		for _, v := range h[k] {
			if !validValue(v) {
				return nil, fmt.Errorf("httpc: invalid value of header %q", k)
			}
			b.WriteString(k + ": " + strings.TrimSpace(v) + "\r\n")
		}
	}
	if req.asksGzip() {
		b.WriteString("Accept-Encoding: gzip\r\n")
	}
	if req.upgrade {
		b.WriteString("Connection: Upgrade\r\n")
	} else {
		b.WriteString("Connection: close\r\n")
	}
	switch {
	case req.Body != nil && req.ContentLength < 0:
		b.WriteString("Transfer-Encoding: chunked\r\n")
	case req.Body != nil:
		fmt.Fprintf(&b, "Content-Length: %d\r\n", req.ContentLength)
	case req.Method == "POST" || req.Method == "PUT" || req.Method == "PATCH":
		b.WriteString("Content-Length: 0\r\n") // they are expected to have a body
	}
	b.WriteString("\r\n")
	return b.Bytes(), nil
}

// writeBody sends body, of n bytes or chunked when n < 0, and closes it.
func writeBody(w io.Writer, body io.Reader, n int64) error {
	defer closeBody(body)
	if n >= 0 {
		bw := bufio.NewWriterSize(w, 32<<10)
		m, err := io.CopyN(bw, body, n)
		if err == io.EOF {
			err = fmt.Errorf("httpc: body ended after %d of %d bytes", m, n)
		}
		if err != nil {
			return err
		}
		return bw.Flush()
	}
	// Each read goes out as a chunk at once: the body may be written
	// interactively, a piece at a time.
	const size = 32 << 10
	buf := make([]byte, size)
	bw := bufio.NewWriterSize(w, size+32)
	for {
		m, err := body.Read(buf)
		if m > 0 {
			fmt.Fprintf(bw, "%x\r\n", m)
			bw.Write(buf[:m])
			bw.WriteString("\r\n")
			if ferr := bw.Flush(); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			bw.WriteString("0\r\n\r\n")
			return bw.Flush()
		}
		if err != nil {
			return err
		}
	}
}

// readResponse reads a response's head, skipping interim 1xx responses,
// and frames its body (RFC 9112 section 6.3).
func readResponse(br *bufio.Reader, method string) (*Response, error) {
	budget := MaxHeaderBytes
	for {
		line, err := readLine(br, &budget)
		if err != nil {
			return nil, err
		}
		minor, code, err := parseStatusLine(line)
		if err != nil {
			return nil, err
		}
		h, err := readHeader(br, &budget)
		if err != nil {
			return nil, err
		}
		if code/100 == 1 && code != 101 {
			continue
		}
		return frame(br, method, minor, code, h)
	}
}

// frame decides how the body of a response is delimited.
func frame(br *bufio.Reader, method string, minor, code int, h textproto.MIMEHeader) (*Response, error) {
	resp := &Response{StatusCode: code, Header: h, ContentLength: -1}
	chunked := false
	if te, ok := h["Transfer-Encoding"]; ok {
		delete(h, "Transfer-Encoding")
		if minor >= 1 { // HTTP/1.0 had no transfer codings
			if len(te) != 1 || !strings.EqualFold(strings.TrimSpace(te[0]), "chunked") {
				return nil, fmt.Errorf("httpc: unsupported transfer encoding %q", te)
			}
			chunked = true
		}
	}
	length := int64(-1)
	if cl := h["Content-Length"]; len(cl) > 0 {
		for _, v := range cl[1:] {
			if strings.TrimSpace(v) != strings.TrimSpace(cl[0]) {
				return nil, fmt.Errorf("httpc: differing Content-Length values %q", cl)
			}
		}
		n, err := strconv.ParseUint(strings.TrimSpace(cl[0]), 10, 63)
		if err != nil {
			return nil, fmt.Errorf("httpc: bad Content-Length %q", cl[0])
		}
		h["Content-Length"] = cl[:1]
		length = int64(n)
	}
	var body io.Reader = br // until the server closes
	switch {
	case method == "HEAD":
		resp.ContentLength = length
		body = eofReader{}
	case code/100 == 1 || code == 204 || code == 304:
		resp.ContentLength = 0
		body = eofReader{}
	case chunked:
		delete(h, "Content-Length")
		body = &chunkedReader{br: br}
	case length >= 0:
		resp.ContentLength = length
		body = &lengthReader{r: br, n: length}
	}
	resp.Body = io.NopCloser(body)
	return resp, nil
}

// readLine reads a line ending in LF (CRLF or a bare LF), without its
// end, taking its bytes from budget.
func readLine(br *bufio.Reader, budget *int) ([]byte, error) {
	var line []byte
	for {
		frag, err := br.ReadSlice('\n')
		*budget -= len(frag)
		if *budget < 0 {
			return nil, ErrHeaderTooLarge
		}
		if err == bufio.ErrBufferFull {
			line = append(line, frag...)
			continue
		}
		if err != nil {
			if err == io.EOF && (len(line) > 0 || len(frag) > 0) {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		if line == nil {
			line = frag
		} else {
			line = append(line, frag...)
		}
		line = line[:len(line)-1]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		return line, nil
	}
}

// parseStatusLine parses "HTTP/1.x NNN reason".
func parseStatusLine(line []byte) (minor, code int, err error) {
	s := string(line)
	proto, rest, _ := strings.Cut(s, " ")
	codeStr, _, _ := strings.Cut(rest, " ")
	switch proto {
	case "HTTP/1.0":
	case "HTTP/1.1":
		minor = 1
	default:
		return 0, 0, fmt.Errorf("httpc: malformed status line %q", truncate(s))
	}
	if len(codeStr) != 3 || codeStr[0] < '1' || codeStr[0] > '9' {
		return 0, 0, fmt.Errorf("httpc: malformed status line %q", truncate(s))
	}
	for _, c := range []byte(codeStr) {
		if c < '0' || c > '9' {
			return 0, 0, fmt.Errorf("httpc: malformed status line %q", truncate(s))
		}
		code = code*10 + int(c-'0')
	}
	return minor, code, nil
}

func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// readHeader reads header lines up to the empty line. A line beginning
// with white space continues the previous value (obsolete folding).
func readHeader(br *bufio.Reader, budget *int) (textproto.MIMEHeader, error) {
	h := textproto.MIMEHeader{}
	var last string
	for {
		line, err := readLine(br, budget)
		if err != nil {
			return nil, err
		}
		if len(line) == 0 {
			return h, nil
		}
		if line[0] == ' ' || line[0] == '\t' {
			v := h[last]
			if len(v) == 0 {
				return nil, fmt.Errorf("httpc: malformed header line %q", truncate(string(line)))
			}
			cont := strings.TrimSpace(string(line))
			if !validValue(cont) {
				return nil, fmt.Errorf("httpc: invalid value of header %q", last)
			}
			v[len(v)-1] += " " + cont
			continue
		}
		name, value, ok := strings.Cut(string(line), ":")
		if !ok || !isToken(name) {
			return nil, fmt.Errorf("httpc: malformed header line %q", truncate(string(line)))
		}
		value = strings.Trim(value, " \t")
		if !validValue(value) {
			return nil, fmt.Errorf("httpc: invalid value of header %q", name)
		}
		last = textproto.CanonicalMIMEHeaderKey(name)
		h[last] = append(h[last], value)
	}
}

// isToken reports whether s is an RFC 9110 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			continue
		}
		if !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(c)) {
			return false
		}
	}
	return true
}

// validValue reports whether v may be a header's value: no control
// characters other than tab (obs-text, bytes over 0x7f, are allowed).
func validValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// eofReader is an empty body.
type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// lengthReader reads a body of n bytes; a connection ending sooner is
// an error.
type lengthReader struct {
	r io.Reader
	n int64
}

func (l *lengthReader) Read(p []byte) (int, error) {
	if l.n == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	if err == io.EOF && l.n > 0 {
		err = io.ErrUnexpectedEOF
	} else if err == io.EOF {
		err = nil
	}
	return n, err
}

// chunkedReader decodes a chunked body (RFC 9112 section 7.1); the
// trailer section is read and dropped.
type chunkedReader struct {
	br      *bufio.Reader
	n       int64 // left in the current chunk
	started bool  // a chunk was read: its CRLF comes before the next size
	err     error
}

func (c *chunkedReader) Read(p []byte) (int, error) {
	for c.n == 0 && c.err == nil {
		c.err = c.next()
	}
	if c.err != nil {
		return 0, c.err
	}
	if int64(len(p)) > c.n {
		p = p[:c.n]
	}
	n, err := c.br.Read(p)
	c.n -= int64(n)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		c.err = err
	}
	return n, err
}

// next reads the end of the previous chunk and the size of the next;
// io.EOF after the last chunk and its trailers.
func (c *chunkedReader) next() error {
	budget := 4096 // a size line with its extensions
	if c.started {
		line, err := readLine(c.br, &budget)
		if err != nil {
			return eofIsUnexpected(err)
		}
		if len(line) != 0 {
			return errors.New("httpc: malformed chunked encoding: data longer than its chunk")
		}
	}
	c.started = true
	line, err := readLine(c.br, &budget)
	if err == ErrHeaderTooLarge {
		return errors.New("httpc: malformed chunked encoding: size line too long")
	}
	if err != nil {
		return eofIsUnexpected(err)
	}
	size, _, _ := bytes.Cut(line, []byte(";"))
	size = bytes.TrimRight(size, " \t")
	if len(size) == 0 || len(size) > 16 {
		return fmt.Errorf("httpc: malformed chunk size %q", truncate(string(line)))
	}
	var n uint64
	for _, d := range size {
		v, ok := hexDigit(d)
		if !ok {
			return fmt.Errorf("httpc: malformed chunk size %q", truncate(string(line)))
		}
		n = n<<4 | uint64(v)
	}
	if n > 1<<62 {
		return fmt.Errorf("httpc: chunk size %q too large", size)
	}
	if n == 0 {
		trailer := MaxHeaderBytes
		if _, err := readHeader(c.br, &trailer); err != nil {
			return eofIsUnexpected(err)
		}
		return io.EOF
	}
	c.n = int64(n)
	return nil
}

func hexDigit(d byte) (byte, bool) {
	switch {
	case d >= '0' && d <= '9':
		return d - '0', true
	case d >= 'a' && d <= 'f':
		return d - 'a' + 10, true
	case d >= 'A' && d <= 'F':
		return d - 'A' + 10, true
	}
	return 0, false
}

func eofIsUnexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// bodyCloser closes the connection when the body is closed or ends.
type bodyCloser struct {
	io.Reader
	conn net.Conn
	stop func() bool
}

func (b *bodyCloser) Read(p []byte) (int, error) {
	n, err := b.Reader.Read(p)
	if err != nil {
		b.Close()
	}
	return n, err
}

func (b *bodyCloser) Close() error {
	b.stop()
	return b.conn.Close()
}

// gunzip inflates a body, from its first read: an empty body (the answer
// to a HEAD, a 204) is not an error.
type gunzip struct {
	body io.ReadCloser
	zr   *gzip.Reader
	err  error
}

func (g *gunzip) Read(p []byte) (int, error) {
	if g.zr == nil && g.err == nil {
		g.zr, g.err = gzip.NewReader(g.body)
	}
	if g.err != nil {
		return 0, g.err
	}
	return g.zr.Read(p)
}

func (g *gunzip) Close() error { return g.body.Close() }

// upgraded is the connection after a 101 response: what the reader had
// buffered is read first.
type upgraded struct {
	br *bufio.Reader
	net.Conn
}

func (u *upgraded) Read(p []byte) (int, error) { return u.br.Read(p) }
