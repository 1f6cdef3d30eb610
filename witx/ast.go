package witx

// Kind says which constructor built a Type.
type Kind int

// The kinds of witx types.
const (
	KindBuiltin      Kind = iota // u8 ... f64, char, string, usize
	KindRef                      // a reference to a named type: $name
	KindEnum                     // (enum (@witx tag T) $a $b ...)
	KindFlags                    // (flags (@witx repr T) $a $b ...)
	KindRecord                   // (record (field $f T) ...)
	KindVariant                  // (union ...) or (variant ...)
	KindHandle                   // (handle)
	KindList                     // (list T)
	KindPointer                  // (@witx pointer T)
	KindConstPointer             // (@witx const_pointer T)
	KindExpected                 // (expected T (error E))
	KindTuple                    // (tuple T ...)
)

// Builtin names a primitive type.
type Builtin int

// The builtin types. Usize is pointer-sized: 4 bytes on wasm32, 8 on wasm64.
const (
	U8 Builtin = iota + 1
	U16
	U32
	U64
	S8
	S16
	S32
	S64
	F32
	F64
	Char
	String
	Usize
)

var builtinNames = map[string]Builtin{
	"u8": U8, "u16": U16, "u32": U32, "u64": U64,
	"s8": S8, "s16": S16, "s32": S32, "s64": S64,
	"f32": F32, "f64": F64, "char": Char, "char8": U8, "string": String,
}

var builtinSpelling = [...]string{
	U8: "u8", U16: "u16", U32: "u32", U64: "u64",
	S8: "s8", S16: "s16", S32: "s32", S64: "s64",
	F32: "f32", F64: "f64", Char: "char", String: "string", Usize: "usize",
}

// String returns the witx spelling of b.
func (b Builtin) String() string {
	if b <= 0 || int(b) >= len(builtinSpelling) {
		return "?"
	}
	return builtinSpelling[b]
}

// Type is one witx type expression. Which fields are set depends on Kind.
type Type struct {
	Kind Kind
	Pos  Pos

	Builtin Builtin   // KindBuiltin
	Name    string    // KindRef: the referenced name, without '$'
	Ref     *TypeName // KindRef: the target, set by resolution

	Repr    Builtin  // KindEnum, KindFlags: the integer representation
	Members []Member // KindEnum, KindFlags

	Fields []Field // KindRecord

	Tag   *Type  // KindVariant: the tag, a builtin or a reference to an enum
	Cases []Case // KindVariant

	Elem  *Type   // KindList, KindPointer, KindConstPointer
	Ok    *Type   // KindExpected: nil when the call returns nothing on success
	Err   *Type   // KindExpected
	Elems []*Type // KindTuple
}

// Member is an enum case or a flag bit. Value is its number (enum) or bit
// mask (flags).
type Member struct {
	Name  string
	Value uint64
	Doc   string
	Pos   Pos
}

// Field is a field of a record.
type Field struct {
	Name string
	Type *Type
	Doc  string
	Pos  Pos
}

// Case is a case of a variant. Type is nil for a case without payload.
// Value is the tag value that selects it.
type Case struct {
	Name  string
	Type  *Type
	Value uint64
	Doc   string
	Pos   Pos
}

// TypeName is a `(typename $name T)` declaration.
type TypeName struct {
	Name string
	Type *Type
	Doc  string
	Pos  Pos
}

// Param is a parameter or result of a function.
type Param struct {
	Name string
	Type *Type
	Doc  string
	Pos  Pos
}

// Func is one `(@interface func (export "name") ...)` of a module.
type Func struct {
	Name     string
	Params   []Param
	Results  []Param
	NoReturn bool
	Doc      string
	Pos      Pos
}

// Module is a `(module $name ...)` declaration: the functions a host exports
// under one import module name.
type Module struct {
	Name  string
	Funcs []*Func
	Doc   string
	Pos   Pos
}

// Func returns the function named name, or nil.
func (m *Module) Func(name string) *Func {
	for _, f := range m.Funcs {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// Document is a resolved set of witx files: every type name they declare or
// use, in declaration order, and every module.
type Document struct {
	Types   []*TypeName
	Modules []*Module
	byName  map[string]*TypeName
}

// Type returns the named type, or nil.
func (d *Document) Type(name string) *TypeName { return d.byName[name] }

// Module returns the named module, or nil.
func (d *Document) Module(name string) *Module {
	for _, m := range d.Modules {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// Resolve follows references until it reaches a type that is not a
// reference. Aliases are references, so Resolve(size) is u32.
func (t *Type) Resolve() *Type {
	for i := 0; t != nil && t.Kind == KindRef && t.Ref != nil; i++ {
		if i > 1000 {
			return t
		}
		t = t.Ref.Type
	}
	return t
}
