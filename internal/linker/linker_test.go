package linker

import (
	"context"
	"encoding/binary"
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

// testLib is a side module whose start function sets the word at its
// __memory_base to 10, whose relocations add 1 to it and constructors
// add 1 again, or that traps in the one named by trap ("start" for the
// start function).
func testLib(trap string) []byte {
	b := newModBuilder()
	b.importMemory("env", "memory", false)
	base := b.importGlobal("env", "__memory_base", valI32, false)
	set := []byte{0, 0x23, byte(base), 0x41, 10, 0x36, 2, 0, 0x0b}
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
		wasm := withDylink(main.encode(), "liba.so", "libb.so")
		bin, err := Parse(wasm)
		if err != nil {
			t.Fatal(err)
		}
		compiled, err := rt.CompileModule(ctx, wasm)
		if err != nil {
			t.Fatal(err)
		}
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
