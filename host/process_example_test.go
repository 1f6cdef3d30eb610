package host_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/wasix-go/wasix/host"
)

// Register commands, then run a shell whose pipeline forks and execs
// them. The box program picks its tool by the name it is run as.
func ExampleRuntime_AddCommand() {
	ctx := context.Background()
	box, err := os.ReadFile("../testdata/guests/shell/bin/box.wasm")
	if err != nil {
		log.Fatal(err)
	}
	sh, err := os.ReadFile("../testdata/guests/shell/bin/sh.wasm")
	if err != nil {
		log.Fatal(err)
	}
	rt, err := host.NewRuntime(ctx, host.RuntimeConfig{})
	if err != nil {
		log.Fatal(err)
	}
	defer rt.Close(ctx)
	for _, name := range []string{"seq", "wc", "echo"} {
		if err := rt.AddCommand(ctx, name, box); err != nil {
			log.Fatal(err)
		}
	}
	code, err := rt.Run(ctx, sh, host.Config{
		Args:   []string{"sh", "-c", "seq 1 1000 | wc -l; echo $?"},
		Stdout: os.Stdout,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("exit code", code)
	// Output:
	// 1000
	// 0
	// exit code 0
}
