// Package tlsproc runs the TLS of the host's HTTP and WebSocket clients
// (http_request, ws_connect) in a helper process, the command wasix-tls.
// Go's TLS stack links some twenty crypto packages whose initialisation
// every start of the CLI would pay, though a plain program never opens an
// https connection: out of process it costs only the runs that use it
// (see RATIONALE.md). An embedder may do TLS in process instead
// (host.NetConfig.TLS).
package tlsproc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// HelperName is the command that makes the connections.
const HelperName = "wasix-tls"

// ErrNoHelper is returned when HelperName is neither beside the running
// executable nor on PATH.
var ErrNoHelper = errors.New("https and wss need the helper command " + HelperName +
	", found neither beside this program nor on PATH; install it with: go install github.com/wasix-go/wasix/cmd/wasix-tls@latest")

// Client makes conn, a connection to a server, a TLS connection to
// serverName (which its certificate must name): it hands conn to a new
// wasix-tls and returns the plain-text side of it. conn is given up in
// any case. Cancelling ctx abandons the handshake; closing the returned
// connection ends the helper.
func Client(ctx context.Context, conn net.Conn, serverName string) (net.Conn, error) {
	helper, err := find()
	if err != nil {
		conn.Close()
		return nil, err
	}
	server, err := fileOf(conn)
	if err != nil {
		conn.Close()
		return nil, err
	}
	defer server.Close()
	ours, theirs, err := socketPair()
	if err != nil {
		return nil, err
	}
	defer theirs.Close()
	if err := acquire(ctx); err != nil {
		ours.Close()
		return nil, err
	}
	proc, err := os.StartProcess(helper, []string{HelperName, serverName}, &os.ProcAttr{
		Files: []*os.File{nil, nil, os.Stderr, server, theirs},
	})
	if err != nil {
		release()
		ours.Close()
		return nil, fmt.Errorf("starting %s: %w", HelperName, err)
	}
	plain, err := net.FileConn(ours)
	ours.Close()
	if err != nil {
		proc.Kill()
		go reap(proc, 0)
		return nil, err
	}
	hc := &helperConn{Conn: plain, proc: proc}
	stop := context.AfterFunc(ctx, func() { proc.Kill() })
	status, err := readLine(plain)
	stop()
	if err != nil || status != "ok" {
		plain.Close()
		proc.Kill()
		go reap(proc, 0)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if msg, ok := strings.CutPrefix(status, "error: "); ok {
			return nil, fmt.Errorf("tls: %s", msg)
		}
		return nil, fmt.Errorf("%s ended before the handshake did (%v)", HelperName, err)
	}
	return hc, nil
}

// readLine reads the helper's status line a byte at a time, so that
// nothing of the stream after it is taken.
func readLine(c net.Conn) (string, error) {
	var b strings.Builder
	var one [1]byte
	for b.Len() < 4096 {
		if _, err := io.ReadFull(c, one[:]); err != nil {
			return b.String(), err
		}
		if one[0] == '\n' {
			return b.String(), nil
		}
		b.WriteByte(one[0])
	}
	return b.String(), errors.New("status line too long")
}

// helperConn is the plain-text side of a helper's connection. Closing it
// lets the helper pass on what was written before, close the TLS
// connection and end; one that has not ended within reapAfter is killed.
type helperConn struct {
	net.Conn
	proc  *os.Process
	close sync.Once
}

// reapAfter is longer than the helper's own wait for the server.
const reapAfter = 15 * time.Second

func (c *helperConn) Close() error {
	err := c.Conn.Close()
	c.close.Do(func() { go reap(c.proc, reapAfter) })
	return err
}

// reap waits for a helper to end, killing it after grace (0: it was
// killed), and gives its slot back.
func reap(proc *os.Process, grace time.Duration) {
	if grace > 0 {
		t := time.AfterFunc(grace, func() { proc.Kill() })
		defer t.Stop()
	}
	proc.Wait()
	release()
}

// MaxHelpers bounds the helpers alive at once in this process: each https
// or wss connection is a process, and a program opening many would
// otherwise fill the host's process table. A connection past it waits for
// one to end.
var MaxHelpers = 64

var helpers struct {
	sync.Mutex
	n     int
	freed chan struct{} // closed when a slot is given back
}

func acquire(ctx context.Context) error {
	for {
		helpers.Lock()
		if helpers.n < MaxHelpers {
			helpers.n++
			helpers.Unlock()
			return nil
		}
		if helpers.freed == nil {
			helpers.freed = make(chan struct{})
		}
		freed := helpers.freed
		helpers.Unlock()
		select {
		case <-freed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func release() {
	helpers.Lock()
	helpers.n--
	if helpers.freed != nil {
		close(helpers.freed)
		helpers.freed = nil
	}
	helpers.Unlock()
}

// find looks for the helper beside the running executable, then in the
// absolute directories of PATH.
func find() (string, error) {
	if exe, err := os.Executable(); err == nil {
		if p := filepath.Join(filepath.Dir(exe), HelperName); isExecutable(p) {
			return p, nil
		}
	}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		// Never the working directory (an empty or relative entry), as
		// os/exec refuses it: the helper is handed the connection.
		if !filepath.IsAbs(dir) {
			continue
		}
		if p := filepath.Join(dir, HelperName); isExecutable(p) {
			return p, nil
		}
	}
	return "", ErrNoHelper
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0
}

// fileOf is a descriptor of conn's socket for the helper, and closes conn
// (the helper's descriptor keeps the socket). A connection without one (an
// embedder's dialer may return anything) is relayed through a socket pair
// by two goroutines, which close it when either side ends.
func fileOf(conn net.Conn) (*os.File, error) {
	if fc, ok := conn.(interface{ File() (*os.File, error) }); ok {
		f, err := fc.File()
		if err == nil {
			conn.Close()
		}
		return f, err
	}
	ours, theirs, err := socketPair()
	if err != nil {
		return nil, err
	}
	relayed, err := net.FileConn(ours)
	ours.Close()
	if err != nil {
		theirs.Close()
		return nil, err
	}
	go func() { io.Copy(conn, relayed); conn.Close() }()
	go func() { io.Copy(relayed, conn); relayed.Close() }()
	return theirs, nil
}
