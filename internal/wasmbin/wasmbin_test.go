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
