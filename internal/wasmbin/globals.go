package wasmbin

import "fmt"

// GlobalRefs calls f with the index of each global that the module's code
// reads or writes, and each one that a constant expression reads: global
// initialisers and the offsets of element and data segments.
func GlobalRefs(module []byte, f func(idx uint32)) error {
	secs, err := splitSections(module)
	if err != nil {
		return err
	}
	rw := &rewriter{base: ^uint32(0), globalRef: f}
	for _, s := range secs {
		switch s.id {
		case 6:
			_, err = rw.globals(s.body)
		case 9:
			_, err = rw.elements(s.body)
		case 10:
			_, err = rw.code(s.body)
		case 11:
			err = rw.dataOffsets(s.body)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// dataOffsets walks the offset expressions of a data section's active
// segments.
func (rw *rewriter) dataOffsets(body []byte) error {
	s := &Reader{b: body}
	n, err := s.U32()
	if err != nil {
		return err
	}
	for i := uint32(0); i < n; i++ {
		flags, err := s.U32()
		if err != nil {
			return err
		}
		switch flags {
		case 0:
		case 1: // passive: no offset
		case 2: // a memory index, then the offset
			if _, err := s.U32(); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w: data segment kind %d", ErrFormat, flags)
		}
		if flags != 1 {
			if _, err := rw.expr(s); err != nil {
				return err
			}
		}
		size, err := s.U32()
		if err != nil {
			return err
		}
		if _, err := s.Bytes(uint64(size)); err != nil {
			return err
		}
	}
	return nil
}

// TruncateGlobals returns the body of a global section with only its
// first keep globals (the whole body when it has no more).
func TruncateGlobals(body []byte, keep uint32) ([]byte, error) {
	s := &Reader{b: body}
	n, err := s.U32()
	if err != nil {
		return nil, err
	}
	if keep >= n {
		return body, nil
	}
	start := s.off
	rw := &rewriter{base: ^uint32(0)}
	for i := uint32(0); i < keep; i++ {
		if _, err := s.Bytes(2); err != nil { // value type, mutability
			return nil, err
		}
		if _, err := rw.expr(s); err != nil {
			return nil, err
		}
	}
	return append(AppendULEB(nil, uint64(keep)), body[start:s.off]...), nil
}
