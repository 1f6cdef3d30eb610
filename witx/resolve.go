package witx

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// LoadDir parses every .witx file in dir, follows their `use` declarations,
// and resolves the result into one Document.
func LoadDir(dir string) (*Document, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".witx") {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return nil, errors.New(dir + ": no .witx files")
	}
	sort.Strings(names)
	return LoadFS(os.DirFS(filepath.Dir(dir)), prefixAll(filepath.Base(dir), names)...)
}

func prefixAll(dir string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = path.Join(dir, n)
	}
	return out
}

// LoadFS loads the named files (slash paths in fsys) and everything they use.
// A `use` path is relative to the file that says it.
func LoadFS(fsys fs.FS, names ...string) (*Document, error) {
	l := &loader{fsys: fsys, seen: map[string]bool{}}
	for _, n := range names {
		if err := l.load(path.Clean(n), Pos{}); err != nil {
			return nil, err
		}
	}
	return resolve(l.files)
}

// Load resolves already parsed files, in order. Their `use` declarations
// must be satisfied by the files given.
func Load(files ...*File) (*Document, error) { return resolve(files) }

type loader struct {
	fsys  fs.FS
	seen  map[string]bool
	files []*File
}

func (l *loader) load(name string, from Pos) error {
	if l.seen[name] {
		return nil
	}
	l.seen[name] = true
	src, err := fs.ReadFile(l.fsys, name)
	if err != nil {
		if from.File != "" {
			return errorf(from, "cannot read used file: %v", err)
		}
		return err
	}
	f, err := Parse(name, string(src))
	if err != nil {
		return err
	}
	// Used files come first so that their types are declared before ours.
	for _, u := range f.Uses {
		if err := l.load(path.Clean(path.Join(path.Dir(name), u.Path)), u.Pos); err != nil {
			return err
		}
	}
	l.files = append(l.files, f)
	return nil
}

func resolve(files []*File) (*Document, error) {
	d := &Document{byName: map[string]*TypeName{}}
	for _, f := range files {
		for _, tn := range f.Types {
			if prev, ok := d.byName[tn.Name]; ok {
				return nil, errorf(tn.Pos, "type $%s already declared at %s", tn.Name, prev.Pos)
			}
			d.byName[tn.Name] = tn
			d.Types = append(d.Types, tn)
		}
	}
	for _, f := range files {
		for _, m := range f.Modules {
			if d.Module(m.Name) != nil {
				return nil, errorf(m.Pos, "module $%s declared twice", m.Name)
			}
			d.Modules = append(d.Modules, m)
		}
	}
	r := &resolver{doc: d, done: map[*TypeName]bool{}}
	for _, tn := range d.Types {
		if err := r.typ(tn.Type); err != nil {
			return nil, err
		}
	}
	for _, tn := range d.Types {
		if err := r.checkCycle(tn, nil); err != nil {
			return nil, err
		}
	}
	for _, m := range d.Modules {
		for _, f := range m.Funcs {
			for _, p := range append(append([]Param(nil), f.Params...), f.Results...) {
				if err := r.typ(p.Type); err != nil {
					return nil, err
				}
			}
			for _, p := range f.Params {
				switch p.Type.Resolve().Kind {
				case KindExpected, KindTuple:
					return nil, errorf(p.Pos, "param $%s: expected and tuple types may only be results", p.Name)
				}
			}
		}
	}
	return d, nil
}

type resolver struct {
	doc  *Document
	done map[*TypeName]bool // checked for cycles already
}

// typ binds references inside t and checks what can only be checked once
// every name is known: union tags and case names.
func (r *resolver) typ(t *Type) error {
	if t == nil {
		return nil
	}
	switch t.Kind {
	case KindRef:
		tn := r.doc.byName[t.Name]
		if tn == nil {
			return errorf(t.Pos, "unknown type $%s", t.Name)
		}
		t.Ref = tn
	case KindRecord:
		seen := map[string]bool{}
		for _, f := range t.Fields {
			if seen[f.Name] {
				return errorf(f.Pos, "duplicate field $%s", f.Name)
			}
			seen[f.Name] = true
			if err := r.typ(f.Type); err != nil {
				return err
			}
		}
	case KindVariant:
		return r.variant(t)
	case KindList, KindPointer, KindConstPointer:
		return r.typ(t.Elem)
	case KindExpected:
		if err := r.typ(t.Ok); err != nil {
			return err
		}
		return r.typ(t.Err)
	case KindTuple:
		for _, e := range t.Elems {
			if err := r.typ(e); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *resolver) variant(t *Type) error {
	for i := range t.Cases {
		if err := r.typ(t.Cases[i].Type); err != nil {
			return err
		}
	}
	if t.Tag == nil {
		// No tag given: the smallest unsigned type that holds every case.
		t.Tag = &Type{Kind: KindBuiltin, Builtin: smallestRepr(len(t.Cases)), Pos: t.Pos}
	}
	if err := r.typ(t.Tag); err != nil {
		return err
	}
	tag := t.Tag.Resolve()
	switch {
	case tag.Kind == KindBuiltin && (tag.Builtin == U8 || tag.Builtin == U16 || tag.Builtin == U32 || tag.Builtin == U64):
		for i := range t.Cases {
			if t.Cases[i].Name == "" {
				return errorf(t.Cases[i].Pos, "a union case needs a name: give the union an enum tag")
			}
			t.Cases[i].Value = uint64(i)
		}
	case tag.Kind == KindEnum:
		if len(t.Cases) > len(tag.Members) {
			return errorf(t.Pos, "%d cases but the tag enum has %d members", len(t.Cases), len(tag.Members))
		}
		for i := range t.Cases {
			c := &t.Cases[i]
			if c.Name == "" {
				c.Name = tag.Members[i].Name
				c.Value = tag.Members[i].Value
				continue
			}
			found := false
			for _, m := range tag.Members {
				if m.Name == c.Name {
					c.Value, found = m.Value, true
				}
			}
			if !found {
				return errorf(c.Pos, "case $%s is not a member of the tag enum", c.Name)
			}
		}
	default:
		return errorf(t.Tag.Pos, "a union tag must be an unsigned integer or an enum")
	}
	seen := map[string]bool{}
	for _, c := range t.Cases {
		if seen[c.Name] {
			return errorf(c.Pos, "duplicate case $%s", c.Name)
		}
		seen[c.Name] = true
	}
	return nil
}

func smallestRepr(n int) Builtin {
	switch {
	case n <= 1<<8:
		return U8
	case n <= 1<<16:
		return U16
	}
	return U32
}

// checkCycle rejects types that contain themselves by value, which would
// have infinite size. Pointers and lists break cycles.
func (r *resolver) checkCycle(tn *TypeName, stack []*TypeName) error {
	if r.done[tn] {
		return nil
	}
	for _, s := range stack {
		if s == tn {
			return errorf(tn.Pos, "type $%s contains itself", tn.Name)
		}
	}
	stack = append(stack, tn)
	var walk func(t *Type) error
	walk = func(t *Type) error {
		if t == nil {
			return nil
		}
		switch t.Kind {
		case KindRef:
			return r.checkCycle(t.Ref, stack)
		case KindRecord:
			for _, f := range t.Fields {
				if err := walk(f.Type); err != nil {
					return err
				}
			}
		case KindVariant:
			for _, c := range t.Cases {
				if err := walk(c.Type); err != nil {
					return err
				}
			}
		case KindExpected:
			if err := walk(t.Ok); err != nil {
				return err
			}
			return walk(t.Err)
		case KindTuple:
			for _, e := range t.Elems {
				if err := walk(e); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(tn.Type); err != nil {
		return err
	}
	r.done[tn] = true
	return nil
}
