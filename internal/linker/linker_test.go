package linker

import (
	"context"
	"encoding/binary"
	"maps"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/wasix-go/wasix/internal/wasmbin"
)

// withDylink puts a dylink.0 section (data size 16, the needed list) in
// front of a generated module's sections.
func withDylink(wasm []byte, needed ...string) []byte {
	mem := []byte{dylinkMemInfo, 4, 16, 2, 0, 0}
	need := wasmbin.AppendULEB(nil, uint64(len(needed)))
	for _, n := range needed {
		need = appendName(need, n)
	}
	body := appendName(nil, "dylink.0")
	body = append(body, mem...)
	body = append(append(append(body, dylinkNeeded), wasmbin.AppendULEB(nil, uint64(len(need)))...), need...)
	out := append([]byte(nil), wasm[:8]...)
	out = append(append(append(out, 0), wasmbin.AppendULEB(nil, uint64(len(body)))...), body...)
	return append(out, wasm[8:]...)
}

// compileMain parses and compiles main as a -pie program needing needed.
func compileMain(t *testing.T, rt wazero.Runtime, main *modBuilder, needed ...string) (*Binary, wazero.CompiledModule) {
	t.Helper()
	wasm := withDylink(main.encode(), needed...)
	bin, err := Parse(wasm)
	if err != nil {
		t.Fatal(err)
	}
	compiled, err := rt.CompileModule(context.Background(), wasm)
	if err != nil {
		t.Fatal(err)
	}
	return bin, compiled
}

// keptCode returns what a runtime gives the linker to compile generated
// modules and load libraries with: each kept by content, a library's
// Binary too (so that a start-up plan made with it replays).
func keptCode(rt wazero.Runtime) (compile func(context.Context, []byte) (wazero.CompiledModule, error),
	load func(context.Context, string, []byte) (*Binary, wazero.CompiledModule, error)) {
	kept := map[string]wazero.CompiledModule{}
	compile = func(ctx context.Context, wasm []byte) (wazero.CompiledModule, error) {
		if c := kept[string(wasm)]; c != nil {
			return c, nil
		}
		c, err := rt.CompileModule(ctx, wasm)
		kept[string(wasm)] = c
		return c, err
	}
	binOf := map[string]*Binary{}
	load = func(ctx context.Context, path string, wasm []byte) (*Binary, wazero.CompiledModule, error) {
		bin, code, err := PrepareLibrary(wasm)
		if err != nil {
			return nil, nil, err
		}
		if b := binOf[string(wasm)]; b != nil {
			bin = b
		}
		binOf[string(wasm)] = bin
		c, err := compile(ctx, code)
		return bin, c, err
	}
	return compile, load
}

// plannedConfig is the Config of a linker over env that compiles and
// loads as keptCode does, keeps its start-up plans in plans and reads
// libraries with read.
func plannedConfig(rt wazero.Runtime, env api.Module, plans *Plans, read func(string) ([]byte, error),
	compile func(context.Context, []byte) (wazero.CompiledModule, error),
	load func(context.Context, string, []byte) (*Binary, wazero.CompiledModule, error)) Config {
	return Config{
		Runtime:   rt,
		Resolver:  func(name string) api.Module { return map[string]api.Module{"env": env}[name] },
		MainPath:  "/bin/main",
		StackSize: 64 << 10,
		Compile:   compile,
		Load:      load,
		Plans:     plans,
		Read:      read,
	}
}

// newEnv instantiates a module exporting a memory of one page, closed at
// the end of the test.
func newEnv(t *testing.T, rt wazero.Runtime) api.Module {
	t.Helper()
	ctx := context.Background()
	env, err := rt.InstantiateWithConfig(ctx, []byte("\x00asm\x01\x00\x00\x00\x05\x03\x01\x00\x01\x07\x0a\x01\x06memory\x02\x00"),
		wazero.NewModuleConfig().WithName(""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { env.Close(ctx) })
	return env
}

// testLib is a side module whose start function sets the word at its
// __memory_base to 10, whose relocations add 1 to it and constructors
// add 1 again, or that traps in the one named by trap ("start" for the
// start function).
func testLib(trap string) []byte { return testLibStoring(trap, 10) }

// testLibStoring is testLib with another value for the start function to
// store.
func testLibStoring(trap string, v byte) []byte {
	b := newModBuilder()
	b.importMemory("env", "memory", false)
	base := b.importGlobal("env", "__memory_base", valI32, false)
	set := []byte{0, 0x23, byte(base), 0x41, v, 0x36, 2, 0, 0x0b}
	incr := []byte{0, 0x23, byte(base), 0x23, byte(base), 0x28, 2, 0, 0x41, 1, 0x6a, 0x36, 2, 0, 0x0b}
	for _, name := range []string{"start", "__wasm_apply_data_relocs", "__wasm_call_ctors"} {
		body := incr
		if name == "start" {
			body = set
		}
		if name == trap {
			body = unreachableBody()
		}
		f := b.function(funcType{}, body)
		if name == "start" {
			b.start = wasmbin.AppendULEB(nil, uint64(f))
		} else {
			b.export(name, kindFunc, f)
		}
	}
	return withDylink(b.encode())
}

// A load's start functions (which the linker calls itself) run before
// its relocations, and these before its constructors, each library's
// once; a trap in any names the library and the step, whichever of the
// libraries traps.
func TestLinkMainInitCalls(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ trap, lib, want string }{
		{"", "", ""},
		{"__wasm_call_ctors", "libb.so", "libb.so: constructors:"},
		{"__wasm_call_ctors", "liba.so", "liba.so: constructors:"},
		{"__wasm_apply_data_relocs", "libb.so", "libb.so: relocations:"},
		{"start", "liba.so", "liba.so: start function:"},
	} {
		rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().
			WithCoreFeatures(api.CoreFeaturesV2|experimental.CoreFeaturesExceptionHandling))
		// env: a module exporting a memory of one page.
		env, err := rt.Instantiate(ctx, []byte("\x00asm\x01\x00\x00\x00\x05\x03\x01\x00\x01\x07\x0a\x01\x06memory\x02\x00"))
		if err != nil {
			t.Fatal(err)
		}
		main := newModBuilder()
		main.importMemory("env", "memory", false)
		bin, compiled := compileMain(t, rt, main, "liba.so", "libb.so")
		l := New(Config{
			Runtime:   rt,
			Resolver:  func(name string) api.Module { return map[string]api.Module{"env": env}[name] },
			MainPath:  "/bin/main",
			StackSize: 64 << 10,
			Read: func(p string) ([]byte, error) {
				trap := ""
				if strings.HasSuffix(p, "/"+tc.lib) {
					trap = tc.trap
				}
				return testLib(trap), nil
			},
		})
		_, err = l.LinkMain(ctx, bin, compiled)
		switch {
		case tc.want == "" && err != nil:
			t.Fatal(err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("trap in %s of %s: error %v, want %q", tc.trap, tc.lib, err, tc.want)
		case tc.want == "":
			for _, m := range l.mods[1:] {
				b, _ := env.ExportedMemory("memory").Read(m.memBase, 4)
				if v := binary.LittleEndian.Uint32(b); v != 12 {
					t.Errorf("%s: word %d after start, relocations and constructors, want 12", m.path, v)
				}
			}
		}
		l.Close(ctx)
		rt.Close(ctx)
	}
}

// PrepareLibrary moves the start function into an export, in a module
// with an export section and in one without; the result still compiles.
func TestPrepareLibrary(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	for _, exports := range []bool{true, false} {
		b := newModBuilder()
		b.function(funcType{}, unreachableBody())
		f := b.function(funcType{}, []byte{0, 0x0b})
		b.start = wasmbin.AppendULEB(nil, uint64(f))
		if exports {
			b.export("f0", kindFunc, 0)
		}
		bin, code, err := PrepareLibrary(withDylink(b.encode()))
		if err != nil {
			t.Fatal(err)
		}
		if bin.startName != startExport || bin.start != int64(f) {
			t.Errorf("startName %q, start %d", bin.startName, bin.start)
		}
		out, err := Parse(code)
		if err != nil {
			t.Fatal(err)
		}
		if e, ok := out.exportMap[startExport]; !ok || e.index != f || out.start != -1 {
			t.Errorf("exports %v, start %d: want %s = %d and no start", out.exportMap, out.start, startExport, f)
		}
		if _, ok := out.exportMap["f0"]; ok != exports {
			t.Errorf("f0 exported %v, want %v", ok, exports)
		}
		if _, err := rt.CompileModule(ctx, code); err != nil {
			t.Error(err)
		}
	}
	if _, _, err := PrepareLibrary(newModBuilder().encode()); err == nil {
		t.Error("a module without dylink.0 prepared as a library")
	}
}

// A start-up with the same libraries placed the same way replays the
// first one's plan: the same slots and memory, the libraries' start
// functions, relocations and constructors run; a start-up whose
// libraries changed makes a plan of its own.
func TestStartPlan(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().
		WithCoreFeatures(api.CoreFeaturesV2|experimental.CoreFeaturesExceptionHandling))
	defer rt.Close(ctx)
	compile, load := keptCode(rt)
	// The main program has a function that a library calls and takes the
	// address of: a slot given out while linking.
	main := newModBuilder()
	main.importMemory("env", "memory", false)
	i32 := funcType{results: []byte{valI32}}
	main.export("mainf", kindFunc, main.function(i32, []byte{0, 0x41, 7, 0x0b}))
	bin, compiled := compileMain(t, rt, main, "liba.so", "libb.so", "libc.so")
	libc := newModBuilder()
	libc.importMemory("env", "memory", false)
	libc.importTable("env", "__indirect_function_table", 0)
	call := libc.importFunc("env", "mainf", i32)
	got := libc.importGlobal("GOT.func", "mainf", valI32, true)
	libc.export("call", kindFunc, libc.function(i32, []byte{0, 0x10, byte(call), 0x0b}))
	libc.export("addr", kindFunc, libc.function(i32, []byte{0, 0x23, byte(got), 0x0b}))
	libcWasm := withDylink(libc.encode())
	var plans Plans
	libb := testLib("")
	link := func(wantB uint32) *Linker {
		t.Helper()
		env := newEnv(t, rt)
		l := New(plannedConfig(rt, env, &plans, func(p string) ([]byte, error) {
			switch {
			case strings.HasSuffix(p, "/libb.so"):
				return libb, nil
			case strings.HasSuffix(p, "/libc.so"):
				return libcWasm, nil
			}
			return testLib(""), nil
		}, compile, load))
		if _, err := l.LinkMain(ctx, bin, compiled); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close(ctx) })
		c := l.mods[3].inst
		if r, err := c.ExportedFunction("call").Call(ctx); err != nil || r[0] != 7 {
			t.Errorf("libc.so calling the main program: %v, %v; want 7", r, err)
		}
		addr, err := c.ExportedFunction("addr").Call(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if s, ok := l.slots[slotKey{1, "mainf"}]; !ok || uint64(s) != addr[0] {
			t.Errorf("libc.so's GOT.func.mainf is %d, the slot of mainf %d (%v)", addr[0], s, ok)
		}
		if r, err := l.mainTh.base.ExportedFunction("grow").Call(ctx, 0); err != nil || addr[0] >= r[0] {
			t.Errorf("the slot of mainf %d, the table's size %v (%v)", addr[0], r, err)
		}
		for _, m := range l.mods[1:3] {
			want := uint32(12)
			if strings.HasSuffix(m.path, "/libb.so") {
				want = wantB
			}
			b, _ := env.ExportedMemory("memory").Read(m.memBase, 4)
			if v := binary.LittleEndian.Uint32(b); v != want {
				t.Errorf("%s: word %d after start, relocations and constructors, want %d", m.path, v, want)
			}
		}
		return l
	}
	first := link(12)
	for i := 1; i <= 2; i++ {
		l := link(12)
		if plans.replays != i {
			t.Fatalf("start %d: %d replays, want %d", i+1, plans.replays, i)
		}
		if l.nextSlot != first.nextSlot || l.tableSize != first.tableSize || len(l.generated) != len(first.generated) ||
			!maps.Equal(l.slots, first.slots) {
			t.Errorf("a replay: %d slots, table %d, %d generated; first start: %d, %d, %d",
				l.nextSlot, l.tableSize, len(l.generated), first.nextSlot, first.tableSize, len(first.generated))
		}
	}
	// libb changes, the same size, placed the same: a new plan, made and
	// then replayed.
	libb = testLibStoring("", 20)
	link(22)
	link(22)
	if plans.replays != 3 {
		t.Fatalf("%d replays after a library changed and was started twice, want 3", plans.replays)
	}
}

// The libraries of a start-up share the main thread's base as their env,
// one that calls into a library instantiated before it too (its calls
// are direct), except a second copy of the same library (its
// __memory_base differs under the same name) and a main program that
// PrepareMain did not rename; each still sees its own bases, on the
// first start-up and on a replay.
func TestStartupEnvInBase(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().
		WithCoreFeatures(api.CoreFeaturesV2|experimental.CoreFeaturesExceptionHandling))
	defer rt.Close(ctx)
	i32 := funcType{results: []byte{valI32}}
	x := newModBuilder() // libx.so, and libz.so the same bytes: xf returns its __memory_base
	x.importMemory("env", "memory", false)
	base := x.importGlobal("env", "__memory_base", valI32, false)
	x.export("xf", kindFunc, x.function(i32, []byte{0, 0x23, byte(base), 0x0b}))
	libx := withDylink(x.encode())
	y := newModBuilder() // liby.so: yf calls libx's xf
	y.importMemory("env", "memory", false)
	xf := y.importFunc("env", "xf", i32)
	y.export("yf", kindFunc, y.function(i32, []byte{0, 0x10, byte(xf), 0x0b}))
	liby := withDylink(y.encode())
	main := newModBuilder()
	main.importMemory("env", "memory", false)
	bin, compiled := compileMain(t, rt, main, "liby.so", "libx.so", "libz.so")
	compile, load := keptCode(rt)
	var plans Plans
	for start := range 2 {
		l := New(plannedConfig(rt, newEnv(t, rt), &plans, func(p string) ([]byte, error) {
			if strings.HasSuffix(p, "/liby.so") {
				return liby, nil
			}
			return libx, nil
		}, compile, load))
		if _, err := l.LinkMain(ctx, bin, compiled); err != nil {
			t.Fatal(err)
		}
		mods := map[string]*module{}
		for _, m := range l.mods {
			mods[path.Base(m.path)] = m
		}
		for _, name := range []string{"libx.so", "libz.so"} {
			m := mods[name]
			if r, err := m.inst.ExportedFunction("xf").Call(ctx); err != nil || uint32(r[0]) != m.memBase {
				t.Errorf("start %d: %s's __memory_base: %v, %v; want %d", start, name, r, err, m.memBase)
			}
		}
		if r, err := mods["liby.so"].inst.ExportedFunction("yf").Call(ctx); err != nil || uint32(r[0]) != mods["libx.so"].memBase {
			t.Errorf("start %d: liby.so calling libx.so: %v, %v; want %d", start, r, err, mods["libx.so"].memBase)
		}
		p := plans.plans[bin]
		var inBase []bool
		for _, mp := range p.mods { // instantiated: libz, libx, liby, main
			inBase = append(inBase, mp.inBase)
		}
		if want := []bool{true, false, true, false}; !slices.Equal(inBase, want) {
			t.Errorf("start %d: env in the base %v, want %v (libz, libx, liby, main)", start, inBase, want)
		}
		if plans.replays != start {
			t.Errorf("start %d: %d replays", start, plans.replays)
		}
		l.Close(ctx)
	}
}

// PrepareLibrary imports everything but functions from env, the GOT under
// its namespace's name, the bases under names of the library's own.
func TestPrepareLibraryRenames(t *testing.T) {
	b := newModBuilder()
	b.importMemory("env", "memory", false)
	b.importGlobal("env", "__memory_base", valI32, false)
	b.importGlobal("env", "__table_base", valI32, false)
	b.importGlobal("env", "__stack_pointer", valI32, true)
	b.importGlobal("GOT.mem", "x", valI32, true)
	b.importGlobal("GOT.func", "x", valI32, true)
	b.importFunc("env", "x", funcType{})
	bin, code, err := PrepareLibrary(withDylink(b.encode()))
	if err != nil {
		t.Fatal(err)
	}
	imps, err := wasmbin.Imports(code)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, im := range imps {
		got = append(got, im.Module+"."+im.Name)
	}
	want := []string{"env.memory", "env.__memory_base@" + bin.renamed, "env.__table_base@" + bin.renamed,
		"env.__stack_pointer", "env.GOT.mem.x", "env.GOT.func.x", funcModule + "x.x"}
	if len(bin.renamed) != 16 || !slices.Equal(got, want) {
		t.Errorf("imports %q, want %q", got, want)
	}
}
