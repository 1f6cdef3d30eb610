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
