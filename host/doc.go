// Package host runs WebAssembly programs built for WASI preview1 or any
// generation of WASIX (wasix_32v1 as of 2022, the seed's snapshot, today's)
// from a Go program, on wazero.
//
// A Runtime compiles programs and runs them; each run is one process with
// its own arguments, environment, standard streams, mounts and working
// directory, and all processes of a Runtime share one kernel:
//
//	rt, err := host.NewRuntime(ctx, host.RuntimeConfig{})
//	if err != nil { ... }
//	defer rt.Close(ctx)
//	code, err := rt.Run(ctx, wasm, host.Config{
//		Args:   []string{"prog", "-v"},
//		Stdout: os.Stdout,
//		Mounts: []host.Mount{{GuestPath: "/data", HostDir: "./data", ReadOnly: true}},
//	})
//
// The generation is detected from the program's imports (Config.ABI
// overrides it). A WASIX program's imported env.memory is made for each
// run with the limits the program declares, lowered to
// Config.MaxMemoryPages.
//
// A run ends when the program returns from _start or calls proc_exit (the
// exit code is returned), when it traps (a *TrapError carrying the wasm
// stack), or when ctx is cancelled (ctx's error).
package host
