package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/wasix-go/wasix/internal/abi"
	"github.com/wasix-go/wasix/internal/compcache"
	"github.com/wasix-go/wasix/internal/wasmbin"
)

const inspectHelp = `Usage: wasix inspect [--cache-dir DIR] FILE.wasm

Describes FILE.wasm without running or compiling it: the ABI generation
wasix run would run it as and why, its imports by module (and any no
generation provides), the exports that matter to the runtime, its memory,
its size and whether its compiled code is in the cache.
`

// exportsOfNote are the exports the runtime looks for, with what each
// means to it.
var exportsOfNote = []struct{ name, why string }{
	{"_start", "a command: runs from _start"},
	{"_initialize", "a reactor's initializer"},
	{"wasi_thread_start", "entry of threads (thread_spawn_v2, wasi-threads)"},
	{"_start_thread", "entry of threads (2022 thread_spawn)"},
	{"asyncify_start_unwind", "asyncify: fork, setjmp/longjmp and exec can unwind it"},
	{"__wasm_signal", "signal handler entry"},
	{"__wasm_call_ctors", "constructors"},
}

func inspectCmd(args []string, stdout, stderr io.Writer) int {
	dir := defaultCacheDir()
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch a := args[0]; {
		case a == "-h" || a == "--help" || a == "-help":
			fmt.Fprint(stdout, inspectHelp)
			return 0
		case strings.HasPrefix(a, "--cache-dir=") || strings.HasPrefix(a, "-cache-dir="):
			_, dir, _ = strings.Cut(a, "=")
			args = args[1:]
		case (a == "--cache-dir" || a == "-cache-dir") && len(args) > 1:
			dir = args[1]
			args = args[2:]
		default:
			fmt.Fprintf(stderr, "wasix inspect: unknown flag %s\n%s", a, inspectHelp)
			return exitUsage
		}
	}
	if len(args) != 1 {
		fmt.Fprint(stderr, inspectHelp)
		return exitUsage
	}
	file := args[0]
	wasm, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "wasix inspect: %v\n", err)
		return exitFailure
	}
	sum, err := wasmbin.Summarize(wasm)
	if err != nil {
		fmt.Fprintf(stderr, "wasix inspect: %s: %v\n", file, err)
		return exitFailure
	}
	w := &strings.Builder{}
	fmt.Fprintf(w, "file:     %s (%s)\n", file, compcache.FormatSize(int64(len(wasm))))
	if slices.Contains(sum.CustomSections, "go:buildid") {
		fmt.Fprintf(w, "built by: Go (a go:buildid section): reads its working directory from PWD\n")
	}
	describeABI(w, sum.Imports)
	describeImports(w, sum.Imports)
	describeExports(w, sum.Exports)
	describeMemory(w, sum)
	if dir == "" {
		fmt.Fprintf(w, "cache:    off\n")
	} else if p := (&compcache.Cache{Dir: dir}).Lookup(compcache.Sum(wasm)); p != nil {
		fmt.Fprintf(w, "cache:    compiled (%s in %s, last used %s)\n", compcache.FormatSize(p.Size), dir, p.Used.Local().Format("2006-01-02 15:04:05"))
	} else {
		fmt.Fprintf(w, "cache:    not compiled yet (the first run compiles it into %s)\n", dir)
	}
	io.WriteString(stdout, w.String())
	return 0
}

func describeABI(w io.Writer, imports []wasmbin.Import) {
	funcs := abi.FuncImports(imports, "")
	var wasix []abi.Import
	for _, imp := range funcs {
		if imp.Module == abi.ModuleWasix {
			wasix = append(wasix, imp)
		}
	}
	gen, err := abi.Detect(funcs, 0)
	if err != nil {
		fmt.Fprintf(w, "abi:      none detected: %v\n", err)
		return
	}
	fmt.Fprintf(w, "abi:      %s\n", gen)
	if len(wasix) == 0 {
		fmt.Fprintf(w, "  why:    it imports nothing from %s\n", abi.ModuleWasix)
		return
	}
	var fits, not []string
	for _, g := range []abi.Generation{abi.WasixCurrent, abi.WasixSeed, abi.Wasix2022} {
		spec := abi.SpecOf(g)
		var bad []string
		for _, imp := range wasix {
			f := spec.Func(imp.Name)
			switch {
			case f == nil:
				bad = append(bad, imp.Name+" (missing)")
			case !slices.Equal(f.Params, imp.Params) || !slices.Equal(f.Results, imp.Results):
				bad = append(bad, imp.Name+" (other signature)")
			}
		}
		if len(bad) == 0 {
			fits = append(fits, g.String())
		} else {
			if len(bad) > 3 {
				bad = append(bad[:3], fmt.Sprintf("and %d more", len(bad)-3))
			}
			not = append(not, fmt.Sprintf("%s: %s", g, strings.Join(bad, ", ")))
		}
	}
	fmt.Fprintf(w, "  why:    its %d %s imports all fit %s", len(wasix), abi.ModuleWasix, strings.Join(fits, ", "))
	if len(fits) > 1 {
		fmt.Fprintf(w, " (the newest wins a tie)")
	}
	fmt.Fprintln(w)
	for _, n := range not {
		fmt.Fprintf(w, "          not %s\n", n)
	}
}

func describeImports(w io.Writer, imports []wasmbin.Import) {
	byModule := map[string][]string{}
	var unknown []string
	for _, imp := range imports {
		name := imp.Name
		switch imp.Kind {
		case 1:
			name += " (table)"
		case 2:
			name += " (memory)"
		case 3:
			name += " (global)"
		case 4:
			name += " (tag)"
		}
		byModule[imp.Module] = append(byModule[imp.Module], name)
		if !knownImport(imp) {
			unknown = append(unknown, imp.Module+"."+name)
		}
	}
	mods := make([]string, 0, len(byModule))
	for m := range byModule {
		mods = append(mods, m)
	}
	sort.Strings(mods)
	fmt.Fprintf(w, "imports:  %d\n", len(imports))
	for _, m := range mods {
		fmt.Fprintf(w, "  %s (%d): %s\n", m, len(byModule[m]), strings.Join(byModule[m], " "))
	}
	if len(unknown) > 0 {
		fmt.Fprintf(w, "  unknown (no generation provides them): %s\n", strings.Join(unknown, " "))
	}
}

// knownImport reports whether some generation provides imp.
func knownImport(imp wasmbin.Import) bool {
	switch imp.Module {
	case abi.ModuleEnv:
		return imp.Kind == 2 && imp.Name == "memory"
	case abi.ModulePreview1, abi.ModuleUnstable:
		return imp.Kind == 0 && abi.SpecOf(abi.Preview1).Func(imp.Name) != nil
	case abi.ModuleWasiThreads:
		return imp.Kind == 0 && imp.Name == "thread-spawn"
	case abi.ModuleWasix:
		for _, g := range []abi.Generation{abi.WasixCurrent, abi.WasixSeed, abi.Wasix2022} {
			if imp.Kind == 0 && abi.SpecOf(g).Func(imp.Name) != nil {
				return true
			}
		}
	}
	return false
}

func describeExports(w io.Writer, exports []wasmbin.Export) {
	names := map[string]bool{}
	for _, e := range exports {
		names[e.Name] = true
	}
	fmt.Fprintf(w, "exports:  %d\n", len(exports))
	for _, e := range exportsOfNote {
		if names[e.name] {
			fmt.Fprintf(w, "  %-22s %s\n", e.name, e.why)
		}
	}
	if !names["asyncify_start_unwind"] {
		fmt.Fprintf(w, "  (no asyncify exports: fork and setjmp/longjmp return ENOTSUP)\n")
	}
}

func describeMemory(w io.Writer, s *wasmbin.Summary) {
	var l *wasmbin.Limits
	where := "defined"
	for i := range s.Imports {
		if s.Imports[i].Kind == 2 {
			l, where = &s.Imports[i].Limits, "imported from "+s.Imports[i].Module+"."+s.Imports[i].Name
			break
		}
	}
	if l == nil {
		l = s.Memory
	}
	if l == nil {
		fmt.Fprintf(w, "memory:   none\n")
		return
	}
	max := "no maximum"
	if l.HasMax {
		max = fmt.Sprintf("max %d pages (%s)", l.Max, compcache.FormatSize(int64(l.Max)*65536))
	}
	kind := "not shared"
	if l.Shared {
		kind = "shared (threads)"
	}
	if l.Is64 {
		kind += ", 64-bit (refused: wasm32 only)"
	}
	fmt.Fprintf(w, "memory:   %s, %s, min %d pages (%s), %s\n", where, kind, l.Min, compcache.FormatSize(int64(l.Min)*65536), max)
}
