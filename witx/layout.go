package witx

// ABI is a memory model: the width of pointers and sizes in linear memory.
type ABI int

// The two memory models of WebAssembly.
const (
	Wasm32 ABI = iota
	Wasm64
)

// String returns "wasm32" or "wasm64".
func (a ABI) String() string {
	if a == Wasm64 {
		return "wasm64"
	}
	return "wasm32"
}

// PointerSize is the size and alignment of a pointer or usize.
func (a ABI) PointerSize() uint32 {
	if a == Wasm64 {
		return 8
	}
	return 4
}

// Layout is the size and alignment of a type in linear memory.
type Layout struct {
	Size  uint32
	Align uint32
}

func alignTo(n, align uint32) uint32 { return (n + align - 1) / align * align }

func builtinLayout(a ABI, b Builtin) Layout {
	switch b {
	case U8, S8:
		return Layout{1, 1}
	case U16, S16:
		return Layout{2, 2}
	case U32, S32, F32, Char:
		return Layout{4, 4}
	case U64, S64, F64:
		return Layout{8, 8}
	case Usize:
		p := a.PointerSize()
		return Layout{p, p}
	case String:
		p := a.PointerSize()
		return Layout{2 * p, p}
	}
	return Layout{}
}

// Layout returns the size and alignment of t. Records follow the C layout
// rules; a variant is its tag followed by the largest payload, aligned to
// the strictest payload.
func (a ABI) Layout(t *Type) Layout {
	t = t.Resolve()
	switch t.Kind {
	case KindBuiltin:
		return builtinLayout(a, t.Builtin)
	case KindEnum, KindFlags:
		return builtinLayout(a, t.Repr)
	case KindHandle:
		return Layout{4, 4}
	case KindPointer, KindConstPointer:
		p := a.PointerSize()
		return Layout{p, p}
	case KindList:
		p := a.PointerSize()
		return Layout{2 * p, p}
	case KindRecord:
		_, l := a.recordLayout(t)
		return l
	case KindTuple:
		_, l := a.fieldsLayout(t.Elems)
		return l
	case KindVariant:
		_, l := a.variantLayout(t)
		return l
	case KindExpected:
		_, l := a.variantLayout(expectedAsVariant(t))
		return l
	}
	return Layout{}
}

// FieldOffsets returns the offset of each field of a record (or element of
// a tuple).
func (a ABI) FieldOffsets(t *Type) []uint32 {
	t = t.Resolve()
	if t.Kind == KindTuple {
		offs, _ := a.fieldsLayout(t.Elems)
		return offs
	}
	offs, _ := a.recordLayout(t)
	return offs
}

// PayloadOffset returns where the payload of a variant starts: after the
// tag, aligned to the strictest case.
func (a ABI) PayloadOffset(t *Type) uint32 {
	t = t.Resolve()
	if t.Kind == KindExpected {
		t = expectedAsVariant(t)
	}
	off, _ := a.variantLayout(t)
	return off
}

func (a ABI) recordLayout(t *Type) ([]uint32, Layout) {
	types := make([]*Type, len(t.Fields))
	for i, f := range t.Fields {
		types[i] = f.Type
	}
	return a.fieldsLayout(types)
}

func (a ABI) fieldsLayout(types []*Type) ([]uint32, Layout) {
	offs := make([]uint32, len(types))
	var off, align uint32 = 0, 1
	for i, ft := range types {
		l := a.Layout(ft)
		off = alignTo(off, l.Align)
		offs[i] = off
		off += l.Size
		align = max(align, l.Align)
	}
	return offs, Layout{alignTo(off, align), align}
}

func (a ABI) variantLayout(t *Type) (uint32, Layout) {
	tag := a.Layout(t.Tag)
	var payload, palign uint32 = 0, 1
	for _, c := range t.Cases {
		if c.Type == nil {
			continue
		}
		l := a.Layout(c.Type)
		payload = max(payload, l.Size)
		palign = max(palign, l.Align)
	}
	off := alignTo(tag.Size, palign)
	align := max(tag.Align, palign)
	return off, Layout{alignTo(off+payload, align), align}
}

// expectedAsVariant views expected<T,E> as a variant with a u32 tag: ok=0, err=1.
func expectedAsVariant(t *Type) *Type {
	return &Type{
		Kind:  KindVariant,
		Tag:   &Type{Kind: KindBuiltin, Builtin: U32},
		Cases: []Case{{Name: "ok", Type: t.Ok}, {Name: "err", Type: t.Err, Value: 1}},
	}
}
