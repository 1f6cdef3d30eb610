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

// testLib is a side module that adds 1 to the word at its __memory_base
// in its relocations and again in its constructors, or traps in the one
// named by trap.
func testLib(trap string) []byte {
	b := newModBuilder()
	b.importMemory("env", "memory", false)
	base := b.importGlobal("env", "__memory_base", valI32, false)
	incr := []byte{0, 0x23, byte(base), 0x23, byte(base), 0x28, 2, 0, 0x41, 1, 0x6a, 0x36, 2, 0, 0x0b}
	for _, name := range []string{"__wasm_apply_data_relocs", "__wasm_call_ctors"} {
		body := incr
		if name == trap {
			body = unreachableBody()
		}
		b.export(name, kindFunc, b.function(funcType{}, body))
	}
	return withDylink(b.encode())
}

// A load's relocations run before its constructors, each library's once;
// a trap in either names the library and the step, whichever of the
// libraries traps.
func TestLinkMainInitCalls(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ trap, lib, want string }{
		{"", "", ""},
		{"__wasm_call_ctors", "libb.so", "libb.so: constructors:"},
		{"__wasm_call_ctors", "liba.so", "liba.so: constructors:"},
		{"__wasm_apply_data_relocs", "libb.so", "libb.so: relocations:"},
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
				if v := binary.LittleEndian.Uint32(b); v != 2 {
					t.Errorf("%s: word %d after relocations and constructors, want 2", m.path, v)
				}
			}
		}
		l.Close(ctx)
		rt.Close(ctx)
	}
}
