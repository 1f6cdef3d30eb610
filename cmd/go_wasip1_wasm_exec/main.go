// Command go_wasip1_wasm_exec runs Go's wasip1 binaries under the wasix
// runtime for the go command: with it on PATH,
//
//	GOOS=wasip1 GOARCH=wasm go run .
//	GOOS=wasip1 GOARCH=wasm go test ./...
//
// just work. The go command runs a binary built for GOOS=wasip1 as
// "go_wasip1_wasm_exec BINARY ARGS..." from the directory it should run
// in (a test's package directory). Like the wrapper Go ships in
// misc/wasm for wazero and wasmtime, this one mounts the host's "/" at
// "/", so that the binary sees files (its testdata, the module cache,
// GOROOT) at the paths the host uses, starts it in the current directory
// and passes the whole environment with PWD set to it. Compiled code is
// kept in wasix's compile cache (WASIX_CACHE_DIR, default the user cache
// directory's wasix; "off" turns it off), within WASIX_CACHE_MAX (default
// 1GiB).
//
// Install it with
//
//	go install github.com/wasix-go/wasix/cmd/go_wasip1_wasm_exec@latest
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	wasixapi "github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/host"
	"github.com/wasix-go/wasix/internal/compcache"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: go_wasip1_wasm_exec BINARY.wasm [ARGS...] (the go command runs it for GOOS=wasip1)")
		return 2
	}
	file := args[0]
	wasm, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(os.Stderr, "go_wasip1_wasm_exec: %v\n", err)
		return 1
	}
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(os.Stderr, "go_wasip1_wasm_exec: %v\n", err)
		return 1
	}
	cwd = filepath.ToSlash(cwd)
	env := append(os.Environ(), "PWD="+cwd) // the last PWD wins in Go's os.Getenv

	cacheDir := os.Getenv("WASIX_CACHE_DIR")
	if cacheDir == "" {
		if d, err := os.UserCacheDir(); err == nil {
			cacheDir = filepath.Join(d, "wasix")
		}
	} else if cacheDir == "off" {
		cacheDir = ""
	}
	max := int64(compcache.DefaultMax)
	if s := os.Getenv("WASIX_CACHE_MAX"); s != "" {
		if max, err = compcache.ParseSize(s); err != nil {
			fmt.Fprintf(os.Stderr, "go_wasip1_wasm_exec: WASIX_CACHE_MAX: %v\n", err)
			return 2
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rt, err := host.NewRuntime(ctx, host.RuntimeConfig{CacheDir: cacheDir, NoComputeInterrupts: true})
	if err != nil {
		fmt.Fprintf(os.Stderr, "go_wasip1_wasm_exec: %v\n", err)
		return 1
	}
	defer rt.Close(context.Background())
	if cacheDir != "" {
		cache := &compcache.Cache{Dir: cacheDir, Max: max}
		before := cache.Snapshot()
		defer func() {
			if !cache.Fresh(file, before) {
				_ = cache.Record(compcache.Sum(wasm), file, before)
			}
		}()
	}

	prog := compcache.StartProgress(os.Stderr, "compiling "+filepath.Base(file))
	m, err := rt.Compile(ctx, wasm)
	prog.Done()
	if err != nil {
		fmt.Fprintf(os.Stderr, "go_wasip1_wasm_exec: %s: %v\n", file, err)
		return 1
	}
	defer m.Close(context.Background())

	// An interrupt (the go command's, or Ctrl-C) goes to the program, as
	// SIGINT would to a native test binary; a second one ends the run.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt)
	defer signal.Stop(sigs)
	guestSigs := make(chan wasixapi.Signal, 1)
	ended := make(chan uint32, 1)
	done := make(chan struct{})
	var code uint32
	go func() {
		defer close(done)
		code, err = rt.RunModule(ctx, m, host.Config{
			Args:    append([]string{file}, args[1:]...),
			Env:     env,
			Stdin:   os.Stdin,
			Stdout:  os.Stdout,
			Stderr:  os.Stderr,
			Mounts:  []host.Mount{{GuestPath: "/", HostDir: "/"}},
			Cwd:     cwd,
			Signals: guestSigs,
			OnExit:  func(c uint32) { ended <- c },
		})
	}()
	select {
	case <-done:
	case <-sigs:
		guestSigs <- wasixapi.SignalInt
		select {
		case <-done:
		case code = <-ended:
			// The program ended; a thread still computing is not waited
			// for long (compute interrupts are off).
			select {
			case <-done:
			case <-time.After(time.Second):
				return int(code)
			}
		case <-sigs:
			cancel()
			return 130
		}
	}
	var trap *host.TrapError
	switch {
	case err == nil:
		return int(code)
	case errors.As(err, &trap):
		fmt.Fprintf(os.Stderr, "go_wasip1_wasm_exec: %s trapped: %v\n", file, trap)
		return 134
	}
	fmt.Fprintf(os.Stderr, "go_wasip1_wasm_exec: %s: %v\n", file, err)
	return 1
}
