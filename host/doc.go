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
// Compile a program once with Runtime.Compile to run it many times with
// Runtime.RunModule. A Runtime is safe for concurrent use: runs in several
// goroutines are separate processes.
//
// # Generations
//
// The generation is detected from the program's imports: a program that
// imports nothing from wasix_32v1 is plain WASI (preview1); otherwise each
// wasix_32v1 import keeps the generations that define it with the same core
// signature, and of those left the newest wins. Config.ABI overrides it. A
// call the runtime does not implement yet returns ENOSYS (and traps if it
// never returns, as proc_exit-like calls do), so every program links.
//
// # Files
//
// Every process sees the Runtime's in-memory root (/tmp, /home, /dev with
// null, zero, urandom, stdin, ...) with Config.Mounts laid over it: host
// directories (nothing outside them is reachable), Go fs.FS trees
// (read-only) and fresh in-memory directories. WASIX programs get "/" as
// preopened descriptor 3, and their working directory as 4 when it is not
// "/"; plain WASI
// programs get each mount under its name, as wasmtime gives them, and "/"
// only with Config.PreopenRoot.
//
// # Ending a run
//
// A run ends when the program returns from _start or calls proc_exit (the
// exit code is returned), when a signal ends it (128 plus the signal's
// number), when it traps (a *TrapError carrying the wasm stack), or when
// ctx is done (ctx's error). Ending a program that computes without calling
// the host needs checks compiled into its code, which
// RuntimeConfig.NoComputeInterrupts leaves out for speed.
//
// # The bus
//
// Programs of the seed and 2022 generations open each other as bus
// processes and call topics on them (bus_open_local, bus_call, bus_poll,
// call_reply, ...). Runtime.AddBusService lets Go code serve topics to
// them, Runtime.OpenBus call theirs, and Runtime.SetBusRemote answer
// bus_open_remote; Topic names a topic as the guests hash it.
//
// # Limits and tracing
//
// One program must not be able to exhaust the host, so a Runtime has
// limits, each with a default (the CLI flag in brackets):
//
//   - Config.MaxMemoryPages [--max-memory]: one process's memory; past it
//     memory.grow fails (malloc returns NULL). Default and ceiling: 65,535
//     pages, 4 GiB less one page (a memory of exactly 4 GiB traps on every
//     access in wazero).
//   - Config.MaxThreads [--max-threads]: threads of one process (512);
//     thread_spawn past it gets EAGAIN.
//   - RuntimeConfig.MaxProcs [--max-procs]: processes running at once
//     (512); fork and spawn past it get EAGAIN.
//   - RuntimeConfig.MaxHostFDs [--max-host-fds]: host descriptors of all
//     processes (sockets, files of host mounts); default half of
//     RLIMIT_NOFILE, at most 65,536; opens past it get ENFILE.
//   - RuntimeConfig.MaxFDs [--max-fds]: descriptors of one process (1024);
//     EMFILE.
//   - RuntimeConfig.MaxMemFSBytes [--max-memfs]: file contents of the
//     in-memory root and of each in-memory mount (512 MiB); ENOSPC.
//   - One read or write moves at most 0x7ffff000 bytes, as on Linux, so
//     its count never wraps.
//
// Every way a process ends (an exit or a trap in any thread, a fatal
// signal, the run's context, Runtime.Close) also ends threads blocked in
// the program's own memory.atomic.wait32/64 (pthread_join, mutexes): the
// runtime rewrites those instructions into host calls when it compiles a
// program with a shared memory. Calls into a Runtime during or after its
// Close fail with ErrClosed.
//
// Config.Trace receives one line per call, strace-style:
//
//	[1] path_open(fd=3, dirflags=0x1, path="notes.txt", oflags=0x0, ...) = 0 (success) 14µs
package host
