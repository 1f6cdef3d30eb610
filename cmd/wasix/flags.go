package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/wasix-go/wasix/host"
	"github.com/wasix-go/wasix/internal/compcache"
	"github.com/wasix-go/wasix/internal/hostnet"
	"github.com/wasix-go/wasix/internal/tlsproc"
)

const runHelp = `Usage: wasix run [flags] FILE.wasm [--] [ARGS...]

Runs FILE.wasm, a WASI (preview1) or WASIX program of any generation, with
ARGS as its arguments. Flags come before FILE; everything after FILE goes to
the program. The exit status is the program's; a trap prints the wasm stack
and exits 134; Ctrl-C sends SIGINT to the program (whose default action ends
it with status 130), a second one ends the run.

Flags (each may be written -flag or --flag, with a value after "=" or a space):
  --dir DIR[:ro]       Make the host directory DIR visible to the program: an
                       absolute DIR at the same path, a relative one under "/"
                       as if "/" were the current directory ("--dir data" is
                       /data, "--dir ../x/src" is /x/src, "--dir ." is /).
                       ":ro" mounts it read-only. Repeatable.
  --mapdir GUEST:HOST[:ro]
                       Make the host directory HOST visible at the guest path
                       GUEST; ":ro" mounts it read-only. Repeatable.
  --env KEY=VALUE      Set an environment variable of the program. Repeatable.
                       Nothing of wasix's own environment is passed otherwise.
  --env-inherit        Pass wasix's whole environment to the program (--env
                       entries win).
  --argv0 NAME         The program's name, argv[0] (default: FILE as given).
  --cwd DIR            The program's working directory, a guest path
                       (default: /); PWD is set to it unless --env sets PWD.
                       WASIX programs and Go programs start there; plain WASI
                       C and Rust programs (wasi-libc) always start in "/",
                       and wasix says so when --cwd is given.
  --net                Give the program the host's network (sockets, name
                       lookups). Without it, socket calls fail with EACCES.
                       The https and wss of http_request and ws_connect run
                       through the helper command wasix-tls, beside wasix or
                       on PATH.
  --net-allow RULES    Allow only what these comma-separated rules match
                       (implies --net). Repeatable. A rule is [ops=]target,
                       ops a "+"-joined subset of connect, bind, resolve
                       (default: all), target one of 10.0.0.0/8,
                       127.0.0.1:8080, 10.0.0.1:8000-8999, [::1]:80, *:443, *,
                       a host name pattern (*.example.com) or unix:/host/path
                       (unix socket paths, and abstract names as
                       unix:@name, are refused without such a rule).
  --net-deny RULES     Refuse what these rules match, even if allowed
                       (implies --net). Repeatable.
  --net-loopback       Allow only 127.0.0.0/8, ::1 and "localhost" (implies
                       --net). Refusals are EACCES; with --trace, each one
                       also writes a "net: ... denied: REASON" line.
  --command NAME=FILE.wasm
                       Make FILE.wasm runnable by NAME from the program
                       (exec, spawn, and as /bin/NAME). Repeatable.
  --abi GEN            Run as ABI generation GEN instead of detecting it from
                       the program's imports: preview1, wasix-2022, wasix-seed
                       or wasix-current ("wasix inspect FILE" shows which).
  --strict-imports     Refuse a program importing a call of wasix_32v1 or
                       wasi_snapshot_preview1 that no generation known here
                       defines. Without it such calls fail with ENOSYS (or
                       trap, when they have no errno result) and a warning
                       line names each.
  --trace[=FILE]       Write one line per call the program makes, as strace
                       does (strings quoted, flags and errnos by name, long
                       data cut with its length, then result and duration)
                       to FILE, or to stderr. The file needs the "=": a word
                       after --trace is FILE.wasm.
  --trace-filter GLOBS Trace only the calls whose names match one of these
                       comma-separated globs (fd_*,path_open); implies --trace.
  --max-threads N      Let the program run at most N threads, the main one
                       included (default 512); spawning more fails with EAGAIN.
  --max-memory SIZE    Let the program's memory grow to at most SIZE (bytes,
                       or with a unit: 512MiB, 1GiB; K, M, G are binary too),
                       rounded down to 64 KiB pages (default and most: 4 GiB
                       less one page); past it memory.grow fails and malloc
                       returns NULL.
  --max-procs N        Let at most N processes run at once, the program and
                       the children it forks or spawns (default 512); fork
                       and spawn past it fail with EAGAIN.
  --max-host-fds N     Let all processes hold at most N host descriptors
                       together: sockets, files of --dir mounts (default:
                       half of wasix's RLIMIT_NOFILE, at most 65536); opens
                       past it fail with ENFILE.
  --max-fds N          Let each process hold at most N descriptors (default
                       1024); opens past it fail with EMFILE.
  --max-memfs SIZE     Bound the in-memory filesystem (/tmp, /home, ...) to
                       SIZE of file contents (default 512MiB; 0: no bound);
                       writes past it fail with ENOSPC.
  --cache-dir DIR      Keep compiled code in DIR (default: the user cache
                       directory's wasix, e.g. ~/.cache/wasix); --cache-dir=""
                       turns the cache off. "wasix cache" shows and empties it.
  --cache-max SIZE     Keep the cache within SIZE (default 1GiB; 0: no limit),
                       evicting the least recently used programs first, when
                       a run adds to the cache or records a use (at most once
                       a minute per program); "wasix cache prune" trims now.
  --debug-info         Read the program's DWARF so that a trap's stack shows
                       source files and lines. Off by default, as it slows
                       every start of a program carrying DWARF (wasixcc's
                       output does, even without -g); code compiled with it
                       is not kept in the cache.
  --help               Print this help.

Examples (from the repository's root):
  wasix run examples/hello/hello.wasm
  wasix run --dir . --env HOME=/ examples/hello/hello.wasm -- -v input.txt
  wasix run --dir testdata/guests/cli:ro testdata/guests/cli/bin/probe_go.wasm cat testdata/guests/cli/hello.txt
  wasix run --mapdir /data:testdata/guests/cli --cwd /data --trace-filter 'path_*' testdata/guests/cli/bin/probe_go.wasm cat hello.txt
`

// errHelp is returned by parseRunFlags for --help.
var errHelp = errors.New("help")

// runOptions is the parsed command line of wasix run.
type runOptions struct {
	mounts     []host.Mount
	env        []string
	envInherit bool
	argv0      string
	cwd        string
	net        bool
	netAllow   []string
	netDeny    []string
	netLoop    bool
	// commands maps names to .wasm files runnable by name (exec, spawn,
	// /bin/NAME).
	commands map[string]string
	abi      host.ABI
	trace    traceFlag
	// traceFilter holds globs of the call names to trace.
	traceFilter []string
	cacheDir    string
	cacheMax    int64 // bytes; 0 is no limit
	// maxThreads bounds the program's threads; 0 is the runtime's default.
	maxThreads int
	// The limits of limits.go: 0 is the runtime's default.
	maxMemoryPages uint32
	maxProcs       int
	maxHostFDs     int
	maxFDs         int
	maxMemFS       int64
	// strictImports refuses calls no generation defines (issue 10).
	strictImports bool
	// debugInfo reads DWARF for source lines in traps, without the disk cache.
	debugInfo bool
}

// listFlag is a repeatable flag whose values are checked by parse.
type listFlag struct {
	parse func(string) error
	err   *error // where the last failure is kept, to print it alone
}

// String is empty: the flag package shows no default for a list.
func (l listFlag) String() string { return "" }

// Set checks and records one value.
func (l listFlag) Set(s string) error {
	if err := l.parse(s); err != nil {
		*l.err = err
		return err
	}
	return nil
}

// traceFlag is --trace (to stderr) or --trace=FILE.
type traceFlag struct {
	on   bool
	file string
}

// String is empty: tracing is off by default.
func (t *traceFlag) String() string { return "" }

// IsBoolFlag lets --trace stand without a value.
func (t *traceFlag) IsBoolFlag() bool { return true }

// Set turns tracing on; a value other than "true" names the file.
func (t *traceFlag) Set(s string) error {
	t.on = true
	if s != "true" {
		t.file = s
	}
	return nil
}

// parseRunFlags parses the flags of wasix run and returns the arguments
// after them: FILE.wasm and the program's arguments.
func parseRunFlags(args []string) (*runOptions, []string, error) {
	o := &runOptions{commands: map[string]string{}, cacheDir: defaultCacheDir(), cacheMax: compcache.DefaultMax}
	var lastErr error
	fs := flag.NewFlagSet("wasix run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}

	fs.Var(listFlag{err: &lastErr, parse: func(s string) error {
		s, ro := cutReadOnly(s)
		if s == "" {
			return errors.New("--dir wants a host directory, got an empty string")
		}
		o.mounts = append(o.mounts, host.Mount{GuestPath: dirGuestPath(s), HostDir: s, ReadOnly: ro})
		return nil
	}}, "dir", "")
	fs.Var(listFlag{err: &lastErr, parse: func(s string) error {
		spec, ro := cutReadOnly(s)
		guest, hostDir, ok := strings.Cut(spec, ":")
		if !ok || guest == "" || hostDir == "" {
			return fmt.Errorf("--mapdir wants GUEST:HOST[:ro], got %q", s)
		}
		o.mounts = append(o.mounts, host.Mount{GuestPath: path.Clean("/" + guest), HostDir: hostDir, ReadOnly: ro})
		return nil
	}}, "mapdir", "")
	fs.Var(listFlag{err: &lastErr, parse: func(s string) error {
		if !splitEnv(s) {
			return fmt.Errorf("--env wants KEY=VALUE, got %q", s)
		}
		o.env = append(o.env, s)
		return nil
	}}, "env", "")
	fs.BoolVar(&o.envInherit, "env-inherit", false, "")
	fs.StringVar(&o.argv0, "argv0", "", "")
	fs.StringVar(&o.cwd, "cwd", "", "")
	fs.BoolVar(&o.net, "net", false, "")
	fs.Var(listFlag{err: &lastErr, parse: func(s string) error {
		if _, err := hostnet.ParseRules(s); err != nil {
			return fmt.Errorf("--net-allow: %v", err)
		}
		o.netAllow = append(o.netAllow, s)
		return nil
	}}, "net-allow", "")
	fs.Var(listFlag{err: &lastErr, parse: func(s string) error {
		if _, err := hostnet.ParseRules(s); err != nil {
			return fmt.Errorf("--net-deny: %v", err)
		}
		o.netDeny = append(o.netDeny, s)
		return nil
	}}, "net-deny", "")
	fs.BoolVar(&o.netLoop, "net-loopback", false, "")
	fs.IntVar(&o.maxThreads, "max-threads", 0, "")
	limitFlags(fs, o, &lastErr)
	fs.Var(listFlag{err: &lastErr, parse: func(s string) error {
		name, file, ok := strings.Cut(s, "=")
		if !ok || name == "" || file == "" || strings.Contains(name, "/") {
			return fmt.Errorf("--command wants NAME=FILE.wasm, got %q", s)
		}
		o.commands[name] = file
		return nil
	}}, "command", "")
	fs.Var(listFlag{err: &lastErr, parse: func(s string) error {
		switch host.ABI(s) {
		case host.ABIPreview1, host.ABIWasix2022, host.ABIWasixSeed, host.ABIWasixCurrent:
			o.abi = host.ABI(s)
			return nil
		}
		return fmt.Errorf("--abi wants preview1, wasix-2022, wasix-seed or wasix-current, got %q", s)
	}}, "abi", "")
	fs.Var(&o.trace, "trace", "")
	fs.Var(listFlag{err: &lastErr, parse: func(s string) error {
		for _, g := range strings.Split(s, ",") {
			if _, err := path.Match(g, ""); err != nil || g == "" {
				return fmt.Errorf("--trace-filter wants comma-separated globs of call names, got %q", s)
			}
			o.traceFilter = append(o.traceFilter, g)
		}
		return nil
	}}, "trace-filter", "")
	fs.StringVar(&o.cacheDir, "cache-dir", o.cacheDir, "")
	fs.Var(listFlag{err: &lastErr, parse: func(s string) error {
		n, err := compcache.ParseSize(s)
		if err != nil {
			return fmt.Errorf("--cache-max: %v", err)
		}
		o.cacheMax = n
		return nil
	}}, "cache-max", "")
	fs.BoolVar(&o.strictImports, "strict-imports", false, "")
	fs.BoolVar(&o.debugInfo, "debug-info", false, "")

	if err := fs.Parse(args); err != nil {
		switch {
		case errors.Is(err, flag.ErrHelp):
			return nil, nil, errHelp
		case lastErr != nil:
			return nil, nil, lastErr
		}
		return nil, nil, explainFlagError(err)
	}
	return o, fs.Args(), nil
}

// cutReadOnly strips a ":ro" suffix, which mounts a directory read-only.
func cutReadOnly(s string) (string, bool) {
	if rest, ok := strings.CutSuffix(s, ":ro"); ok {
		return rest, true
	}
	return s, false
}

// dirGuestPath is where --dir DIR shows DIR: an absolute DIR at its own
// path, a relative one under "/" as if the program's "/" were the
// directory wasix runs in. A ".." climbing above it stops at "/", as it
// does in the guest: "--dir ../x/src" is /x/src, "--dir ." is /.
func dirGuestPath(dir string) string {
	return path.Clean("/" + filepath.ToSlash(dir))
}

// diskCache is the run's compile cache, nil when it is off.
func (o *runOptions) diskCache() *compcache.Cache {
	if o.cacheDir == "" || o.debugInfo {
		return nil
	}
	return &compcache.Cache{Dir: o.cacheDir, Max: o.cacheMax}
}

// explainFlagError rewrites the flag package's messages in the CLI's terms.
func explainFlagError(err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return fmt.Errorf("unknown flag %s; \"wasix run --help\" lists the flags (flags go before FILE.wasm)", name)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return fmt.Errorf("flag %s needs a value, as in %s=VALUE", name, name)
	}
	return err
}

// config builds the run's configuration. The returned function closes a
// trace file.
func (o *runOptions) config(file string, args []string, stdin io.Reader, stdout, stderr io.Writer) (host.Config, func(), error) {
	argv0 := file
	if o.argv0 != "" {
		argv0 = o.argv0
	}
	var env []string
	if o.envInherit {
		env = append(env, os.Environ()...)
	}
	// PWD always names the working directory: Go's wasip1 runtime learns
	// it only from PWD and otherwise takes its first preopen.
	cwd := o.cwd
	if cwd == "" {
		cwd = "/"
	}
	env = append(env, "PWD="+cwd)
	env = append(env, o.env...) // dedupEnv keeps the last of each key
	cfg := host.Config{
		Args:   append([]string{argv0}, args...),
		Env:    dedupEnv(env),
		Stdin:  stdin,
		Stdout: stdout,
		Stderr: stderr,
		Mounts: o.mounts,
		Cwd:    o.cwd,
		ABI:    o.abi,

		MaxThreads:     o.maxThreads,
		MaxMemoryPages: o.maxMemoryPages,
	}
	// A plain WASI program also gets "/" (the runtime's root, with /tmp
	// and /dev) unless a mount is there: without it Go's os.Getwd cannot
	// stat "/" and a --cwd outside the mounts is unreachable. Libcs pick
	// the longest preopen matching a path, so the mounts still win.
	cfg.PreopenRoot = true
	for _, m := range o.mounts {
		if m.GuestPath == "/" {
			cfg.PreopenRoot = false
		}
	}
	if o.cwd != "" && !path.IsAbs(o.cwd) {
		return cfg, nil, fmt.Errorf("--cwd wants an absolute guest path, got %q", o.cwd)
	}
	closeTrace := func() {}
	if o.trace.on || len(o.traceFilter) > 0 {
		cfg.Trace = stderr
		cfg.TraceFilter = o.traceFilter
		if o.trace.file != "" {
			f, err := os.Create(o.trace.file)
			if err != nil {
				return cfg, nil, fmt.Errorf("--trace: %v", err)
			}
			w := bufio.NewWriter(f)
			cfg.Trace = w
			closeTrace = func() { w.Flush(); f.Close() }
		}
	}
	return cfg, closeTrace, nil
}

// netConfig returns the network of the run, nil without --net or one of
// the --net-* flags; refusals are written to trace, if not nil.
func (o *runOptions) netConfig(trace io.Writer) *host.NetConfig {
	if !o.net && !o.netLoop && len(o.netAllow) == 0 && len(o.netDeny) == 0 {
		return nil
	}
	return &host.NetConfig{LoopbackOnly: o.netLoop, Allow: o.netAllow, Deny: o.netDeny, Log: trace}
}

// tlsClient is the runtime's default TLS client (the helper wasix-tls)
// saying once on stderr what is missing when the helper is: the program
// itself sees only ENOTSUP.
func tlsClient(stderr io.Writer) func(context.Context, net.Conn, string) (net.Conn, error) {
	var once sync.Once
	return func(ctx context.Context, conn net.Conn, name string) (net.Conn, error) {
		c, err := tlsproc.Client(ctx, conn, name)
		if errors.Is(err, tlsproc.ErrNoHelper) {
			once.Do(func() { fmt.Fprintf(stderr, "wasix run: %v\n", err) })
		}
		return c, err
	}
}

// dedupEnv keeps the last entry of each key, in the order of first
// appearance, so that --env overrides an inherited variable.
func dedupEnv(env []string) []string {
	last := map[string]int{}
	for i, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		last[k] = i
	}
	var out []string
	seen := map[string]bool{}
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, env[last[k]])
	}
	return out
}
