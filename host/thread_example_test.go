package host_test

import (
	"context"
	"fmt"
	"os"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/host"
)

// A program that registered a signal handler gets the signals of
// Config.Signals; here the handler of the thread guest exits with 40+n
// once the program says it is waiting.
func ExampleConfig_signals() {
	ctx := context.Background()
	rt, err := host.NewRuntime(ctx, host.RuntimeConfig{})
	if err != nil {
		panic(err)
	}
	defer rt.Close(ctx)
	wasm, err := os.ReadFile("../testdata/guests/threads/bin/threads_current.wasm")
	if err != nil {
		panic(err)
	}

	out := &readyWriter{ready: make(chan struct{})}
	sigs := make(chan wasix.Signal, 1)
	go func() {
		<-out.ready
		sigs <- wasix.SignalInt
	}()
	code, err := rt.Run(ctx, wasm, host.Config{
		Args:       []string{"threads", "wait-signal", "handler"},
		Stdout:     out,
		Signals:    sigs,
		MaxThreads: 16,
	})
	fmt.Println(code, err)
	// Output: 42 <nil>
}
