// Command wasix runs WebAssembly programs built for WASI preview1 or WASIX.
//
//	wasix run [flags] FILE.wasm [--] [ARGS...]
//	wasix inspect FILE.wasm
//	wasix cache dir|size|list|clear|prune
//	wasix version
//	wasix help
//
// Run "wasix help" for the flags.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	wasixapi "github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/host"
	"github.com/wasix-go/wasix/internal/compcache"
	"github.com/wasix-go/wasix/internal/wasmbin"
)

func main() {
	growStack()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// growStack grows the calling goroutine's stack to what a run needs while
// the stack is still shallow. Grown deep down instead, a step at a time,
// each copy walks every frame above, and finding their stack maps reads
// cold parts of the binary's tables: about a millisecond of a C hello's
// start, and 1 MiB of its RSS.
//
//go:noinline
func growStack() {
	var frame [stackNeed]byte
	touchFrame(&frame)
}

//go:noinline
func touchFrame(f *[stackNeed]byte) { f[0] = 1 }

// stackNeed makes the stack grow to 16 KiB, about what a run of a program
// takes in the goroutines that compile and run it. (The frame is zeroed,
// which touches its pages: no bigger than needed.)
const stackNeed = 12 << 10

// Exit statuses of the CLI itself, apart from a guest's own.
const (
	exitUsage   = 2   // bad command line
	exitFailure = 1   // the program could not be started
	exitTrap    = 134 // the program trapped, as a C program killed by SIGABRT
	exitCancel  = 130 // interrupted by Ctrl-C, as a shell reports SIGINT
)

// interruptGrace is how long wasix waits for a program to end after Ctrl-C.
const interruptGrace = time.Second

// forwardDelay is how far into a run Ctrl-C starts to reach a program that
// cannot catch signals (see runCmd): short programs end before it.
const forwardDelay = 20 * time.Millisecond

const usage = `wasix runs WebAssembly programs built for WASI (preview1) or WASIX.

Usage:
  wasix run [flags] FILE.wasm [--] [ARGS...]   run a program
  wasix inspect FILE.wasm                      describe a program: its ABI and why,
                                               imports, exports, memory, cache
  wasix cache dir|size|list|clear|prune        show or empty the compile cache
                                               (flags: --cache-dir, --cache-max)
  wasix version                                print the version
  wasix help                                   print this help

`

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		fmt.Fprint(stderr, "Run \"wasix help\" for the flags of wasix run.\n")
		return exitUsage
	}
	switch args[0] {
	case "run":
		return runCmd(args[1:], stdin, stdout, stderr)
	case "inspect":
		return inspectCmd(args[1:], stdout, stderr)
	case "cache":
		return cacheCmd(args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, versionString())
		return 0
	case "help", "--help", "-help", "-h":
		fmt.Fprint(stdout, usage)
		fmt.Fprint(stdout, runHelp)
		return 0
	}
	fmt.Fprintf(stderr, "wasix: unknown command %q; the commands are run, inspect, cache, version and help\n", args[0])
	return exitUsage
}

// versionString names this build and the wazero it runs on.
func versionString() string {
	v, wz := "(devel)", "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, d := range bi.Deps {
			if d.Path == "github.com/tetratelabs/wazero" {
				wz = d.Version
			}
		}
	}
	return fmt.Sprintf("wasix %s (wazero %s; ABIs: preview1, wasi_unstable, wasix-2022, wasix-seed, wasix-current)", v, wz)
}

func runCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, rest, err := parseRunFlags(args)
	if errors.Is(err, errHelp) {
		fmt.Fprint(stdout, runHelp)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "wasix run: %v\n", err)
		return exitUsage
	}
	if len(rest) == 0 {
		fmt.Fprint(stderr, "wasix run: which program? Usage: wasix run [flags] FILE.wasm [--] [ARGS...]\n")
		return exitUsage
	}
	file, guestArgs := rest[0], rest[1:]
	if len(guestArgs) > 0 && guestArgs[0] == "--" {
		guestArgs = guestArgs[1:]
	}
	wasm, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "wasix run: %v\n", err)
		return exitFailure
	}

	cfg, closeTrace, err := o.config(file, guestArgs, stdin, stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "wasix run: %v\n", err)
		return exitUsage
	}
	defer closeTrace()

	// Ctrl-C sends SIGINT to the program: its handler runs, or the default
	// action ends it with status 130. A second Ctrl-C cancels the run. The
	// runtime is built without the checks that let the end of a program
	// stop a thread that is computing (they slow it down several times), so
	// once the program has ended, or been cancelled, wasix waits only a
	// little for its threads.
	guestSigs := make(chan wasixapi.Signal, 1)
	ended := make(chan uint32, 1)
	cfg.Signals = guestSigs
	cfg.OnExit = func(code uint32) { ended <- code }
	// A dynamically linked program finds the libraries beside it ($ORIGIN).
	cfg.Origin = host.DirFS(filepath.Dir(file))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Forwarding takes os/signal, whose set-up starts two OS threads (half a
	// millisecond, a good part of a short program's start): it begins at
	// once for a program that can catch SIGINT, and only forwardDelay into
	// the run for one that cannot, whose default action ends it anyway.
	// A Ctrl-C before then ends wasix at once, as it would end the program.
	sigs := make(chan os.Signal, 2)
	var forwardOnce sync.Once
	forward := func() { forwardOnce.Do(func() { signal.Notify(sigs, os.Interrupt) }) }
	forwardLater := time.AfterFunc(forwardDelay, forward)
	defer func() {
		forwardLater.Stop()
		forwardOnce.Do(func() {}) // waits for a Notify under way; no later one
		signal.Stop(sigs)
	}()

	netc := o.netConfig(cfg.Trace)
	if netc != nil {
		netc.TLS = tlsClient(stderr)
	}
	rt, err := host.NewRuntime(ctx, host.RuntimeConfig{CacheDir: o.cacheDir, NoComputeInterrupts: true, Net: netc,
		MaxProcs: o.maxProcs, MaxHostFDs: o.maxHostFDs, MaxFDs: o.maxFDs, MaxMemFSBytes: o.maxMemFS,
		StrictImports: o.strictImports, DebugInfo: o.debugInfo})
	if err != nil {
		fmt.Fprintf(stderr, "wasix run: %v\n", err)
		return exitFailure
	}
	defer rt.Close(context.Background())
	// Entries the run adds to the compile cache are filed under the
	// program, and the cache is trimmed to its limit, once it has ended.
	if cache := o.diskCache(); cache != nil {
		before := cache.Snapshot()
		defer func() {
			// The program is hashed (its key in the index) only when
			// there is something to record: after a compile, or at most
			// once a minute to mark it used.
			if !cache.Fresh(file, before) {
				_ = cache.Record(compcache.Sum(wasm), file, before)
			}
		}()
	}
	for name, file := range o.commands {
		b, err := os.ReadFile(file)
		if err == nil {
			prog := compcache.StartProgress(stderr, "compiling "+file)
			err = rt.AddCommand(ctx, name, b)
			prog.Done()
		}
		if err != nil {
			fmt.Fprintf(stderr, "wasix run: --command %s: %v\n", name, err)
			return exitFailure
		}
	}
	prog := compcache.StartProgress(stderr, "compiling "+file)
	m, err := rt.Compile(ctx, wasm)
	prog.Done()
	if err != nil {
		fmt.Fprintf(stderr, "wasix run: %s: %v\n", file, err)
		return exitFailure
	}
	defer m.Close(context.Background())
	if m.CatchesSignals() {
		forward()
	}
	if o.cwd != "" && o.cwd != "/" && ignoresCwd(m, wasm, o.abi) {
		fmt.Fprintf(stderr, "wasix run: note: %s is a plain WASI program whose libc starts in \"/\" whatever --cwd says "+
			"(PWD is set, but only Go and WASIX programs follow it)\n", file)
	}

	type outcome struct {
		code uint32
		err  error
	}
	done := make(chan outcome, 1)
	go func() {
		growStack()
		code, err := rt.RunModule(ctx, m, cfg)
		done <- outcome{code, err}
	}()
	var res outcome
	select {
	case res = <-done:
	case <-sigs:
		guestSigs <- wasixapi.SignalInt
		select {
		case res = <-done:
		case code := <-ended:
			select {
			case res = <-done:
			case <-time.After(interruptGrace):
				res.code = code
			}
		case <-sigs:
			cancel()
			select {
			case res = <-done:
			case <-sigs:
				res.err = context.Canceled
			case <-time.After(interruptGrace):
				res.err = context.Canceled
			}
		}
	}
	code, err := res.code, res.err
	var trap *host.TrapError
	switch {
	case err == nil:
		return int(code)
	case errors.As(err, &trap):
		fmt.Fprintf(stderr, "wasix run: %s trapped: %v\n", file, trap)
		if !o.debugInfo && hasDWARFLines(wasm) {
			fmt.Fprintln(stderr, "wasix run: --debug-info shows the source lines of this stack")
		}
		return exitTrap
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		fmt.Fprintf(stderr, "wasix run: %s interrupted\n", file)
		return exitCancel
	}
	fmt.Fprintf(stderr, "wasix run: %s: %v\n", file, err)
	return exitFailure
}

// defaultCacheDir is where compiled code is kept unless --cache-dir says
// otherwise; empty (no cache) if the user has no cache directory.
func defaultCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "wasix")
}

// ignoresCwd reports whether a program cannot start in another working
// directory than "/": plain WASI programs other than Go's, whose libc
// (wasi-libc, Rust's std through it) has no way to learn one. Go's wasip1
// runtime reads PWD; WASIX libcs ask the runtime with getcwd.
func ignoresCwd(m *host.Module, wasm []byte, forced host.ABI) bool {
	gen := m.ABI()
	if forced != host.ABIAuto {
		gen = forced
	}
	if gen != host.ABIPreview1 {
		return false
	}
	return !isGoProgram(wasm)
}

// isGoProgram reports whether Go's linker built the binary, which it marks
// with a "go:buildid" custom section.
func isGoProgram(wasm []byte) bool {
	s, err := wasmbin.Summarize(wasm)
	return err == nil && slices.Contains(s.CustomSections, "go:buildid")
}

// splitEnv reports whether s is KEY=VALUE with a non-empty KEY.
func splitEnv(s string) bool {
	k, _, ok := strings.Cut(s, "=")
	return ok && k != ""
}

// hasDWARFLines reports whether the program has a DWARF line table,
// which --debug-info would turn into source lines.
func hasDWARFLines(wasm []byte) bool {
	sum, err := wasmbin.Summarize(wasm)
	return err == nil && slices.Contains(sum.CustomSections, ".debug_line")
}
