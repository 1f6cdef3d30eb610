package wasmbin

import (
	"errors"
	"testing"
)

// tiny imports wasix_32v1.fd_pipe (i32 i32) -> i32 and a shared env.memory.
var tiny = []byte{
	0, 'a', 's', 'm', 1, 0, 0, 0,
	1, 7, 1, 0x60, 2, 0x7f, 0x7f, 1, 0x7f, // type section
	2, 39, 2, // import section, 2 entries
	10, 'w', 'a', 's', 'i', 'x', '_', '3', '2', 'v', '1', 7, 'f', 'd', '_', 'p', 'i', 'p', 'e', 0, 0,
	3, 'e', 'n', 'v', 6, 'm', 'e', 'm', 'o', 'r', 'y', 2, 3, 1, 0x80, 0x80, 4,
}

func TestImports(t *testing.T) {
	imps, err := Imports(tiny)
	if err != nil {
		t.Fatal(err)
	}
	if len(imps) != 2 {
		t.Fatalf("got %d imports", len(imps))
	}
	f := imps[0]
	if f.Module != "wasix_32v1" || f.Name != "fd_pipe" || f.Kind != 0 || len(f.Type.Params) != 2 || f.Type.Results[0].String() != "i32" {
		t.Errorf("fd_pipe import read as %+v", f)
	}
	if m := imps[1]; m.Module != "env" || m.Name != "memory" || m.Kind != 2 {
		t.Errorf("memory import read as %+v", m)
	}
}

func TestImportsRejectsTruncation(t *testing.T) {
	for n := 0; n < len(tiny); n++ {
		if _, err := Imports(tiny[:n]); err == nil && n < len(tiny) {
			// Cutting at a section boundary leaves a valid, shorter module.
			if n != 8 && n != 17 {
				t.Errorf("truncated at %d: no error", n)
			}
		} else if err != nil && !errors.Is(err, ErrFormat) {
			t.Errorf("truncated at %d: %v is not ErrFormat", n, err)
		}
	}
}

func TestLEB(t *testing.T) {
	for _, v := range []uint64{0, 1, 127, 128, 300, 1<<32 - 1, 1<<63 + 5} {
		b := AppendULEB([]byte{0xff}, v)
		got, n := ULEB(b[1:])
		if got != v || n != len(b)-1 {
			t.Errorf("%d: read back %d in %d bytes of % x", v, got, n, b)
		}
	}
	if _, n := ULEB([]byte{0x80, 0x80}); n != 0 {
		t.Error("an unfinished number reads as complete")
	}
}

func TestSummarize(t *testing.T) {
	// (module (import "m" "f" (func)) (memory 1 2) (export "go" (func 0))
	//   plus a custom section "go:buildid")
	mod := []byte("\x00asm\x01\x00\x00\x00" +
		"\x00\x0b\x0ago:buildid" + // custom section, name only
		"\x01\x04\x01\x60\x00\x00" + // types: () -> ()
		"\x02\x07\x01\x01m\x01f\x00\x00" + // import m.f func type 0
		"\x05\x04\x01\x01\x01\x02" + // memory min 1 max 2
		"\x07\x06\x01\x02go\x00\x00") // export "go" func 0
	s, err := Summarize(mod)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Imports) != 1 || s.Imports[0].Name != "f" || len(s.Exports) != 1 || s.Exports[0].Name != "go" ||
		s.Memory == nil || s.Memory.Min != 1 || s.Memory.Max != 2 || len(s.CustomSections) != 1 || s.CustomSections[0] != "go:buildid" {
		t.Errorf("summary %+v", s)
	}
	if _, err := Summarize(mod[:len(mod)-1]); err == nil {
		t.Error("a truncated module was summarized")
	}
}

// TestMemories: the memory imported past imports of every other kind, and
// the one defined; a module with neither has none.
func TestMemories(t *testing.T) {
	imp, def, err := Memories(tiny)
	if err != nil || imp == nil || def != nil {
		t.Fatalf("tiny: %+v %+v %v", imp, def, err)
	}
	if imp.Module != "env" || imp.Name != "memory" || !imp.Limits.Shared || imp.Limits.Min != 1 || imp.Limits.Max != 0x10000 {
		t.Fatalf("tiny: memory read as %+v", imp)
	}
	name := func(s string) []byte { return append([]byte{byte(len(s))}, s...) }
	imports := []byte{5}
	imports = append(append(append(imports, name("m")...), name("f")...), 0, 0)                 // func, type 0
	imports = append(append(append(imports, name("m")...), name("t")...), 1, 0x70, 1, 2, 9)     // table, min 2 max 9
	imports = append(append(append(imports, name("m")...), name("g")...), 3, 0x7f, 1)           // global, mutable i32
	imports = append(append(append(imports, name("m")...), name("e")...), 4, 0, 0)              // tag, type 0
	imports = append(append(append(imports, name("env")...), name("mem")...), 2, 1, 2, 0x80, 1) // memory 2..128
	var m []byte
	m = append(m, "\x00asm\x01\x00\x00\x00"...)
	m = append(m, 1, 4, 1, 0x60, 0, 0)
	m = append(m, 2, byte(len(imports)))
	m = append(m, imports...)
	m = append(m, 5, 3, 1, 0, 7) // a memory of its own, min 7
	imp, def, err = Memories(m)
	if err != nil || imp == nil || def == nil {
		t.Fatalf("every kind: %+v %+v %v", imp, def, err)
	}
	if imp.Name != "mem" || imp.Limits.Min != 2 || imp.Limits.Max != 128 || imp.Limits.Shared || def.Min != 7 || def.HasMax {
		t.Fatalf("every kind: %+v, defined %+v", imp, def)
	}
	for n := 9; n < len(m); n++ {
		if _, _, err := Memories(m[:n]); err == nil && n != 14 && n != 14+2+len(imports) {
			t.Errorf("truncated at %d: no error", n)
		}
	}
	if imp, def, err := Memories(m[:14]); imp != nil || def != nil || err != nil {
		t.Fatalf("no memory: %+v %+v %v", imp, def, err)
	}
}

// StackPointer reads wasm-ld's stack pointer (the first global, defined,
// mutable i32 with a constant) and nothing else.
func TestStackPointer(t *testing.T) {
	mod := func(sections ...[]byte) []byte {
		out := []byte("\x00asm\x01\x00\x00\x00")
		for _, s := range sections {
			out = append(out, s...)
		}
		return out
	}
	globals := func(g ...byte) []byte { return append([]byte{6, byte(len(g) + 1), 1}, g...) }
	sp := globals(0x7f, 1, 0x41, 0x80, 0x80, 0x80, 0x04, 0x0b) // 8 MiB
	for _, tc := range []struct {
		name string
		mod  []byte
		want uint32
		ok   bool
	}{
		{"wasm-ld", mod(sp), 8 << 20, true},
		{"immutable", mod(globals(0x7f, 0, 0x41, 0x80, 0x80, 0x80, 0x04, 0x0b)), 0, false},
		{"i64", mod(globals(0x7e, 1, 0x42, 0x80, 0x80, 0x80, 0x04, 0x0b)), 0, false},
		{"zero", mod(globals(0x7f, 1, 0x41, 0, 0x0b)), 0, false},
		{"no globals", mod(), 0, false},
		{"imported global", mod([]byte{2, 8, 1, 1, 'e', 1, 'g', 3, 0x7f, 1}, sp), 0, false},
		{"imported function", mod([]byte{2, 7, 1, 1, 'e', 1, 'f', 0, 0}, sp), 8 << 20, true},
	} {
		got, ok := StackPointer(tc.mod)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: %d, %v; want %d, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}
