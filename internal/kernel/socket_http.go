package kernel

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/textproto"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/hostnet"
	"github.com/wasix-go/wasix/internal/httpc"
)

// An HTTP request of the seed's http_request is three pipes: the guest
// writes the request body into the first (closing it ends the body), and
// reads the response body from the second and the response headers, one
// "Name: value" line each, from the third. A goroutine runs the request
// with the host's own client (httpc); http_status waits for the
// response's status line.

// httpCall is one request in flight.
type httpCall struct {
	done     chan struct{} // closed when the response head (or an error) is in
	resp     *httpc.Response
	err      error
	finalURL string
	url      string
}

// httpEnd is a pipe end that knows its request, for http_status.
type httpEnd struct {
	*pipeEnd
	call *httpCall
}

// pipeReader reads a pipe end from Go, for a request body.
type pipeReader struct {
	ctx context.Context
	e   *pipeEnd
}

// Read reads what the guest wrote; io.EOF once it closed its end.
func (r pipeReader) Read(b []byte) (int, error) {
	n, err := r.e.read(r.ctx, [][]byte{b}, false)
	if n == 0 && err == nil {
		return 0, io.EOF
	}
	return n, err
}

// Close closes the reading end: the guest's writes then fail with EPIPE.
func (r pipeReader) Close() error { return r.e.close() }

// pipeWriter writes a pipe end from Go, for a response body.
type pipeWriter struct {
	ctx context.Context
	e   *pipeEnd
}

// Write blocks until the guest has room to read b.
func (w pipeWriter) Write(b []byte) (int, error) {
	return w.e.write(w.ctx, [][]byte{b}, false)
}

// HTTPHandles are the descriptors of a request (http_handles).
type HTTPHandles struct {
	Request, Response, Headers wasix.Fd
}

// HTTPRequest starts a request (http_request). headers holds "Name: value"
// lines; gzip lets the response come compressed (the client then inflates
// it). The host and every address it is dialled at must pass the policy,
// redirects included.
func (p *Process) HTTPRequest(ctx context.Context, rawURL, method, headers string, gzip bool) (HTTPHandles, wasix.Errno) {
	n := p.network()
	if n == nil {
		return HTTPHandles{}, wasix.ErrnoAcces
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return HTTPHandles{}, wasix.ErrnoInval
	}
	if method == "" {
		method = "GET"
	}
	if !httpc.ValidMethod(method) {
		return HTTPHandles{}, wasix.ErrnoInval
	}
	// A literal address or a name the policy refuses fails here; the
	// addresses a name resolves to are checked as they are dialled.
	if ip, err := netip.ParseAddr(u.Hostname()); err == nil {
		port := uint16(80)
		if u.Scheme == "https" {
			port = 443
		}
		if p, err := strconv.ParseUint(u.Port(), 10, 16); err == nil {
			port = uint16(p)
		}
		if err := n.Policy().CheckAddr(hostnet.OpConnect, netip.AddrPortFrom(ip, port)); err != nil {
			return HTTPHandles{}, netErrno(err)
		}
	} else if err := n.Policy().CheckName(u.Hostname()); err != nil {
		return HTTPHandles{}, netErrno(err)
	}
	hasBody := method != "GET" && method != "HEAD"
	reqR, reqW := newPipe(false)
	respR, respW := newPipe(false)
	hdrR, hdrW := newPipe(false)
	// The request context outlives this call: it ends when the process does.
	bg := context.WithoutCancel(ctx)
	// The body streams from the pipe, chunked, until the guest closes it.
	req := &httpc.Request{Method: method, URL: u, Header: textproto.MIMEHeader{}, Gzip: gzip}
	if hasBody {
		req.Body, req.ContentLength = pipeReader{bg, reqR}, -1
	} else {
		reqR.close() // writes to the request descriptor give EPIPE
	}
	for _, line := range strings.Split(headers, "\n") {
		k, v, ok := strings.Cut(strings.TrimRight(line, "\r"), ":")
		if ok && strings.TrimSpace(k) != "" {
			req.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
		}
	}
	call := &httpCall{done: make(chan struct{}), url: u.String()}
	client := &httpc.Client{Dial: policyDialer(n), TLS: n.TLS}
	go func() {
		defer respW.close()
		resp, err := client.Do(bg, req)
		call.resp, call.err = resp, err
		if err == nil {
			call.finalURL = resp.URL.String()
		}
		close(call.done)
		if err != nil {
			hdrW.close()
			return
		}
		defer resp.Body.Close()
		var hb strings.Builder
		keys := make([]string, 0, len(resp.Header))
		for k := range resp.Header {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			for _, v := range resp.Header[k] {
				fmt.Fprintf(&hb, "%s: %s\n", k, v)
			}
		}
		go func() { // the guest may read the body first
			io.WriteString(pipeWriter{bg, hdrW}, hb.String())
			hdrW.close()
		}()
		io.Copy(pipeWriter{bg, respW}, resp.Body)
	}()
	var h HTTPHandles
	var errno wasix.Errno
	add := func(e *pipeEnd, rights wasix.Rights) wasix.Fd {
		if errno != wasix.ErrnoSuccess {
			e.close()
			return 0
		}
		var fd wasix.Fd
		fd, errno = p.add(newOpenFile(&httpEnd{e, call}, 0), rights, 0, false)
		return fd
	}
	h.Request = add(reqW, rightsStream&^wasix.RightsFdRead)
	h.Response = add(respR, rightsStream&^wasix.RightsFdWrite)
	h.Headers = add(hdrR, rightsStream&^wasix.RightsFdWrite)
	return h, errno
}

// HTTPStatus waits for the response of the request fd belongs to and
// describes it (http_status): whether the status is 2xx, whether
// redirects were followed, the body's size (0 when unknown) and the code.
func (p *Process) HTTPStatus(ctx context.Context, fd wasix.Fd) (ok, redirected bool, size uint64, status uint16, errno wasix.Errno) {
	e, errno := p.fds.get(fd, 0)
	if errno != wasix.ErrnoSuccess {
		return
	}
	he, isHTTP := e.of.obj.(*httpEnd)
	if !isHTTP {
		return false, false, 0, 0, wasix.ErrnoBadf
	}
	select {
	case <-he.call.done:
	case <-ctx.Done():
		return false, false, 0, 0, wasix.ErrnoIntr
	}
	c := he.call
	if c.err != nil {
		return false, false, 0, 0, netErrno(c.err)
	}
	return c.resp.StatusCode/100 == 2, c.finalURL != c.url, uint64(max(c.resp.ContentLength, 0)),
		uint16(c.resp.StatusCode), wasix.ErrnoSuccess
}

// policyDialer dials for the host's HTTP and WebSocket clients, asking the
// policy about the name and each address it resolves to.
func policyDialer(n *hostnet.Network) func(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	var mu sync.Mutex // OnDeny may be a plain writer
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		ips, err := n.Resolve(ctx, host)
		if err != nil {
			return nil, err
		}
		var first error
		for _, ip := range ips {
			ap, err := netip.ParseAddrPort(net.JoinHostPort(ip.String(), port))
			if err != nil {
				return nil, err
			}
			mu.Lock()
			err = n.Policy().CheckAddr(hostnet.OpConnect, ap)
			mu.Unlock()
			if err == nil {
				var c net.Conn
				if c, err = d.DialContext(ctx, network, ap.String()); err == nil {
					return c, nil
				}
			}
			if first == nil {
				first = err
			}
		}
		return nil, first
	}
}
