package abi

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix/internal/wasmbin"
)

// imp is one function import of a test module.
type imp struct {
	module, name    string
	params, results []api.ValueType
}

// from returns the import of name with its signature in generation g.
func from(t *testing.T, g Generation, name string) imp {
	t.Helper()
	f := SpecOf(g).Func(name)
	if f == nil {
		t.Fatalf("%s has no %s", g, name)
	}
	module := ModuleWasix
	if g == Preview1 {
		module = ModulePreview1
	}
	return imp{module, name, f.Params, f.Results}
}

// importsOf compiles a module importing imps and returns its imported
// function definitions, as the runtime sees them.
func importsOf(t *testing.T, imps ...imp) []api.FunctionDefinition {
	t.Helper()
	str := func(s string) []byte { return append(wasmbin.AppendULEB(nil, uint64(len(s))), s...) }
	section := func(id byte, body []byte) []byte {
		return append(append([]byte{id}, wasmbin.AppendULEB(nil, uint64(len(body)))...), body...)
	}
	types := wasmbin.AppendULEB(nil, uint64(len(imps)))
	imports := wasmbin.AppendULEB(nil, uint64(len(imps)))
	for i, m := range imps {
		types = append(types, 0x60)
		types = append(types, wasmbin.AppendULEB(nil, uint64(len(m.params)))...)
		types = append(types, m.params...)
		types = append(types, wasmbin.AppendULEB(nil, uint64(len(m.results)))...)
		types = append(types, m.results...)
		imports = append(imports, str(m.module)...)
		imports = append(imports, str(m.name)...)
		imports = append(imports, 0)
		imports = append(imports, wasmbin.AppendULEB(nil, uint64(i))...)
	}
	bin := []byte("\x00asm\x01\x00\x00\x00")
	bin = append(bin, section(1, types)...)
	bin = append(bin, section(2, imports)...)

	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	c, err := rt.CompileModule(ctx, bin)
	if err != nil {
		t.Fatal(err)
	}
	return c.ImportedFunctions()
}

func TestDetect(t *testing.T) {
	for _, c := range []struct {
		name string
		imps []imp
		want Generation
	}{
		{"preview1 only", []imp{from(t, Preview1, "fd_write"), from(t, Preview1, "proc_exit")}, Preview1},
		{"2022 thread_spawn", []imp{from(t, Wasix2022, "thread_spawn"), from(t, Wasix2022, "getcwd")}, Wasix2022},
		{"2022 proc_join", []imp{from(t, Wasix2022, "proc_join")}, Wasix2022},
		{"seed thread_spawn", []imp{from(t, WasixSeed, "thread_spawn")}, WasixSeed},
		{"current thread_spawn_v2", []imp{from(t, WasixCurrent, "thread_spawn_v2")}, WasixCurrent},
		{"common calls prefer current", []imp{from(t, WasixSeed, "getcwd"), from(t, Preview1, "fd_write")}, WasixCurrent},
		// 2022 libc imported preview1's calls from wasix_32v1 too; a seed
		// program (Go) imports them from wasi_snapshot_preview1.
		{"2022 libc without thread_spawn or proc_join", []imp{from(t, Wasix2022, "fd_write"), from(t, Wasix2022, "fd_pipe")}, Wasix2022},
		{"seed calls beside preview1", []imp{from(t, WasixSeed, "fd_fdstat_set_flags"), from(t, Preview1, "fd_write")}, WasixSeed},
	} {
		got, err := Detect(importsOf(t, c.imps...), 0)
		if err != nil || got != c.want {
			t.Errorf("%s: got %v, %v; want %v", c.name, got, err, c.want)
		}
	}
}

func TestDetectErrors(t *testing.T) {
	for _, c := range []struct {
		name     string
		imps     []imp
		override Generation
		want     []string
	}{
		{"unknown call", []imp{{ModuleWasix, "frobnicate", []api.ValueType{api.ValueTypeI32}, nil}}, 0,
			[]string{"wasix_32v1.frobnicate(i32)", "wasix-current lacks it", "wasix-seed lacks it", "wasix-2022 lacks it"}},
		{"wrong signature", []imp{{ModuleWasix, "getcwd", []api.ValueType{api.ValueTypeI32}, []api.ValueType{api.ValueTypeI32}}}, 0,
			[]string{"wasix_32v1.getcwd(i32) -> i32", "wasix-seed expects getcwd(i32, i32) -> i32"}},
		{"mixed generations", []imp{from(t, Wasix2022, "thread_spawn"), from(t, WasixCurrent, "thread_spawn_v2")}, 0,
			[]string{"thread_spawn_v2", "it fits wasix-current, but the program's other imports fit only wasix-2022"}},
		{"unknown module", []imp{{"foo", "bar", nil, nil}}, 0, []string{"foo.bar()", "only the modules"}},
		{"override mismatch", []imp{from(t, Wasix2022, "thread_spawn")}, WasixSeed,
			[]string{"--abi wasix-seed", "but wasix-seed defines it as thread_spawn(i32, i32) -> i32"}},
		{"preview1 override with wasix imports", []imp{from(t, WasixSeed, "getcwd")}, Preview1,
			[]string{"--abi preview1", "wasix_32v1.getcwd"}},
		{"preview1 wrong signature", []imp{{ModulePreview1, "fd_write", nil, nil}}, 0,
			[]string{"preview1 defines it as fd_write(i32, i32, i32, i32) -> i32"}},
	} {
		_, err := Detect(importsOf(t, c.imps...), c.override)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q lacks %q", c.name, err, w)
			}
		}
	}
}

func TestParseGeneration(t *testing.T) {
	for _, g := range []Generation{Preview1, Wasix2022, WasixSeed, WasixCurrent} {
		if got, err := ParseGeneration(g.String()); err != nil || got != g {
			t.Errorf("%s: %v %v", g, got, err)
		}
	}
	if _, err := ParseGeneration("wasix"); err == nil {
		t.Error("wasix parsed")
	}
}

func TestImportedMemory(t *testing.T) {
	for _, c := range []struct {
		min, max uint32
		shared   bool
	}{{1, 1, false}, {17, 16384, true}, {300, 65536, true}} {
		// memoryModule defines rather than imports; turn its memory
		// section into an import of env.memory with the same limits.
		def := memoryModule(c.min, c.max, c.shared)
		limits := def[11 : 11+int(def[9])-1] // after the section id, size and count
		body := append([]byte{1, 3}, "env"...)
		body = append(body, 6)
		body = append(body, "memory"...)
		body = append(body, 2)
		body = append(body, limits...)
		bin := append([]byte("\x00asm\x01\x00\x00\x00\x02"), wasmbin.AppendULEB(nil, uint64(len(body)))...)
		bin = append(bin, body...)
		got, err := ImportedMemory(bin)
		want := MemoryImport{Module: "env", Name: "memory", Min: c.min, Max: c.max, HasMax: true, Shared: c.shared}
		if err != nil || got == nil || *got != want {
			t.Errorf("%+v: got %+v, %v", c, got, err)
		}
	}
	if m, err := ImportedMemory([]byte("\x00asm\x01\x00\x00\x00")); m != nil || err != nil {
		t.Errorf("empty module: %v %v", m, err)
	}
	if _, err := ImportedMemory([]byte("junk")); err == nil {
		t.Error("junk accepted")
	}
}

func TestUnstableWhence(t *testing.T) {
	var got []uint64
	fn := unstable("fd_seek", func(_ context.Context, _ api.Module, s []uint64) { got = append(got, s[2]) })
	for _, w := range []uint64{0, 1, 2, 7} {
		fn(context.Background(), nil, []uint64{3, 0, w, 0})
	}
	// snapshot 0 cur, end, set -> preview1 cur, end, set; junk passes through.
	if want := []uint64{1, 2, 0, 7}; !slices.Equal(got, want) {
		t.Errorf("whence mapped to %v, want %v", got, want)
	}
}
