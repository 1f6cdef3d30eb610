package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/wasix-go/wasix/witx"
)

// hostSets are the generations the runtime implements, with their spec
// directories and the Go names of their constants in internal/abi.
var hostSets = []struct{ gen, dir, module string }{
	{"Preview1", "preview1", "wasi_snapshot_preview1"},
	{"Wasix2022", "wasix-2022", "wasix_32v1"},
	{"WasixSeed", "wasix-seed", "wasix_32v1"},
	{"WasixCurrent", "wasix-current", "wasix_32v1"},
}

var valTypeGo = map[witx.ValType]string{
	witx.ValI32: "i32", witx.ValI64: "i64", witx.ValF32: "f32", witx.ValF64: "f64",
}

// generateHost writes the tables of every generation for internal/abi.
func generateHost(out string) error {
	var b bytes.Buffer
	b.WriteString(header("wasixgen from spec/", ""))
	b.WriteString("package abi\n\nimport \"github.com/tetratelabs/wazero/api\"\n\n")
	b.WriteString("const (\n\ti32 = api.ValueTypeI32\n\ti64 = api.ValueTypeI64\n\tf32 = api.ValueTypeF32\n\tf64 = api.ValueTypeF64\n)\n\n")
	b.WriteString("// specs holds every generation, generated from the witx files.\nvar specs = []*Spec{\n")
	for _, set := range hostSets {
		doc, err := witx.LoadDir(filepath.Join("spec", set.dir))
		if err != nil {
			return err
		}
		m := doc.Module(set.module)
		if m == nil {
			return fmt.Errorf("spec/%s has no module %s", set.dir, set.module)
		}
		fmt.Fprintf(&b, "\t{\n\t\tGen: %s,\n\t\tModule: %q,\n\t\tFuncs: []Func{\n", set.gen, set.module)
		for _, f := range m.Funcs {
			sig, err := witx.Wasm32.Lower(f)
			if err != nil {
				return err
			}
			var params, names, kinds, results []string
			for _, p := range sig.Params {
				kinds = append(kinds, fmt.Sprintf("%q", traceKind(f, p)))
				params = append(params, valTypeGo[p.Type])
				n := p.From
				switch p.Part {
				case "ptr", "len":
					n += "." + p.Part
				case "out":
					n = fmt.Sprintf("out%d", p.Index)
				}
				names = append(names, fmt.Sprintf("%q", n))
			}
			for _, r := range sig.Results {
				results = append(results, valTypeGo[r])
			}
			fmt.Fprintf(&b, "\t\t\t{Name: %q, Params: []api.ValueType{%s}, Results: []api.ValueType{%s}, ParamNames: []string{%s}, ParamKinds: []string{%s}, NoReturn: %v},\n",
				f.Name, strings.Join(params, ", "), strings.Join(results, ", "), strings.Join(names, ", "), strings.Join(kinds, ", "), f.NoReturn)
		}
		// Types and Named are sorted slices, not maps: the linker lays them
		// out as data, where map literals would be built at every start.
		types := slices.Clone(doc.Types)
		slices.SortFunc(types, func(a, b *witx.TypeName) int { return strings.Compare(a.Name, b.Name) })
		b.WriteString("\t\t},\n\t\tTypes: []TypeLayout{\n")
		for _, tn := range types {
			l := witx.Wasm32.Layout(tn.Type)
			var fields []string
			switch t := tn.Type.Resolve(); tn.Type.Kind {
			case witx.KindRecord:
				for i, off := range witx.Wasm32.FieldOffsets(t) {
					fields = append(fields, fmt.Sprintf("{%q, %d}", t.Fields[i].Name, off))
				}
			case witx.KindVariant:
				fields = append(fields, `{"tag", 0}`, fmt.Sprintf(`{"payload", %d}`, witx.Wasm32.PayloadOffset(t)))
			}
			fs := "nil"
			if len(fields) > 0 {
				fs = "[]Field{" + strings.Join(fields, ", ") + "}"
			}
			fmt.Fprintf(&b, "\t\t\t{Name: %q, Size: %d, Align: %d, Fields: %s},\n", tn.Name, l.Size, l.Align, fs)
		}
		b.WriteString("\t\t},\n\t\tNamed: []Named{\n")
		for _, tn := range types {
			t := tn.Type
			if t.Kind != witx.KindEnum && t.Kind != witx.KindFlags {
				continue
			}
			var ms []string
			for _, m := range t.Members {
				ms = append(ms, fmt.Sprintf("{%q, %d}", m.Name, m.Value))
			}
			fmt.Fprintf(&b, "\t\t\t{Name: %q, Flags: %v, Members: []Member{%s}},\n", tn.Name, t.Kind == witx.KindFlags, strings.Join(ms, ", "))
		}
		b.WriteString("\t\t},\n\t},\n")
	}
	b.WriteString("}\n\nvar _ = []api.ValueType{f32, f64}\n")
	src, err := gofmt(out, b.Bytes())
	if err != nil {
		return err
	}
	return writeIfChanged(out, src)
}

// traceKind says how the runtime's tracer shows one core param of f (see
// Func.ParamKinds in internal/abi): a named type's name (the tracer knows
// the members of enums and flags), "string", "bytes", "ciovec", "iovec" or
// "list" for the pointer of a list, "len" for its length, "u8ptr" for a
// pointer to bytes, "ptr" for another pointer, "out:TYPE" for a result
// pointer, or a builtin's name.
func traceKind(f *witx.Func, p witx.CoreParam) string {
	if p.Part == "out" {
		for _, r := range f.Results {
			if r.Name != p.From {
				continue
			}
			t := r.Type.Resolve()
			if t.Kind == witx.KindExpected && t.Ok != nil {
				t = t.Ok
			}
			if rt := t.Resolve(); rt.Kind == witx.KindTuple && p.Index < len(rt.Elems) {
				t = rt.Elems[p.Index]
			}
			return "out:" + valueKind(t)
		}
		return "out:"
	}
	for _, fp := range f.Params {
		if fp.Name != p.From {
			continue
		}
		switch p.Part {
		case "len":
			return "len"
		case "ptr":
			t := fp.Type.Resolve()
			if t.Kind == witx.KindBuiltin && t.Builtin == witx.String {
				return "string"
			}
			if t.Kind == witx.KindList {
				e := t.Elem
				if e.Kind == witx.KindRef && (e.Name == "ciovec" || e.Name == "iovec") {
					return e.Name
				}
				if r := e.Resolve(); r.Kind == witx.KindBuiltin && r.Builtin == witx.U8 {
					return "bytes"
				}
			}
			return "list"
		}
		return valueKind(fp.Type)
	}
	return ""
}

// valueKind names a type passed by value: a named type by its name, a
// pointer as "u8ptr" or "ptr", a builtin by its spelling.
func valueKind(t *witx.Type) string {
	switch t.Kind {
	case witx.KindRef:
		return t.Name
	case witx.KindPointer, witx.KindConstPointer:
		if e := t.Elem.Resolve(); e.Kind == witx.KindBuiltin && e.Builtin == witx.U8 {
			return "u8ptr"
		}
		return "ptr"
	case witx.KindBuiltin:
		return t.Builtin.String()
	}
	return ""
}
