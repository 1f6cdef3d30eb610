// Package wasmbin reads the parts of a WebAssembly binary that the project
// needs to inspect without instantiating it (the function types and the
// imports), and rewrites the function bodies where the runtime needs it:
// atomic waits into host calls, legacy exception handling into exnref. It
// is small on purpose; wazero does the real decoding at run time.
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
// 4 tag (then Type is the tag's type: its params are the exception's values).
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

// NewReader reads b from its start.
func NewReader(b []byte) *Reader { return &Reader{b: b} }

// A Reader decodes the primitive encodings of a binary: bytes, LEB128s,
// names, vectors and limits.
type Reader struct {
	b   []byte
	off int
}

func (r *Reader) Byte() (byte, error) {
	if r.off >= len(r.b) {
		return 0, ErrFormat
	}
	c := r.b[r.off]
	r.off++
	return c, nil
}

func (r *Reader) U32() (uint32, error) {
	v, err := r.U64()
	if v > 1<<32-1 {
		return 0, ErrFormat
	}
	return uint32(v), err
}

func (r *Reader) U64() (uint64, error) {
	var v uint64
	for shift := 0; shift < 70; shift += 7 {
		c, err := r.Byte()
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

// Sections checks module's header and returns a reader of its sections,
// for Section.
func Sections(module []byte) (*Reader, error) {
	if len(module) < 8 || string(module[:4]) != "\x00asm" {
		return nil, fmt.Errorf("%w: not a WebAssembly binary", ErrFormat)
	}
	return &Reader{b: module, off: 8}, nil
}

// Section reads the next section: its id and its body.
func (r *Reader) Section() (id byte, body []byte, err error) {
	if id, err = r.Byte(); err != nil {
		return 0, nil, err
	}
	size, err := r.U32()
	if err != nil {
		return 0, nil, err
	}
	body, err = r.Bytes(uint64(size))
	return id, body, err
}

func (r *Reader) Bytes(n uint64) ([]byte, error) {
	if n > uint64(len(r.b)-r.off) {
		return nil, ErrFormat
	}
	out := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	return out, nil
}

// SLEB reads a signed LEB128 of up to 64 bits.
func (r *Reader) SLEB() (int64, error) {
	var v int64
	var shift uint
	for shift < 64 {
		c, err := r.Byte()
		if err != nil {
			return 0, err
		}
		v |= int64(c&0x7f) << shift
		shift += 7
		if c&0x80 == 0 {
			if shift < 64 && c&0x40 != 0 {
				v |= -1 << shift
			}
			return v, nil
		}
	}
	return 0, ErrFormat
}

// Count reads a vector length, bounded by the bytes left so that a bad
// count cannot make a caller allocate without end.
func (r *Reader) Count() (int, error) {
	n, err := r.U64()
	if err != nil || n > uint64(len(r.b)-r.off) {
		return 0, ErrFormat
	}
	return int(n), nil
}

// Done reports whether every byte has been read.
func (r *Reader) Done() bool { return r.off >= len(r.b) }

// Offset is how many bytes have been read.
func (r *Reader) Offset() int { return r.off }

func (r *Reader) Name() (string, error) {
	n, err := r.U32()
	if err != nil {
		return "", err
	}
	b, err := r.Bytes(uint64(n))
	return string(b), err
}

func (r *Reader) valTypes() ([]ValType, error) {
	n, err := r.U32()
	if err != nil {
		return nil, err
	}
	b, err := r.Bytes(uint64(n))
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
func (r *Reader) Limits() (Limits, error) {
	flags, err := r.Byte()
	if err != nil {
		return Limits{}, err
	}
	l := Limits{HasMax: flags&1 != 0, Shared: flags&2 != 0, Is64: flags&4 != 0}
	if l.Min, err = r.U64(); err != nil {
		return l, err
	}
	if l.HasMax {
		l.Max, err = r.U64()
	}
	return l, err
}

// Imports returns the import section of a module, with function imports
// carrying their signatures.
func Imports(module []byte) ([]Import, error) {
	return read(module)
}

// Memories returns the limits of the first memory a module imports and of
// the first it defines itself; each is nil when there is none.
// Every start of a program asks, so it decodes nothing else: no types, and
// of the imports only the memory's names.
func Memories(module []byte) (imported *Import, defined *Limits, err error) {
	r, err := Sections(module)
	if err != nil {
		return nil, nil, err
	}
	for !r.Done() {
		id, body, err := r.Section()
		if err != nil {
			return nil, nil, err
		}
		s := &Reader{b: body}
		switch {
		case id == 2:
			if imported, err = memoryImport(s); err != nil {
				return nil, nil, err
			}
		case id == 5:
			n, err := s.U32()
			if err != nil || n == 0 {
				return imported, nil, err
			}
			l, err := s.Limits()
			return imported, &l, err
		case id > 5:
			// Sections come in order, the memory section before these.
			return imported, nil, nil
		}
	}
	return imported, nil, nil
}

// memoryImport returns the first memory of an import section, if any.
func memoryImport(s *Reader) (*Import, error) {
	n, err := s.U32()
	if err != nil {
		return nil, err
	}
	for i := uint32(0); i < n; i++ {
		var names [2][]byte
		for k := range names {
			l, err := s.U32()
			if err != nil {
				return nil, err
			}
			if names[k], err = s.Bytes(uint64(l)); err != nil {
				return nil, err
			}
		}
		kind, err := s.Byte()
		if err != nil {
			return nil, err
		}
		if kind == 2 {
			l, err := s.Limits()
			if err != nil {
				return nil, err
			}
			return &Import{Module: string(names[0]), Name: string(names[1]), Kind: 2, Limits: l}, nil
		}
		if err := skipImportDesc(s, kind); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// skipImportDesc reads past the description of an import of kind kind:
// a function's type, a table's, a memory's limits, a global's type, a tag.
func skipImportDesc(s *Reader, kind byte) error {
	var err error
	switch kind {
	case 0:
		_, err = s.U32()
	case 1:
		if _, err = s.Byte(); err == nil {
			_, err = s.Limits()
		}
	case 2:
		_, err = s.Limits()
	case 3:
		_, err = s.Bytes(2)
	case 4:
		if _, err = s.Byte(); err == nil {
			_, err = s.U32()
		}
	default:
		err = fmt.Errorf("%w: import kind %d", ErrFormat, kind)
	}
	return err
}

// read walks the sections of a module up to its imports, decoding them
// with their types.
func read(module []byte) ([]Import, error) {
	r, err := Sections(module)
	if err != nil {
		return nil, err
	}
	var types []FuncType
	for !r.Done() {
		id, body, err := r.Section()
		if err != nil {
			return nil, err
		}
		s := &Reader{b: body}
		switch id {
		case 1: // types
			if types, err = readTypes(s); err != nil {
				return nil, err
			}
		case 2: // imports
			return readImports(s, types)
		}
	}
	return nil, nil
}

func readTypes(s *Reader) ([]FuncType, error) {
	n, err := s.U32()
	if err != nil {
		return nil, err
	}
	var types []FuncType
	for i := uint32(0); i < n; i++ {
		if form, err := s.Byte(); err != nil || form != 0x60 {
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

func readImports(s *Reader, types []FuncType) ([]Import, error) {
	n, err := s.U32()
	if err != nil {
		return nil, err
	}
	var out []Import
	for i := uint32(0); i < n; i++ {
		var imp Import
		if imp.Module, err = s.Name(); err != nil {
			return nil, err
		}
		if imp.Name, err = s.Name(); err != nil {
			return nil, err
		}
		if imp.Kind, err = s.Byte(); err != nil {
			return nil, err
		}
		switch imp.Kind {
		case 0:
			idx, err := s.U32()
			if err != nil {
				return nil, err
			}
			if int(idx) >= len(types) {
				return nil, fmt.Errorf("%w: import %s.%s uses type %d of %d", ErrFormat, imp.Module, imp.Name, idx, len(types))
			}
			imp.Type = types[idx]
		case 1:
			if _, err := s.Byte(); err != nil {
				return nil, err
			}
			_, err = s.Limits()
		case 2:
			imp.Limits, err = s.Limits()
		case 3:
			_, err = s.Bytes(2)
		case 4:
			if _, err = s.Byte(); err != nil { // attribute: an exception
				return nil, err
			}
			idx, err := s.U32()
			if err != nil {
				return nil, err
			}
			if int(idx) >= len(types) {
				return nil, fmt.Errorf("%w: tag import %s.%s uses type %d of %d", ErrFormat, imp.Module, imp.Name, idx, len(types))
			}
			imp.Type = types[idx]
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

// section is one section of a module: its id and its contents.
type section struct {
	id   byte
	body []byte
}

// splitSections checks the module's header and cuts the rest into its
// sections, for the rewriters to walk and put back together.
func splitSections(module []byte) ([]section, error) {
	r, err := Sections(module)
	if err != nil {
		return nil, err
	}
	var secs []section
	for !r.Done() {
		id, body, err := r.Section()
		if err != nil {
			return nil, err
		}
		secs = append(secs, section{id, body})
	}
	return secs, nil
}

// RenameImports returns an import section body with each import's module
// and name as rename gives them (given the import's own and its kind).
func RenameImports(body []byte, rename func(module, name string, kind byte) (string, string)) ([]byte, error) {
	s := &Reader{b: body}
	n, err := s.U32()
	if err != nil {
		return nil, err
	}
	out := AppendULEB(make([]byte, 0, len(body)+64), uint64(n))
	for i := uint32(0); i < n; i++ {
		module, err := s.Name()
		if err != nil {
			return nil, err
		}
		name, err := s.Name()
		if err != nil {
			return nil, err
		}
		kind, err := s.Byte()
		if err != nil {
			return nil, err
		}
		at := s.off
		if err := skipImportDesc(s, kind); err != nil {
			return nil, err
		}
		module, name = rename(module, name, kind)
		out = append(appendName(appendName(out, module), name), kind)
		out = append(out, s.b[at:s.off]...)
	}
	if !s.Done() {
		return nil, fmt.Errorf("%w: bytes after the imports", ErrFormat)
	}
	return out, nil
}
