// Package wasmbin reads the parts of a WebAssembly binary that the project
// needs to inspect without instantiating it: the function types and the
// imports. It is small on purpose; wazero does the real decoding at run time.
package wasmbin

import (
	"errors"
	"fmt"
)

// ValType is a core value type byte (0x7f i32, 0x7e i64, 0x7d f32, 0x7c f64,
// and others for vectors and references).
type ValType byte

// String returns the text-format name of v.
func (v ValType) String() string {
	switch v {
	case 0x7f:
		return "i32"
	case 0x7e:
		return "i64"
	case 0x7d:
		return "f32"
	case 0x7c:
		return "f64"
	case 0x7b:
		return "v128"
	case 0x70:
		return "funcref"
	case 0x6f:
		return "externref"
	}
	return fmt.Sprintf("valtype(%#x)", byte(v))
}

// FuncType is a function signature.
type FuncType struct {
	Params, Results []ValType
}

// Import is one entry of the import section. Kind is 0 for a function (then
// Type is its signature), 1 table, 2 memory (then Limits is set), 3 global,
// 4 tag.
type Import struct {
	Module, Name string
	Kind         byte
	Type         FuncType
	Limits       Limits
}

// Limits are the page limits of a memory (or the element limits of a
// table), with the memory flags that matter to a host.
type Limits struct {
	Min, Max uint64
	HasMax   bool
	Shared   bool
	Is64     bool // a memory64 memory
}

// ErrFormat reports a malformed binary.
var ErrFormat = errors.New("wasmbin: malformed module")

type reader struct {
	b   []byte
	off int
}

func (r *reader) byte() (byte, error) {
	if r.off >= len(r.b) {
		return 0, ErrFormat
	}
	c := r.b[r.off]
	r.off++
	return c, nil
}

func (r *reader) u32() (uint32, error) {
	v, err := r.u64()
	if v > 1<<32-1 {
		return 0, ErrFormat
	}
	return uint32(v), err
}

func (r *reader) u64() (uint64, error) {
	var v uint64
	for shift := 0; shift < 70; shift += 7 {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v, nil
		}
	}
	return 0, ErrFormat
}

func (r *reader) bytes(n uint32) ([]byte, error) {
	if uint64(r.off)+uint64(n) > uint64(len(r.b)) {
		return nil, ErrFormat
	}
	out := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	return out, nil
}

func (r *reader) name() (string, error) {
	n, err := r.u32()
	if err != nil {
		return "", err
	}
	b, err := r.bytes(n)
	return string(b), err
}

func (r *reader) valTypes() ([]ValType, error) {
	n, err := r.u32()
	if err != nil {
		return nil, err
	}
	b, err := r.bytes(n)
	if err != nil {
		return nil, err
	}
	out := make([]ValType, n)
	for i, c := range b {
		out[i] = ValType(c)
	}
	return out, nil
}

// limits reads a limits encoding (tables and memories): flag bit 0 says a
// maximum follows, bit 1 marks a shared memory, bit 2 a 64-bit one.
func (r *reader) limits() (Limits, error) {
	flags, err := r.byte()
	if err != nil {
		return Limits{}, err
	}
	l := Limits{HasMax: flags&1 != 0, Shared: flags&2 != 0, Is64: flags&4 != 0}
	if l.Min, err = r.u64(); err != nil {
		return l, err
	}
	if l.HasMax {
		l.Max, err = r.u64()
	}
	return l, err
}

// Imports returns the import section of a module, with function imports
// carrying their signatures.
func Imports(module []byte) ([]Import, error) {
	imports, _, err := read(module, false)
	return imports, err
}

// Memories returns the limits of the first memory a module imports and of
// the first it defines itself; each is nil when there is none.
func Memories(module []byte) (imported *Import, defined *Limits, err error) {
	imports, defined, err := read(module, true)
	if err != nil {
		return nil, nil, err
	}
	for i := range imports {
		if imports[i].Kind == 2 {
			return &imports[i], defined, nil
		}
	}
	return nil, defined, nil
}

// read walks the sections of a module, decoding types and imports and,
// when memories is set, the memory section; otherwise it stops after the
// imports.
func read(module []byte, memories bool) ([]Import, *Limits, error) {
	if len(module) < 8 || string(module[:4]) != "\x00asm" {
		return nil, nil, fmt.Errorf("%w: not a WebAssembly binary", ErrFormat)
	}
	r := &reader{b: module, off: 8}
	var types []FuncType
	var imports []Import
	for r.off < len(r.b) {
		id, err := r.byte()
		if err != nil {
			return nil, nil, err
		}
		size, err := r.u32()
		if err != nil {
			return nil, nil, err
		}
		body, err := r.bytes(size)
		if err != nil {
			return nil, nil, err
		}
		s := &reader{b: body}
		switch id {
		case 1: // types
			if types, err = readTypes(s); err != nil {
				return nil, nil, err
			}
		case 2: // imports
			if imports, err = readImports(s, types); err != nil {
				return nil, nil, err
			}
			if !memories {
				return imports, nil, nil
			}
		case 5: // memories
			n, err := s.u32()
			if err != nil || n == 0 {
				return imports, nil, err
			}
			l, err := s.limits()
			return imports, &l, err
		}
	}
	return imports, nil, nil
}

func readTypes(s *reader) ([]FuncType, error) {
	n, err := s.u32()
	if err != nil {
		return nil, err
	}
	var types []FuncType
	for i := uint32(0); i < n; i++ {
		if form, err := s.byte(); err != nil || form != 0x60 {
			return nil, fmt.Errorf("%w: type %d is not a function type", ErrFormat, i)
		}
		p, err := s.valTypes()
		if err != nil {
			return nil, err
		}
		res, err := s.valTypes()
		if err != nil {
			return nil, err
		}
		types = append(types, FuncType{p, res})
	}
	return types, nil
}

func readImports(s *reader, types []FuncType) ([]Import, error) {
	n, err := s.u32()
	if err != nil {
		return nil, err
	}
	var out []Import
	for i := uint32(0); i < n; i++ {
		var imp Import
		if imp.Module, err = s.name(); err != nil {
			return nil, err
		}
		if imp.Name, err = s.name(); err != nil {
			return nil, err
		}
		if imp.Kind, err = s.byte(); err != nil {
			return nil, err
		}
		switch imp.Kind {
		case 0:
			idx, err := s.u32()
			if err != nil {
				return nil, err
			}
			if int(idx) >= len(types) {
				return nil, fmt.Errorf("%w: import %s.%s uses type %d of %d", ErrFormat, imp.Module, imp.Name, idx, len(types))
			}
			imp.Type = types[idx]
		case 1:
			if _, err := s.byte(); err != nil {
				return nil, err
			}
			_, err = s.limits()
		case 2:
			imp.Limits, err = s.limits()
		case 3:
			_, err = s.bytes(2)
		case 4:
			_, err = s.bytes(1)
			if err == nil {
				_, err = s.u32()
			}
		default:
			return nil, fmt.Errorf("%w: import kind %d", ErrFormat, imp.Kind)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, imp)
	}
	return out, nil
}
