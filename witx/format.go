package witx

import "strings"

// String renders t compactly, as "pointer<u8>", "expected<tuple<size,size>,errno>"
// or a type name. It is the notation of the ABI fact tables and of docs.
func (t *Type) String() string {
	if t == nil {
		return ""
	}
	switch t.Kind {
	case KindBuiltin:
		return t.Builtin.String()
	case KindRef:
		return t.Name
	case KindEnum:
		return "enum<" + t.Repr.String() + ">"
	case KindFlags:
		return "flags<" + t.Repr.String() + ">"
	case KindRecord:
		return "record"
	case KindVariant:
		return "variant"
	case KindHandle:
		return "handle"
	case KindList:
		return "list<" + t.Elem.String() + ">"
	case KindPointer:
		return "pointer<" + t.Elem.String() + ">"
	case KindConstPointer:
		return "const_pointer<" + t.Elem.String() + ">"
	case KindExpected:
		return "expected<" + t.Ok.String() + "," + t.Err.String() + ">"
	case KindTuple:
		s := make([]string, len(t.Elems))
		for i, e := range t.Elems {
			s[i] = e.String()
		}
		return "tuple<" + strings.Join(s, ",") + ">"
	}
	return "?"
}
