package main

import (
	"bytes"
	"fmt"
	"path/filepath"
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
			var params, names, results []string
			for _, p := range sig.Params {
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
			fmt.Fprintf(&b, "\t\t\t{Name: %q, Params: []api.ValueType{%s}, Results: []api.ValueType{%s}, ParamNames: []string{%s}, NoReturn: %v},\n",
				f.Name, strings.Join(params, ", "), strings.Join(results, ", "), strings.Join(names, ", "), f.NoReturn)
		}
		b.WriteString("\t\t},\n\t\tTypes: map[string]TypeLayout{\n")
		for _, tn := range doc.Types {
			l := witx.Wasm32.Layout(tn.Type)
			var fields []string
			switch t := tn.Type.Resolve(); tn.Type.Kind {
			case witx.KindRecord:
				for i, off := range witx.Wasm32.FieldOffsets(t) {
					fields = append(fields, fmt.Sprintf("%q: %d", t.Fields[i].Name, off))
				}
			case witx.KindVariant:
				fields = append(fields, `"tag": 0`, fmt.Sprintf(`"payload": %d`, witx.Wasm32.PayloadOffset(t)))
			}
			fm := "nil"
			if len(fields) > 0 {
				fm = "map[string]uint32{" + strings.Join(fields, ", ") + "}"
			}
			fmt.Fprintf(&b, "\t\t\t%q: {Size: %d, Align: %d, Fields: %s},\n", tn.Name, l.Size, l.Align, fm)
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
