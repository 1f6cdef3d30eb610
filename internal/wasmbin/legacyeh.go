package wasmbin

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUntranslatable reports legacy exception handling that
// TranslateLegacyEH does not handle; the error's text says what.
var ErrUntranslatable = errors.New("wasmbin: legacy exception handling the translator does not handle")

// TranslateLegacyEH rewrites the legacy encoding of wasm exception
// handling (try, catch, catch_all, rethrow, delegate: clang's default for
// -fwasm-exceptions) into the standard exnref one (try_table, throw_ref),
// which is what wazero runs. Function by function, as binaryen's
// --translate-to-exnref does:
//
//	try bt A catch $t B catch_all C end
//
// becomes
//
//	block bt                          ;; the try's label, once in a catch
//	  block (P -> [])                 ;; catch_all's landing
//	    block (P -> T)                ;; $t's landing: its params T
//	      try_table bt (catch $t 0) (catch_all 1)
//	        A                         ;; the try's label, in the body
//	      end
//	      br 2
//	    end
//	    B
//	    br 1
//	  end
//	  C
//	end
//
// where P are the block type's params, passed through. A try whose catch
// is rethrown from uses catch_ref/catch_all_ref, keeps the exnref in a new
// local, and `rethrow` becomes `local.get; throw_ref`. `try A delegate l`
// becomes a try_table whose catch_all_ref lands in a block around it, from
// which a br takes the exnref to a block placed, inside the try_table of
// the try the exception is delegated to, around that try's body and
// followed by throw_ref (or around the whole function body, for the
// caller). Catch clauses only ever target the blocks just around their
// try_table: wazero 1.12 does not leave the try_tables a clause's jump
// crosses (a br does), so their handlers would stay active. Every branch depth is recomputed for the blocks added,
// new block types are appended to the type section, the label names of the
// name section and the DWARF sections (whose code offsets no longer hold)
// are dropped.
//
// changed is false when no function uses the legacy encoding. Errors wrap
// ErrFormat for a malformed module and ErrUntranslatable for what the
// translator does not handle (GC types, a delegate across a try_table).
func TranslateLegacyEH(module []byte) (out []byte, changed bool, err error) {
	secs, err := splitSections(module)
	if err != nil {
		return nil, false, err
	}
	m := &ehModule{}
	var funcTypes []uint32 // the type of each defined function
	var nFuncImports uint32
	code := -1
	for i, sec := range secs {
		s := &Reader{b: sec.body}
		switch sec.id {
		case 1:
			if m.types, err = readTypes(s); err != nil {
				return nil, false, fmt.Errorf("%w (%w: types other than function types)", err, ErrUntranslatable)
			}
		case 2:
			imports, err := readImports(s, m.types)
			if err != nil {
				return nil, false, err
			}
			for _, imp := range imports {
				switch imp.Kind {
				case 0:
					nFuncImports++
				case 4:
					m.tags = append(m.tags, imp.Type)
				}
			}
		case 3:
			if funcTypes, err = readIndices(s, len(m.types)); err != nil {
				return nil, false, err
			}
		case 13: // tags
			n, err := s.U32()
			if err != nil {
				return nil, false, err
			}
			for i := uint32(0); i < n; i++ {
				if _, err := s.Byte(); err != nil { // attribute
					return nil, false, err
				}
				t, err := s.U32()
				if err != nil {
					return nil, false, err
				}
				if int(t) >= len(m.types) {
					return nil, false, fmt.Errorf("%w: tag %d has type %d of %d", ErrFormat, i, t, len(m.types))
				}
				m.tags = append(m.tags, m.types[t])
			}
		case 10:
			code = i
		}
	}
	if code < 0 {
		return module, false, nil
	}
	for i, t := range m.types {
		for _, v := range append(append([]ValType(nil), t.Params...), t.Results...) {
			if !simpleValType(v) {
				return nil, false, fmt.Errorf("%w: type %d has a value type %s", ErrUntranslatable, i, v)
			}
		}
	}
	newCode, changed, err := m.code(secs[code].body, funcTypes, nFuncImports)
	if err != nil {
		return nil, false, err
	}
	if !changed {
		return module, false, nil
	}

	out = make([]byte, 0, len(module)+len(newCode)-len(secs[code].body)+64)
	out = append(out, module[:8]...)
	emit := func(id byte, body []byte) {
		out = append(out, id)
		out = AppendULEB(out, uint64(len(body)))
		out = append(out, body...)
	}
	for _, s := range secs {
		switch s.id {
		case 1:
			tr := &Reader{b: s.body}
			tr.U32()
			b := AppendULEB(nil, uint64(len(m.types)+len(m.newTypes)))
			b = append(b, s.body[tr.off:]...)
			for _, t := range m.newTypes {
				b = append(b, t...)
			}
			emit(1, b)
		case 10:
			emit(10, newCode)
		case 0:
			name, err := (&Reader{b: s.body}).Name()
			switch {
			case err != nil:
				return nil, false, err
			case name == "name":
				emit(0, dropLabelNames(s.body))
			case !strings.HasPrefix(name, ".debug_"):
				emit(0, s.body)
			}
		default:
			emit(s.id, s.body)
		}
	}
	return out, true, nil
}

// simpleValType reports a value type of one byte: the numeric types,
// v128, funcref, externref and exnref.
func simpleValType(v ValType) bool {
	switch v {
	case 0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f, 0x69:
		return true
	}
	return false
}

const exnref ValType = 0x69

// readIndices reads the function section: a type index per function.
func readIndices(s *Reader, nTypes int) ([]uint32, error) {
	n, err := s.Count()
	if err != nil {
		return nil, err
	}
	out := make([]uint32, n)
	for i := range out {
		if out[i], err = s.U32(); err != nil {
			return nil, err
		}
		if int(out[i]) >= nTypes {
			return nil, fmt.Errorf("%w: function %d has type %d of %d", ErrFormat, i, out[i], nTypes)
		}
	}
	return out, nil
}

// dropLabelNames returns a name section without its label names
// (subsection 3): they number the blocks of each function, and the
// translation adds blocks.
func dropLabelNames(body []byte) []byte {
	s := &Reader{b: body}
	s.Name()
	out := append([]byte(nil), body[:s.off]...)
	for !s.Done() {
		start := s.off
		id, err := s.Byte()
		if err != nil {
			break
		}
		size, err := s.U32()
		if err != nil {
			break
		}
		if _, err := s.Bytes(uint64(size)); err != nil {
			break
		}
		if id != 3 {
			out = append(out, body[start:s.off]...)
		}
	}
	return out
}

// ehModule is what the translation of function bodies needs from the
// module: function and tag types, and the block types it adds.
type ehModule struct {
	types    []FuncType
	tags     []FuncType
	typeIdx  map[string]uint32 // encoded function type to its index
	newTypes [][]byte          // encoded types to append to the type section
}

// blockType returns the encoding of a block type [params] -> [results]:
// a value type byte when it can, else a type index, appending the type to
// the module when it has none equal.
func (m *ehModule) blockType(params, results []ValType) []byte {
	if len(params) == 0 && len(results) == 0 {
		return []byte{0x40}
	}
	if len(params) == 0 && len(results) == 1 {
		return []byte{byte(results[0])}
	}
	if m.typeIdx == nil {
		m.typeIdx = make(map[string]uint32, len(m.types))
		for i := len(m.types) - 1; i >= 0; i-- { // the first of equal types wins
			m.typeIdx[string(encodeFuncType(m.types[i].Params, m.types[i].Results))] = uint32(i)
		}
	}
	enc := encodeFuncType(params, results)
	idx, ok := m.typeIdx[string(enc)]
	if !ok {
		idx = uint32(len(m.types) + len(m.newTypes))
		m.typeIdx[string(enc)] = idx
		m.newTypes = append(m.newTypes, enc)
	}
	return AppendSLEB(nil, int64(idx))
}

func encodeFuncType(params, results []ValType) []byte {
	b := AppendULEB([]byte{0x60}, uint64(len(params)))
	for _, v := range params {
		b = append(b, byte(v))
	}
	b = AppendULEB(b, uint64(len(results)))
	for _, v := range results {
		b = append(b, byte(v))
	}
	return b
}

// blockSig decodes a block type read by blockType.
func (m *ehModule) blockSig(bt int64) (params, results []ValType, err error) {
	switch {
	case bt == -64:
		return nil, nil, nil
	case bt < 0:
		v := ValType(bt & 0x7f)
		if bt < -64 || !simpleValType(v) {
			return nil, nil, fmt.Errorf("%w: a try of block type %d", ErrUntranslatable, bt)
		}
		return nil, []ValType{v}, nil
	case bt >= int64(len(m.types)):
		return nil, nil, fmt.Errorf("%w: block type %d of %d", ErrFormat, bt, len(m.types))
	}
	return m.types[bt].Params, m.types[bt].Results, nil
}

// code translates the functions of a code section that use the legacy
// encoding and copies the others.
func (m *ehModule) code(body []byte, funcTypes []uint32, nFuncImports uint32) ([]byte, bool, error) {
	s := &Reader{b: body}
	n, err := s.U32()
	if err != nil {
		return nil, false, err
	}
	if int(n) != len(funcTypes) {
		return nil, false, fmt.Errorf("%w: %d function bodies for %d functions", ErrFormat, n, len(funcTypes))
	}
	out := AppendULEB(make([]byte, 0, len(body)+len(body)/8), uint64(n))
	changed := false
	for i := range n {
		start := s.off
		size, err := s.U32()
		if err != nil {
			return nil, false, err
		}
		fb, err := s.Bytes(uint64(size))
		if err != nil {
			return nil, false, err
		}
		f := &ehFunc{m: m}
		nb, err := f.translate(fb, uint64(len(m.types[funcTypes[i]].Params)))
		if err != nil {
			return nil, false, fmt.Errorf("function %d: %w", nFuncImports+i, err)
		}
		if nb == nil {
			out = append(out, body[start:s.off]...)
			continue
		}
		changed = true
		out = AppendULEB(out, uint64(len(nb)))
		out = append(out, nb...)
	}
	return out, changed, nil
}

// catchAll marks the catch_all clause among a try's clauses (tags).
const catchAll = ^uint32(0)

// legacyTry is what the first pass over a function learns of one try (in
// the order of the try instructions).
type legacyTry struct {
	clauses  []uint32 // the tag of each catch, catchAll for catch_all
	delegate bool
	dest     int  // for a delegate: the try it delegates to, -1 for the caller
	target   bool // exceptions are delegated to this try
	rethrown bool // a rethrow targets this try: its catches keep the exnref
	parent   int  // the innermost try in whose catch this one is, -1
	local    uint32
}

// ehFunc translates one function body.
type ehFunc struct {
	m      *ehModule
	tries  []legacyTry
	caller bool // some delegate goes to the caller
}

// scanCtl is a control instruction open during the first pass.
type scanCtl struct {
	try      int  // its index in tries for a legacy try, else -1
	catching bool // a legacy try past its first catch
	tryTable bool
}

// translate returns the translated function body (its locals and code),
// or nil when it uses no legacy instruction.
func (f *ehFunc) translate(fb []byte, nParams uint64) ([]byte, error) {
	r := &Reader{b: fb}
	groups, err := r.U32()
	if err != nil {
		return nil, err
	}
	groupsEnd := r.off
	nLocals := nParams
	for range groups {
		n, err := r.U32()
		if err != nil {
			return nil, err
		}
		if _, err := r.Byte(); err != nil {
			return nil, err
		}
		nLocals += uint64(n)
	}
	code := fb[r.off:]
	legacy, err := f.scan(code)
	if err != nil || !legacy {
		return nil, err
	}
	// Each rethrown try keeps its exnref in a local of its own among the
	// rethrown trys whose catches it is in; others reuse them.
	nExn := uint32(0)
	for i := range f.tries {
		t := &f.tries[i]
		if p := t.parent; p >= 0 {
			t.local = f.tries[p].local
			if f.tries[p].rethrown {
				t.local++
			}
		}
		if t.rethrown {
			nExn = max(nExn, t.local+1)
		}
	}
	if nLocals+uint64(nExn) > 1<<32-1 {
		return nil, fmt.Errorf("%w: too many locals", ErrFormat)
	}
	out := make([]byte, 0, len(fb)+len(fb)/4+16)
	if nExn == 0 {
		out = append(out, fb[:r.off]...)
	} else {
		out = AppendULEB(out, uint64(groups)+1)
		out = append(out, fb[groupsEnd:r.off]...)
		out = AppendULEB(out, uint64(nExn))
		out = append(out, byte(exnref))
	}
	return f.emit(code, out, uint32(nLocals))
}

// scan is the first pass: it finds the trys with their clauses, where
// each delegate goes and which trys are rethrown, and checks the nesting
// the second pass relies on.
func (f *ehFunc) scan(code []byte) (legacy bool, err error) {
	ctl := []scanCtl{{try: -1}} // the function's own label at the bottom
	s := &Reader{b: code}
	for {
		at := s.off
		op, err := s.Byte()
		if err != nil {
			return false, err
		}
		switch op {
		case 0x02, 0x03, 0x04, 0x1f: // block, loop, if, try_table
			s.off = at
			if _, err := skipInstr(s); err != nil {
				return false, err
			}
			ctl = append(ctl, scanCtl{try: -1, tryTable: op == 0x1f})
		case 0x06: // try
			legacy = true
			bt, err := blockType(s)
			if err != nil {
				return false, err
			}
			if _, _, err := f.m.blockSig(bt); err != nil {
				return false, err
			}
			parent := -1
			for j := len(ctl) - 1; j > 0; j-- {
				if ctl[j].catching {
					parent = ctl[j].try
					break
				}
			}
			ctl = append(ctl, scanCtl{try: len(f.tries)})
			f.tries = append(f.tries, legacyTry{dest: -1, parent: parent})
		case 0x07, 0x19: // catch, catch_all
			legacy = true
			tag := catchAll
			if op == 0x07 {
				if tag, err = s.U32(); err != nil {
					return false, err
				}
				if int(tag) >= len(f.m.tags) {
					return false, fmt.Errorf("%w: catch of tag %d of %d", ErrFormat, tag, len(f.m.tags))
				}
			}
			c := &ctl[len(ctl)-1]
			if c.try < 0 {
				return false, fmt.Errorf("%w: catch outside a try", ErrFormat)
			}
			t := &f.tries[c.try]
			if n := len(t.clauses); n > 0 && t.clauses[n-1] == catchAll {
				return false, fmt.Errorf("%w: catch after catch_all", ErrFormat)
			}
			t.clauses = append(t.clauses, tag)
			c.catching = true
		case 0x18: // delegate
			legacy = true
			l, err := s.U32()
			if err != nil {
				return false, err
			}
			c := ctl[len(ctl)-1]
			if c.try < 0 || c.catching {
				return false, fmt.Errorf("%w: delegate ends no try", ErrFormat)
			}
			ctl = ctl[:len(ctl)-1]
			if uint64(l) >= uint64(len(ctl)) {
				return false, fmt.Errorf("%w: delegate %d past the function's %d labels", ErrFormat, l, len(ctl))
			}
			// The exception goes to the innermost try whose body holds
			// the target label (a try in its catch, or another block,
			// passes it on), or to the caller.
			t := &f.tries[c.try]
			t.delegate = true
			for j := len(ctl) - 1 - int(l); j > 0 && t.dest < 0; j-- {
				switch {
				case ctl[j].tryTable:
					return false, fmt.Errorf("%w: a delegate across a try_table", ErrUntranslatable)
				case ctl[j].try >= 0 && !ctl[j].catching:
					t.dest = ctl[j].try
					f.tries[t.dest].target = true
				}
			}
			if t.dest < 0 {
				f.caller = true
			}
		case 0x09: // rethrow
			legacy = true
			l, err := s.U32()
			if err != nil {
				return false, err
			}
			if uint64(l) >= uint64(len(ctl)) || !ctl[len(ctl)-1-int(l)].catching {
				return false, fmt.Errorf("%w: rethrow %d names no catch", ErrFormat, l)
			}
			f.tries[ctl[len(ctl)-1-int(l)].try].rethrown = true
		case 0x0b: // end
			if len(ctl) == 1 {
				if s.off != len(code) {
					return false, fmt.Errorf("%w: bytes after the end of a function body", ErrFormat)
				}
				return legacy, nil
			}
			ctl = ctl[:len(ctl)-1]
		default:
			s.off = at
			if _, err := skipInstr(s); err != nil {
				return false, err
			}
		}
	}
}

// emitCtl is a control instruction open during the second pass. Labels
// are positions in the stack of labels of the output, the function's at 0.
type emitCtl struct {
	try    int // index in tries for a legacy try, else -1
	label  int // where a branch to this instruction's label goes
	outer  int // a try with catches: its outermost block
	clause int // a try: how many of its catches have begun
}

// emit is the second pass: it appends the translated code to out.
func (f *ehFunc) emit(code, out []byte, firstExn uint32) ([]byte, error) {
	height := 1 // labels open in the output
	ctl := []emitCtl{{try: -1}}
	dd := make([]int, len(f.tries)) // where the exceptions delegated to a try leave for
	if f.caller {
		out = append(out, 0x02, byte(exnref))
		height++
	}
	depth := func(pos int) uint64 { return uint64(height - 1 - pos) }
	label := func(l uint32) (int, error) {
		if uint64(l) >= uint64(len(ctl)) {
			return 0, fmt.Errorf("%w: branch %d past the function's %d labels", ErrFormat, l, len(ctl))
		}
		return ctl[len(ctl)-1-int(l)].label, nil
	}
	s := &Reader{b: code}
	// relabel copies a label operand, as its depth in the new nesting.
	relabel := func() error {
		l, err := s.U32()
		if err != nil {
			return err
		}
		pos, err := label(l)
		if err != nil {
			return err
		}
		out = AppendULEB(out, depth(pos))
		return nil
	}
	// A try the body of which exceptions are delegated to: its block
	// ends by re-throwing them inside the try_table.
	endBody := func(t *legacyTry) {
		if t.target {
			out = append(out, 0x0c, 1, 0x0b, 0x0a) // br to the try_table, end, throw_ref
			height--
		}
	}
	mark := 0 // the bytes of code before mark are in out
	next := 0 // the next try
	for {
		at := s.off
		op, err := s.Byte()
		if err != nil {
			return nil, err
		}
		switch op {
		case 0x02, 0x03, 0x04: // block, loop, if
			s.off = at
			if _, err := skipInstr(s); err != nil {
				return nil, err
			}
			ctl = append(ctl, emitCtl{try: -1, label: height})
			height++
		case 0x1f: // try_table: its clauses' labels
			out = append(out, code[mark:at]...)
			start := s.off
			if _, err := blockType(s); err != nil {
				return nil, err
			}
			n, err := s.U32()
			if err != nil {
				return nil, err
			}
			out = append(out, 0x1f)
			out = append(out, code[start:s.off]...)
			for range n {
				kind, err := s.Byte()
				if err != nil {
					return nil, err
				}
				out = append(out, kind)
				if kind < 2 {
					tag, err := s.U32()
					if err != nil {
						return nil, err
					}
					out = AppendULEB(out, uint64(tag))
				}
				if err := relabel(); err != nil {
					return nil, err
				}
			}
			mark = s.off
			ctl = append(ctl, emitCtl{try: -1, label: height})
			height++
		case 0x0c, 0x0d, 0xd5, 0xd6: // br, br_if, br_on_null, br_on_non_null
			out = append(out, code[mark:at]...)
			out = append(out, op)
			if err := relabel(); err != nil {
				return nil, err
			}
			mark = s.off
		case 0x0e: // br_table
			out = append(out, code[mark:at]...)
			n, err := s.U32()
			if err != nil {
				return nil, err
			}
			out = AppendULEB(append(out, op), uint64(n))
			for range uint64(n) + 1 {
				if err := relabel(); err != nil {
					return nil, err
				}
			}
			mark = s.off
		case 0x06: // try
			out = append(out, code[mark:at]...)
			start := s.off
			bt, err := blockType(s)
			if err != nil {
				return nil, err
			}
			btBytes := code[start:s.off]
			mark = s.off
			params, _, err := f.m.blockSig(bt)
			if err != nil {
				return nil, err
			}
			if next >= len(f.tries) {
				return nil, fmt.Errorf("%w: a try the first pass did not see", ErrFormat)
			}
			i := next
			t := &f.tries[i]
			next++
			c := emitCtl{try: i}
			if t.delegate {
				// The try's results, then where the exnref lands.
				c.outer = height
				out = append(append(out, 0x02), btBytes...)
				out = append(append(out, 0x02), f.m.blockType(params, []ValType{exnref})...)
				height += 2
				out = append(append(out, 0x1f), btBytes...)
				out = append(out, 1, 0x03, 0) // catch_all_ref to the block around
			} else {
				// The try's outer block, then one block per catch, the
				// first catch's innermost, each yielding what its catch
				// delivers.
				k := len(t.clauses)
				if k > 0 {
					c.outer = height
					out = append(append(out, 0x02), btBytes...)
					height++
					for j := k - 1; j >= 0; j-- {
						var vals []ValType
						if tag := t.clauses[j]; tag != catchAll {
							vals = append(vals, f.m.tags[tag].Params...)
						}
						if t.rethrown {
							vals = append(vals, exnref)
						}
						out = append(append(out, 0x02), f.m.blockType(params, vals)...)
						height++
					}
				}
				out = append(append(out, 0x1f), btBytes...)
				out = AppendULEB(out, uint64(k))
				for j, tag := range t.clauses {
					kind := byte(0x00) // catch
					if tag == catchAll {
						kind = 0x02
					}
					if t.rethrown {
						kind++ // catch_ref, catch_all_ref
					}
					out = append(out, kind)
					if tag != catchAll {
						out = AppendULEB(out, uint64(tag))
					}
					out = AppendULEB(out, uint64(j))
				}
			}
			c.label = height
			height++
			ctl = append(ctl, c)
			if t.target {
				dd[i] = height
				out = append(append(out, 0x02), f.m.blockType(params, []ValType{exnref})...)
				height++
			}
		case 0x07, 0x19: // catch, catch_all
			out = append(out, code[mark:at]...)
			if op == 0x07 {
				if _, err := s.U32(); err != nil {
					return nil, err
				}
			}
			mark = s.off
			c := &ctl[len(ctl)-1]
			if c.try < 0 {
				return nil, fmt.Errorf("%w: catch outside a try", ErrFormat)
			}
			t := &f.tries[c.try]
			if c.clause == 0 { // the body ends: close the try_table
				endBody(t)
				out = append(out, 0x0b)
				height--
			}
			// Leave with the try's results, and close the block the
			// values of this catch arrive at.
			out = AppendULEB(append(out, 0x0c), depth(c.outer))
			out = append(out, 0x0b)
			height--
			if t.rethrown {
				out = AppendULEB(append(out, 0x21), uint64(firstExn+t.local)) // local.set
			}
			c.clause++
			c.label = c.outer
		case 0x18: // delegate
			out = append(out, code[mark:at]...)
			if _, err := s.U32(); err != nil {
				return nil, err
			}
			mark = s.off
			c := ctl[len(ctl)-1]
			if c.try < 0 {
				return nil, fmt.Errorf("%w: delegate ends no try", ErrFormat)
			}
			t := &f.tries[c.try]
			endBody(t)
			// Close the try_table, leave with its results, or take the
			// exnref to where the destination re-throws it.
			out = append(out, 0x0b, 0x0c, 1, 0x0b)
			height -= 2
			pos := 1 // the block around the function body
			if t.dest >= 0 {
				pos = dd[t.dest]
			}
			out = AppendULEB(append(out, 0x0c), depth(pos))
			out = append(out, 0x0b)
			height--
			ctl = ctl[:len(ctl)-1]
		case 0x09: // rethrow
			out = append(out, code[mark:at]...)
			l, err := s.U32()
			if err != nil {
				return nil, err
			}
			mark = s.off
			if uint64(l) >= uint64(len(ctl)) || ctl[len(ctl)-1-int(l)].try < 0 {
				return nil, fmt.Errorf("%w: rethrow %d names no catch", ErrFormat, l)
			}
			t := &f.tries[ctl[len(ctl)-1-int(l)].try]
			out = AppendULEB(append(out, 0x20), uint64(firstExn+t.local)) // local.get
			out = append(out, 0x0a)                                       // throw_ref
		case 0x0b: // end
			if len(ctl) == 1 {
				out = append(out, code[mark:at]...)
				if f.caller {
					// The body's results leave by return; what the block
					// yields is an exception delegated to the caller.
					out = append(out, 0x0f, 0x0b, 0x0a)
				}
				return append(out, 0x0b), nil
			}
			c := ctl[len(ctl)-1]
			if c.try >= 0 && c.clause == 0 {
				out = append(out, code[mark:at]...)
				mark = at // the end itself closes the try_table
				endBody(&f.tries[c.try])
			}
			ctl = ctl[:len(ctl)-1]
			height--
		default:
			s.off = at
			if _, err := skipInstr(s); err != nil {
				return nil, err
			}
		}
	}
}
