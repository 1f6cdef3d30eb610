package abi

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tetratelabs/wazero/api"

	"github.com/wasix-go/wasix/internal/wasmbin"
)

// Import module names a guest may link against.
const (
	ModulePreview1 = "wasi_snapshot_preview1"
	ModuleUnstable = "wasi_unstable"
	ModuleWasix    = "wasix_32v1"
	ModuleEnv      = "env"
)

// wasixPreference is the order in which generations win a tie: when every
// wasix_32v1 import of a program has the same name and core signature in
// several generations, the program cannot tell them apart and the newest
// reading is the likeliest. The seed sits between the two shipped
// generations because it is a superset of neither but closer to current.
var wasixPreference = []Generation{WasixCurrent, WasixSeed, Wasix2022}

// ParseGeneration returns the generation named s as the --abi flag spells
// it ("preview1", "wasix-2022", "wasix-seed", "wasix-current").
func ParseGeneration(s string) (Generation, error) {
	for _, g := range []Generation{Preview1, Wasix2022, WasixSeed, WasixCurrent} {
		if g.String() == s {
			return g, nil
		}
	}
	return 0, fmt.Errorf("unknown ABI %q: want preview1, wasix-2022, wasix-seed or wasix-current", s)
}

// FuncImport is what detection reads of an imported function: wazero's
// api.FunctionDefinition has it, and so has Import.
type FuncImport interface {
	Import() (module, name string, isImport bool)
	ParamTypes() []api.ValueType
	ResultTypes() []api.ValueType
}

// Import is an imported function as the runtime reads it from a binary
// itself: wazero's definitions of a compiled module describe every
// function of it at the first question, tens of milliseconds for a large
// program at each start.
type Import struct {
	Module, Name    string
	Params, Results []api.ValueType
}

func (i Import) Import() (module, name string, isImport bool) { return i.Module, i.Name, true }
func (i Import) ParamTypes() []api.ValueType                  { return i.Params }
func (i Import) ResultTypes() []api.ValueType                 { return i.Results }

// FuncImports returns the functions among imps (a binary's imports, as
// wasmbin reads them), but those of module skip.
func FuncImports(imps []wasmbin.Import, skip string) []Import {
	var out []Import
	for _, im := range imps {
		if im.Kind == 0 && im.Module != skip {
			out = append(out, Import{Module: im.Module, Name: im.Name, Params: valueTypes(im.Type.Params), Results: valueTypes(im.Type.Results)})
		}
	}
	return out
}

// valueTypes converts value types: wazero's are the same bytes.
func valueTypes(ts []wasmbin.ValType) []api.ValueType {
	if len(ts) == 0 {
		return nil
	}
	out := make([]api.ValueType, len(ts))
	for i, t := range ts {
		out[i] = api.ValueType(t)
	}
	return out
}

// Detect picks the generation a program was built for from the functions
// it imports, or checks the imports against override when it is not zero.
//
// A program importing nothing from wasix_32v1 is Preview1. Otherwise each
// wasix_32v1 import narrows the candidates to the generations that define
// that name with the identical core signature; of those left at the end
// the preferred one wins (current, then seed, then 2022). Imports of the
// preview1 modules are checked against preview1. The error for an import
// no candidate satisfies names it with its signature and says what each
// generation lacks or expects instead.
func Detect[F FuncImport](imports []F, override Generation) (Generation, error) {
	gen, unknown, err := DetectLenient(imports, override)
	if err == nil && len(unknown) > 0 {
		return 0, unknown[0].err(override)
	}
	return gen, err
}

// UnknownImport is an import of wasix_32v1, wasi_snapshot_preview1 or
// wasi_unstable whose name no generation of the runtime defines: a call of
// a newer ABI. Link gives it a stub (see Link).
type UnknownImport struct {
	Module, Name    string
	Params, Results []api.ValueType
}

// String names the import with its signature.
func (u UnknownImport) String() string {
	return u.Module + "." + u.Name + signature(u.Params, u.Results)
}

// err is what strict detection says about u.
func (u UnknownImport) err(override Generation) error {
	if u.Module != ModuleWasix {
		return fmt.Errorf("the program imports %s, which %s does not define", u, Preview1)
	}
	gens := wasixPreference
	if override != 0 {
		gens = []Generation{override}
	}
	var lines []string
	for _, g := range gens {
		lines = append(lines, fmt.Sprintf("%s lacks it", g))
	}
	return fmt.Errorf("the program imports %s: %s", u, strings.Join(lines, "; "))
}

// DetectLenient is Detect for a runtime that links calls it does not know
// to stubs: it also returns the imports whose names no generation defines,
// leaving them out of detection, instead of failing on them. A known name
// with another signature is still an error. A program whose wasix_32v1
// imports are all unknown is taken as the newest generation.
func DetectLenient[F FuncImport](imports []F, override Generation) (Generation, []UnknownImport, error) {
	var wasix []FuncImport
	usesPreview1 := false
	var unknown []UnknownImport
	for _, fn := range imports {
		module, name, _ := fn.Import()
		if knownNowhere(module, name) {
			unknown = append(unknown, UnknownImport{Module: module, Name: name, Params: fn.ParamTypes(), Results: fn.ResultTypes()})
			continue
		}
		switch module {
		case ModulePreview1, ModuleUnstable:
			usesPreview1 = true
			if err := checkImport(SpecOf(Preview1), fn); err != nil {
				return 0, nil, err
			}
		case ModuleWasix:
			wasix = append(wasix, fn)
		case ModuleWasiThreads:
			if !isWasiThreadSpawn(module, name, fn.ParamTypes(), fn.ResultTypes()) {
				return 0, nil, fmt.Errorf("the program imports %s.%s%s; the wasi-threads module provides only %s(i32) -> i32",
					module, name, signature(fn.ParamTypes(), fn.ResultTypes()), wasiThreadSpawn)
			}
		default:
			return 0, nil, fmt.Errorf("the program imports %s.%s%s, but this runtime provides only the modules %s, %s, %s and the memory %s.memory",
				module, name, signature(fn.ParamTypes(), fn.ResultTypes()), ModulePreview1, ModuleUnstable, ModuleWasix, ModuleEnv)
		}
	}

	if override != 0 {
		if override == Preview1 {
			for _, u := range unknown {
				if u.Module == ModuleWasix {
					return 0, nil, fmt.Errorf("--abi preview1: the program imports %s.%s, a WASIX call", u.Module, u.Name)
				}
			}
			if len(wasix) > 0 {
				m, n, _ := wasix[0].Import()
				return 0, nil, fmt.Errorf("--abi preview1: the program imports %s.%s, a WASIX call", m, n)
			}
			return Preview1, unknown, nil
		}
		spec := SpecOf(override)
		if spec == nil {
			return 0, nil, fmt.Errorf("unknown ABI generation %d", override)
		}
		for _, fn := range wasix {
			if err := checkImport(spec, fn); err != nil {
				return 0, nil, fmt.Errorf("--abi %s: %w", override, err)
			}
		}
		return override, unknown, nil
	}

	if len(wasix) == 0 {
		for _, u := range unknown {
			if u.Module == ModuleWasix {
				return wasixPreference[0], unknown, nil
			}
		}
		return Preview1, unknown, nil
	}
	candidates := slices.Clone(wasixPreference)
	for _, fn := range wasix {
		var keep []Generation
		for _, g := range candidates {
			if checkImport(SpecOf(g), fn) == nil {
				keep = append(keep, g)
			}
		}
		if len(keep) == 0 {
			return 0, nil, noGeneration(fn, candidates)
		}
		candidates = keep
	}
	if slices.Equal(candidates, []Generation{WasixSeed, Wasix2022}) && !usesPreview1 {
		// Only thread_spawn and proc_join tell these two apart. The
		// wasix-libc of 2022 imported every call, preview1's included,
		// from wasix_32v1; programs of the seed's bindings are Go
		// programs, whose runtime imports wasi_snapshot_preview1.
		return Wasix2022, unknown, nil
	}
	return candidates[0], unknown, nil
}

// knownNowhere reports whether name is an import of module that no
// generation defines (other modules are not ours to stub).
func knownNowhere(module, name string) bool {
	switch module {
	case ModulePreview1, ModuleUnstable:
		return SpecOf(Preview1).Func(name) == nil
	case ModuleWasix:
		for _, g := range wasixPreference {
			if SpecOf(g).Func(name) != nil {
				return false
			}
		}
		return true
	}
	return false
}

// checkImport reports whether spec defines fn's name with fn's signature.
func checkImport(spec *Spec, fn FuncImport) error {
	module, name, _ := fn.Import()
	got := signature(fn.ParamTypes(), fn.ResultTypes())
	f := spec.Func(name)
	if f == nil {
		return fmt.Errorf("the program imports %s.%s%s, which %s does not define", module, name, got, spec.Gen)
	}
	if want := signature(f.Params, f.Results); want != got {
		return fmt.Errorf("the program imports %s.%s%s, but %s defines it as %s%s", module, name, got, spec.Gen, name, want)
	}
	return nil
}

// noGeneration explains why no generation satisfies fn: which generations
// lack the name, which expect another signature, and, when the name fits a
// generation that earlier imports already ruled out, that the program mixes
// generations.
func noGeneration(fn FuncImport, candidates []Generation) error {
	module, name, _ := fn.Import()
	var lines []string
	var fits []Generation
	for _, g := range wasixPreference {
		spec := SpecOf(g)
		f := spec.Func(name)
		switch {
		case f == nil:
			lines = append(lines, fmt.Sprintf("%s lacks it", g))
		case signature(f.Params, f.Results) != signature(fn.ParamTypes(), fn.ResultTypes()):
			lines = append(lines, fmt.Sprintf("%s expects %s%s", g, name, signature(f.Params, f.Results)))
		default:
			fits = append(fits, g)
		}
	}
	msg := fmt.Sprintf("the program imports %s.%s%s: %s", module, name,
		signature(fn.ParamTypes(), fn.ResultTypes()), strings.Join(lines, "; "))
	if len(fits) > 0 {
		msg += fmt.Sprintf("; it fits %s, but the program's other imports fit only %s", joinGens(fits), joinGens(candidates))
	}
	return fmt.Errorf("%s", msg)
}

func joinGens(gs []Generation) string {
	s := make([]string, len(gs))
	for i, g := range gs {
		s[i] = g.String()
	}
	return strings.Join(s, ", ")
}

// signature spells a core signature as "(i32, i64) -> i32", or "(i32)" for
// a function without results.
func signature(params, results []api.ValueType) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, p := range params {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(api.ValueTypeName(p))
	}
	b.WriteByte(')')
	if len(results) > 0 {
		b.WriteString(" -> ")
		for i, r := range results {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(api.ValueTypeName(r))
		}
	}
	return b.String()
}
