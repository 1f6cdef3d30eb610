// Package wasixnet gives Go programs built with the plain toolchain for
// GOOS=wasip1 the network of a WASIX runtime: Dial, Listen, ListenPacket
// and a Resolver, returning the standard net.Conn, net.Listener and
// net.PacketConn. The sockets are made with the WASIX calls of the wasix
// package and handed to Go's own poller as non-blocking files, so reads,
// writes, accepts and deadlines park goroutines instead of the program,
// and net/http servers and clients work unchanged:
//
//	ln, err := wasixnet.Listen("tcp", "127.0.0.1:8080")
//	...
//	http.Serve(ln, handler)
//
//	http.DefaultTransport.(*http.Transport).DialContext = wasixnet.DialContext
//
// On other platforms the functions are those of package net, so a program
// using wasixnet builds and runs natively too.
package wasixnet
