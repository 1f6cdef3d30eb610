package witx

import (
	"fmt"
	"strings"
)

// ValType is a WebAssembly core value type.
type ValType byte

// The core value types a witx function lowers to.
const (
	ValI32 ValType = 0x7f
	ValI64 ValType = 0x7e
	ValF32 ValType = 0x7d
	ValF64 ValType = 0x7c
)

// String returns the text-format name of v: i32, i64, f32 or f64.
func (v ValType) String() string {
	switch v {
	case ValI32:
		return "i32"
	case ValI64:
		return "i64"
	case ValF32:
		return "f32"
	case ValF64:
		return "f64"
	}
	return fmt.Sprintf("valtype(%#x)", byte(v))
}

// CoreParam is one core parameter of a lowered function. From names the witx
// param (or result, for out-pointers) it comes from; Part says which piece:
// "" for a whole value, "ptr"/"len" for strings and lists, "out" for a
// result pointer (with Index the tuple element).
type CoreParam struct {
	Type  ValType
	From  string
	Part  string
	Index int
}

// CoreSig is the core WebAssembly signature of a witx function.
type CoreSig struct {
	Params  []CoreParam
	Results []ValType
}

// ParamTypes returns just the types of the core params.
func (s CoreSig) ParamTypes() []ValType {
	out := make([]ValType, len(s.Params))
	for i, p := range s.Params {
		out[i] = p.Type
	}
	return out
}

// String renders the signature as "(i32 i32) -> i32".
func (s CoreSig) String() string {
	return "(" + joinVals(s.ParamTypes()) + ") -> (" + joinVals(s.Results) + ")"
}

func joinVals(v []ValType) string {
	s := make([]string, len(v))
	for i, t := range v {
		s[i] = t.String()
	}
	return strings.Join(s, " ")
}

func (a ABI) ptr() ValType {
	if a == Wasm64 {
		return ValI64
	}
	return ValI32
}

// lowerValue returns the core types that carry a value of type t.
// Strings and lists are a pointer and a length. Records and variants passed
// by value travel by pointer.
func (a ABI) lowerValue(t *Type) []ValType {
	t = t.Resolve()
	switch t.Kind {
	case KindBuiltin:
		switch t.Builtin {
		case U64, S64:
			return []ValType{ValI64}
		case F32:
			return []ValType{ValF32}
		case F64:
			return []ValType{ValF64}
		case Usize:
			return []ValType{a.ptr()}
		case String:
			return []ValType{a.ptr(), a.ptr()}
		}
		return []ValType{ValI32}
	case KindEnum, KindFlags:
		if t.Repr == U64 {
			return []ValType{ValI64}
		}
		return []ValType{ValI32}
	case KindHandle:
		return []ValType{ValI32}
	case KindList:
		return []ValType{a.ptr(), a.ptr()}
	}
	return []ValType{a.ptr()}
}

// isScalar reports whether t fits in one core value, so that it can be a
// core result rather than an out-pointer.
func isScalar(t *Type) bool {
	switch r := t.Resolve(); r.Kind {
	case KindBuiltin:
		return r.Builtin != String
	case KindEnum, KindFlags, KindHandle, KindPointer, KindConstPointer:
		return true
	}
	return false
}

// Lower computes the core signature of f. An `expected<T, E>` result becomes
// a core result carrying E (zero meaning success) and one out-pointer param
// per element of T (per tuple element when T is a tuple).
func (a ABI) Lower(f *Func) (CoreSig, error) {
	var sig CoreSig
	for _, p := range f.Params {
		vals := a.lowerValue(p.Type)
		r := p.Type.Resolve()
		for i, v := range vals {
			cp := CoreParam{Type: v, From: p.Name}
			if len(vals) == 2 && (r.Kind == KindList || (r.Kind == KindBuiltin && r.Builtin == String)) {
				cp.Part = [2]string{"ptr", "len"}[i]
			}
			sig.Params = append(sig.Params, cp)
		}
	}
	for _, res := range f.Results {
		t := res.Type.Resolve()
		switch {
		case t.Kind == KindExpected:
			if !isScalar(t.Err) {
				return sig, errorf(res.Pos, "result $%s: the error type of expected must be a scalar", res.Name)
			}
			sig.Results = append(sig.Results, a.lowerValue(t.Err)...)
			if t.Ok == nil {
				continue
			}
			elems := []*Type{t.Ok}
			if ok := t.Ok.Resolve(); ok.Kind == KindTuple {
				elems = ok.Elems
			}
			for i := range elems {
				sig.Params = append(sig.Params, CoreParam{Type: a.ptr(), From: res.Name, Part: "out", Index: i})
			}
		case isScalar(t):
			sig.Results = append(sig.Results, a.lowerValue(t)...)
		default:
			sig.Params = append(sig.Params, CoreParam{Type: a.ptr(), From: res.Name, Part: "out"})
		}
	}
	if len(sig.Results) > 1 {
		return sig, errorf(f.Pos, "function %q lowers to %d core results; at most one is allowed", f.Name, len(sig.Results))
	}
	return sig, nil
}
