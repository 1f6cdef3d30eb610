package wasmbin

import (
	"slices"
	"testing"
)

// GlobalRefs finds the globals read by code, by a global's initialiser and
// by element and data offsets; TruncateGlobals keeps the first ones whole.
func TestGlobalRefs(t *testing.T) {
	sec := func(id byte, body ...byte) []byte { return append([]byte{id, byte(len(body))}, body...) }
	mod := []byte("\x00asm\x01\x00\x00\x00")
	mod = append(mod, sec(1, 1, 0x60, 0, 0)...) // type () -> ()
	mod = append(mod, sec(3, 1, 0)...)          // one function
	mod = append(mod, sec(4, 1, 0x70, 0, 1)...) // table of 1
	mod = append(mod, sec(5, 1, 0, 1)...)       // memory of 1 page
	globals := []byte{5,
		0x7f, 0, 0x41, 1, 0x0b, // 0: i32.const 1
		0x7f, 0, 0x23, 0, 0x0b, // 1: global.get 0
		0x7f, 1, 0x41, 0, 0x0b, // 2
		0x7f, 0, 0x41, 0, 0x0b, // 3
		0x7f, 0, 0x41, 9, 0x0b, // 4
	}
	mod = append(mod, sec(6, globals...)...)
	mod = append(mod, sec(9, 1, 0, 0x23, 3, 0x0b, 1, 0)...)               // elements at global 3
	mod = append(mod, sec(10, 1, 6, 0, 0x41, 0, 0x24, 2, 0x0b)...)        // code: global.set 2
	mod = append(mod, sec(11, 2, 1, 1, 'x', 0, 0x23, 1, 0x0b, 1, 'y')...) // passive; at global 1
	var got []uint32
	if err := GlobalRefs(mod, func(idx uint32) { got = append(got, idx) }); err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if want := []uint32{0, 1, 2, 3}; !slices.Equal(got, want) {
		t.Errorf("GlobalRefs = %v, want %v", got, want)
	}
	cut, err := TruncateGlobals(globals, 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := append([]byte{2}, globals[1:11]...); !slices.Equal(cut, want) {
		t.Errorf("TruncateGlobals(2) = %x, want %x", cut, want)
	}
	if whole, err := TruncateGlobals(globals, 5); err != nil || !slices.Equal(whole, globals) {
		t.Errorf("TruncateGlobals(5) = %x, %v", whole, err)
	}
}
