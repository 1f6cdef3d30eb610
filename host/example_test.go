package host_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"testing/fstest"

	"github.com/wasix-go/wasix/host"
)

// Run a WASIX program with arguments and its output on os.Stdout.
func ExampleRuntime_Run() {
	ctx := context.Background()
	wasm, err := os.ReadFile("../examples/hello/hello.wasm")
	if err != nil {
		log.Fatal(err)
	}
	rt, err := host.NewRuntime(ctx, host.RuntimeConfig{})
	if err != nil {
		log.Fatal(err)
	}
	defer rt.Close(ctx)

	code, err := rt.Run(ctx, wasm, host.Config{
		Args:   []string{"hello", "world"},
		Stdout: os.Stdout,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("exit code", code)
	// Output:
	// hello from WASIX
	// cwd: /
	// thread id: 1
	// pipe 5 -> 4: "a line through a pipe"
	// args: ["hello" "world"]
	// exit code 0
}

// Compile a program once and run it several times, each run with its own
// mounts: here a Go fs.FS, read-only, at /data.
func ExampleRuntime_RunModule() {
	ctx := context.Background()
	wasm, err := os.ReadFile("../examples/hello/hello.wasm")
	if err != nil {
		log.Fatal(err)
	}
	rt, err := host.NewRuntime(ctx, host.RuntimeConfig{})
	if err != nil {
		log.Fatal(err)
	}
	defer rt.Close(ctx)

	mod, err := rt.Compile(ctx, wasm)
	if err != nil {
		log.Fatal(err)
	}
	defer mod.Close(ctx)
	fmt.Println("ABI:", mod.ABI())

	data := fstest.MapFS{"greeting.txt": {Data: []byte("hi\n")}}
	for i := range 2 {
		code, err := rt.RunModule(ctx, mod, host.Config{
			Args:   []string{"hello", fmt.Sprint(i)},
			Mounts: []host.Mount{{GuestPath: "/data", FS: data}},
			Cwd:    "/data",
		})
		fmt.Println("run", i, "exit code", code, err)
	}
	// Output:
	// ABI: wasix-current
	// run 0 exit code 0 <nil>
	// run 1 exit code 0 <nil>
}

// A program that traps returns a *host.TrapError carrying the wasm stack.
func ExampleTrapError() {
	ctx := context.Background()
	wasm, err := os.ReadFile("testdata/trap.wasm")
	if err != nil {
		log.Fatal(err)
	}
	rt, err := host.NewRuntime(ctx, host.RuntimeConfig{})
	if err != nil {
		log.Fatal(err)
	}
	defer rt.Close(ctx)

	_, err = rt.Run(ctx, wasm, host.Config{Stdout: os.Stdout})
	fmt.Println(err)
	// Output:
	// about to trap
	// wasm error: unreachable
	// wasm stack trace:
	// 	.inner()
	// 	.outer()
	// 	.start()
}
