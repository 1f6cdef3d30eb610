package witx

import (
	"strings"
)

// File is one parsed witx file before resolution.
type File struct {
	Name    string
	Uses    []Use
	Types   []*TypeName
	Modules []*Module
}

// Use is a `(use "path.witx")` declaration.
type Use struct {
	Path string
	Pos  Pos
}

// Parse parses one witx file. name is used in positions of errors.
func Parse(name, src string) (*File, error) {
	nodes, err := readAll(name, src)
	if err != nil {
		return nil, err
	}
	f := &File{Name: name}
	for _, n := range nodes {
		switch n.head() {
		case "use":
			if len(n.list) != 2 || n.list[1].str == nil {
				return nil, errorf(n.pos, `expected (use "file.witx")`)
			}
			f.Uses = append(f.Uses, Use{Path: *n.list[1].str, Pos: n.pos})
		case "typename":
			tn, err := parseTypeName(n)
			if err != nil {
				return nil, err
			}
			f.Types = append(f.Types, tn)
		case "module":
			m, err := parseModule(n)
			if err != nil {
				return nil, err
			}
			f.Modules = append(f.Modules, m)
		default:
			return nil, errorf(n.pos, "expected (use ...), (typename ...) or (module ...), found %s", n.describe())
		}
	}
	return f, nil
}

// ident returns the name of a `$name` atom.
func ident(n *node, what string) (string, error) {
	if n.isL || n.str != nil || !strings.HasPrefix(n.atom, "$") || len(n.atom) < 2 {
		return "", errorf(n.pos, "expected %s ($name), found %s", what, n.describe())
	}
	return n.atom[1:], nil
}

func parseTypeName(n *node) (*TypeName, error) {
	if len(n.list) != 3 {
		return nil, errorf(n.pos, "expected (typename $name type)")
	}
	name, err := ident(n.list[1], "a type name")
	if err != nil {
		return nil, err
	}
	t, err := parseType(n.list[2])
	if err != nil {
		return nil, err
	}
	return &TypeName{Name: name, Type: t, Doc: n.doc, Pos: n.pos}, nil
}

// annotation reports whether n is `(@witx KEY ...)` and returns its arguments.
func annotation(n *node, key string) ([]*node, bool) {
	if n.head() != "@witx" || len(n.list) < 2 || n.list[1].atom != key || n.list[1].isL {
		return nil, false
	}
	return n.list[2:], true
}

func parseType(n *node) (*Type, error) {
	if !n.isL {
		if n.str != nil {
			return nil, errorf(n.pos, "expected a type, found %s", n.describe())
		}
		if b, ok := builtinNames[n.atom]; ok {
			return &Type{Kind: KindBuiltin, Builtin: b, Pos: n.pos}, nil
		}
		if strings.HasPrefix(n.atom, "$") && len(n.atom) > 1 {
			return &Type{Kind: KindRef, Name: n.atom[1:], Pos: n.pos}, nil
		}
		return nil, errorf(n.pos, "expected a type (a builtin such as u32, or $name), found %s", n.describe())
	}
	if args, ok := annotation(n, "usize"); ok && len(args) == 0 {
		return &Type{Kind: KindBuiltin, Builtin: Usize, Pos: n.pos}, nil
	}
	for _, k := range []struct {
		key  string
		kind Kind
	}{{"pointer", KindPointer}, {"const_pointer", KindConstPointer}} {
		if args, ok := annotation(n, k.key); ok {
			if len(args) != 1 {
				return nil, errorf(n.pos, "expected (@witx %s type)", k.key)
			}
			elem, err := parseType(args[0])
			if err != nil {
				return nil, err
			}
			return &Type{Kind: k.kind, Elem: elem, Pos: n.pos}, nil
		}
	}
	switch n.head() {
	case "enum":
		return parseEnumOrFlags(n, KindEnum, "tag")
	case "flags":
		return parseEnumOrFlags(n, KindFlags, "repr")
	case "record":
		t := &Type{Kind: KindRecord, Pos: n.pos}
		for _, c := range n.list[1:] {
			name, ft, err := parseNamed(c, "field")
			if err != nil {
				return nil, err
			}
			t.Fields = append(t.Fields, Field{Name: name, Type: ft, Doc: c.doc, Pos: c.pos})
		}
		return t, nil
	case "union":
		return parseUnion(n)
	case "variant":
		return parseVariant(n)
	case "handle":
		if len(n.list) != 1 {
			return nil, errorf(n.pos, "expected (handle)")
		}
		return &Type{Kind: KindHandle, Pos: n.pos}, nil
	case "list":
		if len(n.list) != 2 {
			return nil, errorf(n.pos, "expected (list type)")
		}
		elem, err := parseType(n.list[1])
		if err != nil {
			return nil, err
		}
		return &Type{Kind: KindList, Elem: elem, Pos: n.pos}, nil
	case "tuple":
		t := &Type{Kind: KindTuple, Pos: n.pos}
		for _, c := range n.list[1:] {
			e, err := parseType(c)
			if err != nil {
				return nil, err
			}
			t.Elems = append(t.Elems, e)
		}
		return t, nil
	case "expected":
		return parseExpected(n)
	}
	return nil, errorf(n.pos, "expected a type constructor (enum, flags, record, union, variant, handle, list, tuple, expected, @witx pointer), found %s", n.describe())
}

// reprOf parses the representation of an enum, flags or variant tag:
// `(@witx KEY u8)` or, in older specs, a bare `u8`.
func reprOf(n *node, key string) (Builtin, bool, error) {
	var atom *node
	if args, ok := annotation(n, key); ok {
		if len(args) != 1 {
			return 0, false, errorf(n.pos, "expected (@witx %s u8|u16|u32|u64)", key)
		}
		atom = args[0]
	} else if !n.isL && n.str == nil {
		atom = n
	} else {
		return 0, false, nil
	}
	b, ok := builtinNames[atom.atom]
	if !ok || atom.isL {
		return 0, false, nil
	}
	switch b {
	case U8, U16, U32, U64:
		return b, true, nil
	}
	return 0, false, errorf(atom.pos, "expected an unsigned integer representation (u8, u16, u32, u64), found %s", atom.describe())
}

func parseEnumOrFlags(n *node, kind Kind, key string) (*Type, error) {
	t := &Type{Kind: kind, Pos: n.pos, Repr: U32}
	rest := n.list[1:]
	if len(rest) > 0 {
		b, ok, err := reprOf(rest[0], key)
		if err != nil {
			return nil, err
		}
		if ok {
			t.Repr = b
			rest = rest[1:]
		}
	}
	limit := uint64(reprBits(t.Repr))
	for i, c := range rest {
		name, err := ident(c, "a member name")
		if err != nil {
			return nil, err
		}
		m := Member{Name: name, Doc: c.doc, Pos: c.pos}
		if kind == KindEnum {
			if limit < 64 && uint64(i) >= 1<<limit {
				return nil, errorf(c.pos, "enum has more members than its %s representation holds", t.Repr)
			}
			m.Value = uint64(i)
		} else {
			if uint64(i) >= limit {
				return nil, errorf(c.pos, "flags have more members than the %d bits of %s", limit, t.Repr)
			}
			m.Value = 1 << uint(i)
		}
		for _, prev := range t.Members {
			if prev.Name == name {
				return nil, errorf(c.pos, "duplicate member $%s", name)
			}
		}
		t.Members = append(t.Members, m)
	}
	return t, nil
}

func reprBits(b Builtin) int {
	switch b {
	case U8:
		return 8
	case U16:
		return 16
	case U64:
		return 64
	}
	return 32
}

// parseNamed parses `(KEYWORD $name type)`.
func parseNamed(n *node, keyword string) (string, *Type, error) {
	if n.head() != keyword || len(n.list) != 3 {
		return "", nil, errorf(n.pos, "expected (%s $name type), found %s", keyword, n.describe())
	}
	name, err := ident(n.list[1], "a "+keyword+" name")
	if err != nil {
		return "", nil, err
	}
	t, err := parseType(n.list[2])
	if err != nil {
		return "", nil, err
	}
	return name, t, nil
}

// parseTag parses the tag of a union or variant: `(@witx tag T)` or a bare T.
func parseTag(n *node) (*Type, bool, error) {
	if args, ok := annotation(n, "tag"); ok {
		if len(args) != 1 {
			return nil, false, errorf(n.pos, "expected (@witx tag type)")
		}
		t, err := parseType(args[0])
		return t, true, err
	}
	return nil, false, nil
}

// parseUnion parses `(union (@witx tag $enum) T1 T2 ...)`, whose case i is
// named after member i of the tag enum, and the older
// `(union $enum (field $case T) ...)`.
func parseUnion(n *node) (*Type, error) {
	t := &Type{Kind: KindVariant, Pos: n.pos}
	rest := n.list[1:]
	if len(rest) == 0 {
		return nil, errorf(n.pos, "expected (union (@witx tag $enum) type ...)")
	}
	tag, ok, err := parseTag(rest[0])
	if err != nil {
		return nil, err
	}
	if ok {
		rest = rest[1:]
	} else {
		if tag, err = parseType(rest[0]); err != nil {
			return nil, err
		}
		rest = rest[1:]
	}
	t.Tag = tag
	for _, c := range rest {
		if c.head() == "field" {
			name, ct, err := parseNamed(c, "field")
			if err != nil {
				return nil, err
			}
			t.Cases = append(t.Cases, Case{Name: name, Type: ct, Doc: c.doc, Pos: c.pos})
			continue
		}
		if c.head() == "empty" {
			name, err := ident(c.list[len(c.list)-1], "a case name")
			if err != nil || len(c.list) != 2 {
				return nil, errorf(c.pos, "expected (empty $case)")
			}
			t.Cases = append(t.Cases, Case{Name: name, Doc: c.doc, Pos: c.pos})
			continue
		}
		ct, err := parseType(c)
		if err != nil {
			return nil, err
		}
		// The name comes from the tag enum during resolution.
		t.Cases = append(t.Cases, Case{Type: ct, Doc: c.doc, Pos: c.pos})
	}
	return t, nil
}

// parseVariant parses `(variant (@witx tag T) (case $name) (case $name T) ...)`.
func parseVariant(n *node) (*Type, error) {
	t := &Type{Kind: KindVariant, Pos: n.pos}
	rest := n.list[1:]
	if len(rest) > 0 {
		tag, ok, err := parseTag(rest[0])
		if err != nil {
			return nil, err
		}
		if ok {
			t.Tag = tag
			rest = rest[1:]
		}
	}
	for _, c := range rest {
		if c.head() != "case" || len(c.list) < 2 || len(c.list) > 3 {
			return nil, errorf(c.pos, "expected (case $name) or (case $name type), found %s", c.describe())
		}
		name, err := ident(c.list[1], "a case name")
		if err != nil {
			return nil, err
		}
		cs := Case{Name: name, Doc: c.doc, Pos: c.pos}
		if len(c.list) == 3 {
			if cs.Type, err = parseType(c.list[2]); err != nil {
				return nil, err
			}
		}
		t.Cases = append(t.Cases, cs)
	}
	if len(t.Cases) == 0 {
		return nil, errorf(n.pos, "a variant needs at least one case")
	}
	return t, nil
}

// parseExpected parses `(expected T (error E))` and `(expected (error E))`.
func parseExpected(n *node) (*Type, error) {
	t := &Type{Kind: KindExpected, Pos: n.pos}
	rest := n.list[1:]
	if len(rest) == 2 {
		ok, err := parseType(rest[0])
		if err != nil {
			return nil, err
		}
		t.Ok = ok
		rest = rest[1:]
	}
	if len(rest) != 1 || rest[0].head() != "error" || len(rest[0].list) != 2 {
		return nil, errorf(n.pos, "expected (expected type (error type)) or (expected (error type))")
	}
	e, err := parseType(rest[0].list[1])
	if err != nil {
		return nil, err
	}
	t.Err = e
	return t, nil
}

func parseModule(n *node) (*Module, error) {
	if len(n.list) < 2 {
		return nil, errorf(n.pos, "expected (module $name ...)")
	}
	name, err := ident(n.list[1], "a module name")
	if err != nil {
		return nil, err
	}
	m := &Module{Name: name, Doc: n.doc, Pos: n.pos}
	for _, c := range n.list[2:] {
		switch c.head() {
		case "import":
			// (import "memory" (memory)): the module uses the caller's memory.
			continue
		case "@interface":
			f, err := parseFunc(c)
			if err != nil {
				return nil, err
			}
			if m.Func(f.Name) != nil {
				return nil, errorf(c.pos, "duplicate function %q in module $%s", f.Name, m.Name)
			}
			m.Funcs = append(m.Funcs, f)
		default:
			return nil, errorf(c.pos, "expected (import ...) or (@interface func ...), found %s", c.describe())
		}
	}
	return m, nil
}

func parseFunc(n *node) (*Func, error) {
	l := n.list
	if len(l) < 3 || l[1].atom != "func" || l[2].head() != "export" || len(l[2].list) != 2 || l[2].list[1].str == nil {
		return nil, errorf(n.pos, `expected (@interface func (export "name") ...)`)
	}
	f := &Func{Name: *l[2].list[1].str, Doc: n.doc, Pos: n.pos}
	for _, c := range l[3:] {
		if _, ok := annotation(c, "noreturn"); ok {
			f.NoReturn = true
			continue
		}
		switch c.head() {
		case "param", "result":
			name, t, err := parseNamed(c, c.head())
			if err != nil {
				return nil, err
			}
			p := Param{Name: name, Type: t, Doc: c.doc, Pos: c.pos}
			if c.head() == "param" {
				if len(f.Results) > 0 {
					return nil, errorf(c.pos, "a param cannot follow a result")
				}
				f.Params = append(f.Params, p)
			} else {
				f.Results = append(f.Results, p)
			}
		default:
			return nil, errorf(c.pos, "expected (param ...), (result ...) or (@witx noreturn), found %s", c.describe())
		}
	}
	if f.NoReturn && len(f.Results) > 0 {
		return nil, errorf(n.pos, "function %q is noreturn but has results", f.Name)
	}
	return f, nil
}
