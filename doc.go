// Package wasix is a set of raw Go bindings to WASIX, Wasmer's superset of
// WASI preview1, for programs built with GOOS=wasip1 GOARCH=wasm.
//
// It implements the seed snapshot of the `wasix_32v1` module: 128 calls
// covering files, pipes, a tty, threads and futexes, processes (fork, exec,
// spawn, join), signals, sockets, DNS, HTTP, the process bus, and the
// preview1 calls as WASIX re-exports them. The package is generated from the
// witx files in spec/wasix-seed by cmd/wasixgen; only this file, constants.go
// and the tests are written by hand.
//
// Every call has two forms. The raw import carries the witx name
// (fd_pipe) and the core WebAssembly signature: integers, addresses and an
// errno result. The exported wrapper (FdPipe) takes Go values and returns the
// call's results followed by an error, which is nil on success and otherwise
// an Errno (or a BusError for the bus calls):
//
//	r, w, err := wasix.FdPipe()
//	if errors.Is(err, wasix.ErrnoNosys) { ... }
//
// The types and constants build on every GOOS with the exact wasm32 layout
// (each struct embeds structs.HostLayout, pads explicitly, and is checked at
// compile time), so a host written in Go reads guest memory through the same
// definitions. The calls build only under GOOS=wasip1.
//
// A type whose witx name is also a call's takes the suffix Type
// (SockStatusType for $sock_status), so that the call keeps its name.
package wasix
