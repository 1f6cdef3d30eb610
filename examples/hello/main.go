//go:build wasip1

// Command hello is a small WASIX program in Go: it asks the runtime for its
// working directory and thread id and sends a line through a pipe, using
// the generated bindings of github.com/wasix-go/wasix.
//
// Build it (the committed hello.wasm is built this way) and run it with:
//
//	GOOS=wasip1 GOARCH=wasm go build -trimpath -o examples/hello/hello.wasm ./examples/hello
//	go run ./cmd/wasix run examples/hello/hello.wasm
package main

import (
	"fmt"
	"os"

	"github.com/wasix-go/wasix"
)

func main() {
	fmt.Println("hello from WASIX")

	buf := make([]byte, 256)
	n := wasix.Pointersize(len(buf))
	if err := wasix.Getcwd(&buf[0], &n); err != nil {
		fail("getcwd", err)
	}
	fmt.Printf("cwd: %s\n", buf[:n])

	tid, err := wasix.ThreadId()
	if err != nil {
		fail("thread_id", err)
	}
	fmt.Printf("thread id: %d\n", tid)

	r, w, err := wasix.FdPipe()
	if err != nil {
		fail("fd_pipe", err)
	}
	rf, wf := os.NewFile(uintptr(r), "pipe-r"), os.NewFile(uintptr(w), "pipe-w")
	msg := "a line through a pipe"
	if _, err := wf.Write([]byte(msg)); err != nil {
		fail("write to the pipe", err)
	}
	got := make([]byte, len(msg))
	if _, err := rf.Read(got); err != nil {
		fail("read from the pipe", err)
	}
	fmt.Printf("pipe %d -> %d: %q\n", w, r, got)
	fmt.Printf("args: %q\n", os.Args)
}

func fail(what string, err error) {
	fmt.Fprintf(os.Stderr, "hello: %s: %v\n", what, err)
	os.Exit(1)
}
