// Command wasix-tls is the TLS client of the wasix runtime: the https and
// wss of http_request and ws_connect. The runtime starts it for each such
// connection, so that a run that makes none (nearly all) neither links
// nor initialises Go's TLS stack, which would cost every start of the CLI
// about 0.5 ms and 1 MiB of memory (see RATIONALE.md).
//
//	wasix-tls SERVERNAME
//
// Descriptor 3 is the connection to the server, already dialled through
// the runtime's network policy; descriptor 4 is a stream socket to the
// runtime. wasix-tls makes the handshake (SNI and verification against
// SERVERNAME, with the system's roots; SSL_CERT_FILE and SSL_CERT_DIR
// name others), writes "ok\n" or "error: MESSAGE\n" to descriptor 4, then
// relays: plain text on 4, TLS on 3. It is installed beside wasix:
//
//	go install github.com/wasix-go/wasix/cmd/...@latest
package main

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: wasix-tls SERVERNAME (started by wasix, with descriptors 3 and 4)")
		os.Exit(2)
	}
	os.Exit(run(os.Args[1], os.NewFile(3, "server"), os.NewFile(4, "runtime")))
}

// halfCloser is a connection whose writing side closes alone.
type halfCloser interface {
	net.Conn
	CloseWrite() error
}

func run(serverName string, serverFile, runtimeFile *os.File) int {
	server, err := fileConn(serverFile)
	if err != nil {
		fmt.Fprintf(os.Stderr, "wasix-tls: descriptor 3: %v\n", err)
		return 2
	}
	plain, err := fileConn(runtimeFile)
	if err != nil {
		fmt.Fprintf(os.Stderr, "wasix-tls: descriptor 4: %v\n", err)
		return 2
	}
	tc := tls.Client(server, &tls.Config{ServerName: serverName, NextProtos: []string{"http/1.1"}})
	if err := tc.Handshake(); err != nil {
		// One line: the runtime reports it as the request's error.
		io.WriteString(plain, "error: "+strings.ReplaceAll(err.Error(), "\n", " ")+"\n")
		return 1
	}
	if _, err := io.WriteString(plain, "ok\n"); err != nil {
		return 1
	}
	// Each direction ends by closing the writing side of the other, so
	// that both ends see end-of-file. Once the runtime has closed its
	// side, the server has lingerAfterClose to finish before the helper
	// gives up on it.
	done := make(chan struct{}, 2)
	relay := func(dst halfCloser, src net.Conn) {
		io.Copy(dst, src)
		dst.CloseWrite()
		done <- struct{}{}
	}
	go func() {
		relay(tc, plain)
		tc.SetReadDeadline(time.Now().Add(lingerAfterClose))
	}()
	go relay(plain, tc)
	<-done
	<-done
	return 0
}

// lingerAfterClose bounds how long a helper outlives its runtime's side
// of the connection, waiting for the server's end.
const lingerAfterClose = 10 * time.Second

func fileConn(f *os.File) (halfCloser, error) {
	c, err := net.FileConn(f)
	f.Close()
	if err != nil {
		return nil, err
	}
	hc, ok := c.(halfCloser)
	if !ok {
		c.Close()
		return nil, fmt.Errorf("not a stream socket")
	}
	return hc, nil
}
