package wasmbin

// Export is one entry of the export section. Kind is 0 for a function,
// 1 table, 2 memory, 3 global, 4 tag.
type Export struct {
	Name  string
	Kind  byte
	Index uint32
}

// Summary is what a module says about itself without being compiled, for
// tools that describe a binary: its imports, exports, first defined memory
// and the names of its custom sections.
type Summary struct {
	Imports        []Import
	Exports        []Export
	Memory         *Limits // the first memory the module defines, if any
	CustomSections []string
}

// Summarize walks every section of module.
func Summarize(module []byte) (*Summary, error) {
	secs, err := splitSections(module)
	if err != nil {
		return nil, err
	}
	var types []FuncType
	out := &Summary{}
	for _, sec := range secs {
		s := &Reader{b: sec.body}
		switch sec.id {
		case 0:
			name, err := s.Name()
			if err != nil {
				return nil, err
			}
			out.CustomSections = append(out.CustomSections, name)
		case 1:
			if types, err = readTypes(s); err != nil {
				return nil, err
			}
		case 2:
			if out.Imports, err = readImports(s, types); err != nil {
				return nil, err
			}
		case 5:
			n, err := s.U32()
			if err != nil {
				return nil, err
			}
			if n > 0 {
				l, err := s.Limits()
				if err != nil {
					return nil, err
				}
				out.Memory = &l
			}
		case 7:
			if out.Exports, err = readExports(s); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func readExports(s *Reader) ([]Export, error) {
	n, err := s.U32()
	if err != nil {
		return nil, err
	}
	var out []Export
	for i := uint32(0); i < n; i++ {
		var e Export
		if e.Name, err = s.Name(); err != nil {
			return nil, err
		}
		if e.Kind, err = s.Byte(); err != nil {
			return nil, err
		}
		if e.Index, err = s.U32(); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// StackPointer returns the initial value of a module's stack pointer as
// wasm-ld lays a program out: its first global, defined (the module
// imports none), a mutable i32 set by an i32.const. ok is false for any
// other module. It is a hint (see host's memory placement), never a fact
// a program's behaviour depends on.
func StackPointer(module []byte) (sp uint32, ok bool) {
	r, err := Sections(module)
	if err != nil {
		return 0, false
	}
	for !r.Done() {
		id, body, err := r.Section()
		if err != nil {
			return 0, false
		}
		s := &Reader{b: body}
		switch id {
		case 2:
			n, err := s.U32()
			for i := uint32(0); err == nil && i < n; i++ {
				var kind byte
				if _, err = s.Name(); err == nil {
					if _, err = s.Name(); err == nil {
						if kind, err = s.Byte(); err == nil {
							if kind == 3 {
								return 0, false // an imported global is global 0
							}
							err = skipImportDesc(s, kind)
						}
					}
				}
			}
			if err != nil {
				return 0, false
			}
		case 6:
			n, err := s.U32()
			if err != nil || n == 0 {
				return 0, false
			}
			head, err := s.Bytes(3) // i32, mutable, i32.const
			if err != nil || head[0] != 0x7f || head[1] != 1 || head[2] != 0x41 {
				return 0, false
			}
			v, err := s.SLEB()
			if err != nil || v <= 0 || v > 1<<32-1 {
				return 0, false
			}
			return uint32(v), true
		}
	}
	return 0, false
}
