package linker

import (
	"os"
	"path/filepath"
	"testing"
)

func readGuest(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "guests", "eh", "bin", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParseDylink reads the dylink.0 section and the symbols of a -pie
// main and of side modules as wasm-ld wrote them.
func TestParseDylink(t *testing.T) {
	main, err := Parse(readGuest(t, "dyn.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	d := main.Dylink
	if d == nil || len(d.Needed) != 1 || d.Needed[0] != "libneed.so" {
		t.Fatalf("needed %+v", d)
	}
	if len(d.RuntimePath) != 1 || d.RuntimePath[0] != "$ORIGIN" {
		t.Errorf("rpath %q, want $ORIGIN", d.RuntimePath)
	}
	if d.MemSize == 0 || d.TableSize == 0 {
		t.Errorf("mem %d table %d", d.MemSize, d.TableSize)
	}
	if !d.TLSExports["errno"] {
		t.Errorf("errno is not marked thread-local")
	}
	if !main.shared {
		t.Errorf("the shared memory import is not seen")
	}
	if ParseDynamic(readGuest(t, "dyn.wasm")) == nil || ParseDynamic(readGuest(t, "sjlj.wasm")) != nil {
		t.Errorf("IsDynamic wrong")
	}
	lib, err := Parse(readGuest(t, "libneed.so"))
	if err != nil {
		t.Fatal(err)
	}
	m := &module{bin: lib, memBase: 4096, exports: map[string]exportEntry{}}
	for _, e := range lib.exports {
		m.exports[e.name] = e
	}
	def, e, ok := resolve([]*module{m}, "need_counter")
	if !ok || def != m {
		t.Fatal("need_counter not found")
	}
	if addr, ok := m.dataAddress(e); !ok || addr < 4096 || addr >= 4096+lib.Dylink.MemSize {
		t.Errorf("need_counter at %d, want within the module's data at 4096", addr)
	}
	if _, _, ok := resolve([]*module{m}, "__wasm_call_ctors"); ok {
		t.Errorf("an internal export resolved as a symbol")
	}
	if len(lib.elems) == 0 && lib.Dylink.TableSize > 0 {
		t.Errorf("no element segments read")
	}
}

// FuzzParse: no input makes the reader panic or run away.
func FuzzParse(f *testing.F) {
	f.Add(readGuest(f, "libneed.so"))
	f.Add(readGuest(f, "libtls.so"))
	f.Add([]byte("\x00asm\x01\x00\x00\x00\x00\x0a\x08dylink.0\x01\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = Parse(b)
		_ = ParseDynamic(b)
	})
}

// TestHasDylink: the -pie programs and side modules of the tests have the
// section, a static program has not.
func TestHasDylink(t *testing.T) {
	for file, want := range map[string]bool{
		"../../testdata/guests/eh/bin/dlbench.wasm":        true,
		"../../testdata/guests/eh/bin/libb1.so":            true,
		"../../testdata/guests/eh/bin/dlbench_static.wasm": false,
		"../../testdata/guests/cli/bin/probe_p1.wasm":      false,
	} {
		wasm, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if got := hasDylink(wasm); got != want {
			t.Errorf("%s: hasDylink = %v", file, got)
		}
		if b, err := Parse(wasm); err != nil || (b.Dylink != nil) != want {
			t.Errorf("%s: Parse disagrees: %v", file, err)
		}
	}
	if hasDylink([]byte("\x00asm\x01\x00\x00\x00\x00\x09")) {
		t.Error("a truncated custom section counts")
	}
}
