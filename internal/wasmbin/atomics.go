package wasmbin

import (
	"errors"
	"fmt"
)

// AtomicsModule is the import module of the functions RewriteAtomics
// makes a program call instead of its atomic wait and notify instructions.
const AtomicsModule = "wasix-go:atomics"

// The names of the functions of AtomicsModule. Each takes the operands of
// its instruction followed by the static offset of its memarg, and returns
// what the instruction returns:
//
//	memory.atomic.wait32(addr i32, expected i32, timeout i64, offset i32) i32
//	memory.atomic.wait64(addr i32, expected i64, timeout i64, offset i32) i32
//	memory.atomic.notify(addr i32, count i32, offset i32) i32
const (
	AtomicWait32 = "memory.atomic.wait32"
	AtomicWait64 = "memory.atomic.wait64"
	AtomicNotify = "memory.atomic.notify"
)

// errOpcode reports an instruction the rewriter does not know; the caller
// then keeps the program as it is.
var errOpcode = errors.New("wasmbin: unknown instruction")

// RewriteAtomics returns the module with every memory.atomic.wait32,
// memory.atomic.wait64 and memory.atomic.notify replaced by a call to a
// function it imports from AtomicsModule. The host implements them over a
// wait it can end: a thread blocked in wazero's own wait can be woken only
// by a notify from the guest, so neither an exit from another thread, nor
// a trap, a signal or a cancelled context could reach it.
//
// The three imports go after the existing function imports, so every
// defined function's index moves up by three: calls, ref.func, exports,
// the start function, element segments and the name section are
// renumbered. changed is false when the module waits nowhere (it then
// needs no rewrite, notifies included). An instruction the rewriter does
// not know is an error; the program can still run as it is.
func RewriteAtomics(module []byte) (out []byte, changed bool, err error) {
	secs, err := splitSections(module)
	if err != nil {
		return nil, false, err
	}
	var nTypes, nFuncImports uint32
	code := -1
	for i, sec := range secs {
		body := sec.body
		switch sec.id {
		case 1:
			if nTypes, err = (&Reader{b: body}).U32(); err != nil {
				return nil, false, err
			}
		case 2:
			if nFuncImports, err = countFuncImports(body); err != nil {
				return nil, false, err
			}
		case 10:
			code = i
		}
	}
	if code < 0 {
		return module, false, nil
	}
	rw := &rewriter{base: nFuncImports, shift: 3}
	rw.wait32, rw.wait64, rw.notify = nFuncImports, nFuncImports+1, nFuncImports+2
	// A first pass finds out whether anything waits, without building.
	waits, err := scanCode(secs[code].body)
	if err != nil {
		return nil, false, err
	}
	if !waits {
		return module, false, nil
	}

	out = append(out, module[:8]...)
	emit := func(id byte, body []byte) {
		out = append(out, id)
		out = AppendULEB(out, uint64(len(body)))
		out = append(out, body...)
	}
	newTypes := func(body []byte) []byte {
		var b []byte
		if body == nil {
			b = AppendULEB(nil, 3)
		} else {
			s := &Reader{b: body}
			n, _ := s.U32()
			b = AppendULEB(nil, uint64(n)+3)
			b = append(b, body[s.off:]...)
		}
		const i32, i64 = 0x7f, 0x7e
		b = append(b, 0x60, 4, i32, i32, i64, i32, 1, i32) // wait32
		b = append(b, 0x60, 4, i32, i64, i64, i32, 1, i32) // wait64
		b = append(b, 0x60, 3, i32, i32, i32, 1, i32)      // notify
		return b
	}
	newImports := func(body []byte) ([]byte, error) {
		var b []byte
		var n uint32
		rest := body
		if body != nil {
			s := &Reader{b: body}
			var err error
			if n, err = s.U32(); err != nil {
				return nil, err
			}
			rest = body[s.off:]
		}
		b = AppendULEB(b, uint64(n)+3)
		b = append(b, rest...)
		for i, name := range []string{AtomicWait32, AtomicWait64, AtomicNotify} {
			b = appendName(b, AtomicsModule)
			b = appendName(b, name)
			b = append(b, 0)
			b = AppendULEB(b, uint64(nTypes)+uint64(i))
		}
		return b, nil
	}
	sawTypes, sawImports := false, false
	for _, s := range secs {
		var body []byte
		var err error
		// The import section follows the type section; a module without
		// one gets it there (or first).
		if !sawImports && s.id != 0 && s.id > 2 {
			if !sawTypes {
				emit(1, newTypes(nil))
				sawTypes = true
			}
			b, _ := newImports(nil)
			emit(2, b)
			sawImports = true
		}
		switch s.id {
		case 1:
			body, sawTypes = newTypes(s.body), true
		case 2:
			body, err = newImports(s.body)
			sawImports = true
		case 6:
			body, err = rw.globals(s.body)
		case 7:
			body, err = rw.exports(s.body)
		case 8:
			body, err = rw.start(s.body)
		case 9:
			body, err = rw.elements(s.body)
		case 10:
			body, err = rw.code(s.body)
		case 0:
			body, err = rw.custom(s.body)
		default:
			body = s.body
		}
		if err != nil {
			return nil, false, err
		}
		emit(s.id, body)
	}
	return out, true, nil
}

func appendName(b []byte, s string) []byte {
	b = AppendULEB(b, uint64(len(s)))
	return append(b, s...)
}

// countFuncImports counts the function imports of an import section.
func countFuncImports(body []byte) (uint32, error) {
	s := &Reader{b: body}
	n, err := s.U32()
	if err != nil {
		return 0, err
	}
	var funcs uint32
	for i := uint32(0); i < n; i++ {
		if _, err := s.Name(); err != nil {
			return 0, err
		}
		if _, err := s.Name(); err != nil {
			return 0, err
		}
		kind, err := s.Byte()
		if err != nil {
			return 0, err
		}
		if kind == 0 {
			funcs++
		}
		if err := skipImportDesc(s, kind); err != nil {
			return 0, err
		}
	}
	return funcs, nil
}

// rewriter renumbers function indices at or above base by shift and
// replaces the atomic wait and notify instructions by calls.
type rewriter struct {
	base, shift            uint32
	wait32, wait64, notify uint32
	scratch                []byte // what walk writes into, its result consumed before the next walk
	// globalRef, when set, is called with the index of each global.get
	// and global.set walked; such a rewriter only scans (GlobalRefs).
	globalRef func(idx uint32)
}

func (rw *rewriter) fn(idx uint32) uint32 {
	if idx >= rw.base {
		return idx + rw.shift
	}
	return idx
}

// scanCode reports whether any function body waits.
func scanCode(body []byte) (bool, error) {
	found := false
	err := walkBodies(body, func(expr []byte) error {
		_, err := walkInstrs(expr, nil, func(op, sub uint32) {
			if op == 0xfe && (sub == 1 || sub == 2) {
				found = true
			}
		})
		return err
	})
	return found, err
}

// walkBodies calls f with the expression of each function body.
func walkBodies(body []byte, f func(expr []byte) error) error {
	s := &Reader{b: body}
	n, err := s.U32()
	if err != nil {
		return err
	}
	for i := uint32(0); i < n; i++ {
		size, err := s.U32()
		if err != nil {
			return err
		}
		fb, err := s.Bytes(uint64(size))
		if err != nil {
			return err
		}
		fr := &Reader{b: fb}
		groups, err := fr.U32()
		if err != nil {
			return err
		}
		for j := uint32(0); j < groups; j++ {
			if _, err := fr.U32(); err != nil {
				return err
			}
			if _, err := fr.Byte(); err != nil {
				return err
			}
		}
		if err := f(fb[fr.off:]); err != nil {
			return err
		}
	}
	return nil
}

func (rw *rewriter) code(body []byte) ([]byte, error) {
	s := &Reader{b: body}
	n, err := s.U32()
	if err != nil {
		return nil, err
	}
	out := AppendULEB(make([]byte, 0, len(body)+len(body)/16), uint64(n))
	for i := uint32(0); i < n; i++ {
		size, err := s.U32()
		if err != nil {
			return nil, err
		}
		fb, err := s.Bytes(uint64(size))
		if err != nil {
			return nil, err
		}
		fr := &Reader{b: fb}
		groups, err := fr.U32()
		if err != nil {
			return nil, err
		}
		for j := uint32(0); j < groups; j++ {
			if _, err := fr.U32(); err != nil {
				return nil, err
			}
			if _, err := fr.Byte(); err != nil {
				return nil, err
			}
		}
		instrs, err := walkInstrs(fb[fr.off:], rw, nil)
		if err != nil {
			return nil, err
		}
		out = AppendULEB(out, uint64(fr.off+len(instrs)))
		out = append(out, fb[:fr.off]...)
		out = append(out, instrs...)
		rw.scratch = instrs[:0]
	}
	return out, nil
}

// expr rewrites a constant expression (ending in end) at the start of s;
// the result is valid until the next walk.
func (rw *rewriter) expr(s *Reader) ([]byte, error) {
	start := s.off
	depth := 0
	out, n, err := walk(s.b[s.off:], rw, nil, &depth, true)
	if err != nil {
		return nil, err
	}
	s.off = start + n
	rw.scratch = out[:0]
	return out, nil
}

func (rw *rewriter) globals(body []byte) ([]byte, error) {
	s := &Reader{b: body}
	n, err := s.U32()
	if err != nil {
		return nil, err
	}
	out := AppendULEB(nil, uint64(n))
	for i := uint32(0); i < n; i++ {
		t, err := s.Bytes(2) // value type, mutability
		if err != nil {
			return nil, err
		}
		out = append(out, t...)
		e, err := rw.expr(s)
		if err != nil {
			return nil, err
		}
		out = append(out, e...)
	}
	return out, nil
}

func (rw *rewriter) exports(body []byte) ([]byte, error) {
	s := &Reader{b: body}
	n, err := s.U32()
	if err != nil {
		return nil, err
	}
	out := AppendULEB(nil, uint64(n))
	for i := uint32(0); i < n; i++ {
		name, err := s.Name()
		if err != nil {
			return nil, err
		}
		kind, err := s.Byte()
		if err != nil {
			return nil, err
		}
		idx, err := s.U32()
		if err != nil {
			return nil, err
		}
		if kind == 0 {
			idx = rw.fn(idx)
		}
		out = append(appendName(out, name), kind)
		out = AppendULEB(out, uint64(idx))
	}
	return out, nil
}

func (rw *rewriter) start(body []byte) ([]byte, error) {
	idx, err := (&Reader{b: body}).U32()
	if err != nil {
		return nil, err
	}
	return AppendULEB(nil, uint64(rw.fn(idx))), nil
}

func (rw *rewriter) elements(body []byte) ([]byte, error) {
	s := &Reader{b: body}
	n, err := s.U32()
	if err != nil {
		return nil, err
	}
	out := AppendULEB(nil, uint64(n))
	for i := uint32(0); i < n; i++ {
		flags, err := s.U32()
		if err != nil {
			return nil, err
		}
		if flags > 7 {
			return nil, fmt.Errorf("%w: element segment kind %d", ErrFormat, flags)
		}
		out = AppendULEB(out, uint64(flags))
		if flags&3 == 2 { // explicit table index
			t, err := s.U32()
			if err != nil {
				return nil, err
			}
			out = AppendULEB(out, uint64(t))
		}
		if flags&1 == 0 { // active: an offset
			e, err := rw.expr(s)
			if err != nil {
				return nil, err
			}
			out = append(out, e...)
		}
		if flags&3 != 0 { // an element kind or reference type
			k, err := s.Byte()
			if err != nil {
				return nil, err
			}
			out = append(out, k)
		}
		count, err := s.U32()
		if err != nil {
			return nil, err
		}
		out = AppendULEB(out, uint64(count))
		for j := uint32(0); j < count; j++ {
			if flags&4 != 0 { // expressions
				e, err := rw.expr(s)
				if err != nil {
					return nil, err
				}
				out = append(out, e...)
				continue
			}
			idx, err := s.U32()
			if err != nil {
				return nil, err
			}
			out = AppendULEB(out, uint64(rw.fn(idx)))
		}
	}
	return out, nil
}

// custom renumbers the function, local and label names of a name section;
// other custom sections are kept as they are.
func (rw *rewriter) custom(body []byte) ([]byte, error) {
	s := &Reader{b: body}
	name, err := s.Name()
	if err != nil || name != "name" {
		return body, nil
	}
	out := append([]byte(nil), body[:s.off]...)
	for s.off < len(s.b) {
		id, err := s.Byte()
		if err != nil {
			return nil, err
		}
		size, err := s.U32()
		if err != nil {
			return nil, err
		}
		sub, err := s.Bytes(uint64(size))
		if err != nil {
			return nil, err
		}
		if id == 1 || id == 2 || id == 3 { // function, local, label names
			if sub, err = rw.nameMap(sub, id != 1); err != nil {
				return nil, err
			}
		}
		out = append(out, id)
		out = AppendULEB(out, uint64(len(sub)))
		out = append(out, sub...)
	}
	return out, nil
}

// nameMap renumbers the function indices of a name map, or of an
// indirect one whose inner maps are kept.
func (rw *rewriter) nameMap(b []byte, indirect bool) ([]byte, error) {
	s := &Reader{b: b}
	n, err := s.U32()
	if err != nil {
		return nil, err
	}
	out := AppendULEB(nil, uint64(n))
	for i := uint32(0); i < n; i++ {
		idx, err := s.U32()
		if err != nil {
			return nil, err
		}
		out = AppendULEB(out, uint64(rw.fn(idx)))
		start := s.off
		if indirect {
			m, err := s.U32()
			if err != nil {
				return nil, err
			}
			for j := uint32(0); j < m; j++ {
				if _, err := s.U32(); err != nil {
					return nil, err
				}
				if _, err := s.Name(); err != nil {
					return nil, err
				}
			}
		} else if _, err := s.Name(); err != nil {
			return nil, err
		}
		out = append(out, b[start:s.off]...)
	}
	return out, nil
}

// walkInstrs walks the instructions of a function body up to its final
// end. With rw it returns the rewritten body; with visit it calls it with
// each instruction's opcode and sub-opcode (for the prefixed ones).
func walkInstrs(expr []byte, rw *rewriter, visit func(op, sub uint32)) ([]byte, error) {
	depth := 0
	out, n, err := walk(expr, rw, visit, &depth, false)
	if err == nil && n != len(expr) {
		err = fmt.Errorf("%w: bytes after the end of a function body", ErrFormat)
	}
	return out, err
}

// walk decodes instructions until the end that closes the expression
// (depth 0) and returns the (rewritten) bytes and how many it read.
func walk(b []byte, rw *rewriter, visit func(op, sub uint32), depth *int, constExpr bool) ([]byte, int, error) {
	s := &Reader{b: b}
	var out []byte
	if rw != nil {
		out = rw.scratch[:0]
	}
	mark := 0 // start of the bytes not yet copied to out (with rw)
	for {
		at := s.off
		op, err := s.Byte()
		if err != nil {
			return nil, 0, err
		}
		var sub uint32
		switch {
		case op == 0x0b: // end
			if *depth == 0 {
				if rw != nil {
					out = append(out, b[mark:s.off]...)
				}
				if visit != nil {
					visit(uint32(op), 0)
				}
				return out, s.off, nil
			}
			*depth--
		case op == 0x10 || op == 0x12 || op == 0xd2: // call, return_call, ref.func
			idx, err := s.U32()
			if err != nil {
				return nil, 0, err
			}
			if rw != nil && rw.fn(idx) != idx {
				out = append(out, b[mark:at+1]...)
				out = AppendULEB(out, uint64(rw.fn(idx)))
				mark = s.off
			}
		case (op == 0x23 || op == 0x24) && rw != nil && rw.globalRef != nil: // global.get, global.set
			idx, err := s.U32()
			if err != nil {
				return nil, 0, err
			}
			rw.globalRef(idx)
		case op == 0xfe && rw != nil && rw.globalRef == nil:
			if sub, err = s.U32(); err != nil {
				return nil, 0, err
			}
			if sub > 2 { // not a wait or notify
				s.off = at
				if sub, err = skipInstr(s); err != nil {
					return nil, 0, err
				}
				break
			}
			offset, err := memarg(s)
			if err != nil {
				return nil, 0, err
			}
			if offset > 1<<32-1 {
				return nil, 0, fmt.Errorf("%w: atomic offset past 32 bits", ErrFormat)
			}
			out = append(out, b[mark:at]...)
			mark = s.off
			out = append(out, 0x41) // i32.const offset
			out = AppendSLEB(out, int64(int32(uint32(offset))))
			out = append(out, 0x10)
			out = AppendULEB(out, uint64([]uint32{rw.notify, rw.wait32, rw.wait64}[sub]))
		default:
			s.off = at
			if sub, err = skipInstr(s); err != nil {
				return nil, 0, err
			}
			switch op {
			case 0x02, 0x03, 0x04, 0x06, 0x1f: // block, loop, if, try, try_table
				*depth++
			case 0x18: // delegate closes a try
				*depth--
			}
		}
		if constExpr && op != 0x0b && op != 0x41 && op != 0x42 && op != 0x43 && op != 0x44 &&
			op != 0x23 && op != 0xd0 && op != 0xd2 && op != 0xfd && !(op >= 0x6a && op <= 0x6c) && !(op >= 0x7c && op <= 0x7e) {
			return nil, 0, errOpcode
		}
		if visit != nil {
			visit(uint32(op), sub)
		}
	}
}

// memarg reads the alignment (with its memory index, for multi-memory)
// and the offset of a memory instruction.
func memarg(s *Reader) (offset uint64, err error) {
	align, err := s.U32()
	if err != nil {
		return 0, err
	}
	if align&0x40 != 0 { // multi-memory: a memory index follows
		if _, err := s.U32(); err != nil {
			return 0, err
		}
	}
	return s.U64()
}

// skipLEBs skips n LEB128 numbers.
func skipLEBs(s *Reader, n int) error {
	for ; n > 0; n-- {
		if _, err := s.U64(); err != nil {
			return err
		}
	}
	return nil
}

// blockType reads a block type: a negative s33 for a value type (or the
// empty type), a non-negative one for a type index. A reference type with
// a heap type (0x63, 0x64) takes a second number.
func blockType(s *Reader) (int64, error) {
	bt, err := s.SLEB()
	if err == nil && (bt == -29 || bt == -28) {
		_, err = s.SLEB()
	}
	return bt, err
}

// Shapes of the immediates of one-byte opcodes, for skipInstr.
const (
	immBad    = iota // not an opcode skipInstr knows
	immNone          // no immediate
	immLEB           // one LEB128 number: an index, a label, a constant
	immLEB2          // two
	immMemarg        // a memory argument
	immBlock         // a block type
	immOther         // read by skipOther
)

// immOf is the shape of each one-byte opcode's immediates: one lookup
// instead of a chain of comparisons, for the instruction walks that read
// every byte of a program's code at each start.
var immOf = func() (t [256]uint8) {
	set := func(kind uint8, ops ...byte) {
		for _, op := range ops {
			t[op] = kind
		}
	}
	set(immNone, 0x00, 0x01, 0x05, 0x0a, 0x0b, 0x0f, 0x19, 0x1a, 0x1b, 0xd1, 0xd3, 0xd4)
	for op := 0x45; op <= 0xc4; op++ {
		t[op] = immNone
	}
	set(immBlock, 0x02, 0x03, 0x04, 0x06) // block, loop, if, try
	set(immLEB, 0x07, 0x08, 0x09, 0x0c, 0x0d, 0x10, 0x12, 0x14, 0x15, 0x18, 0x3f, 0x40, 0x41, 0x42, 0xd0, 0xd2, 0xd5, 0xd6)
	for op := 0x20; op <= 0x26; op++ {
		t[op] = immLEB
	}
	set(immLEB2, 0x11, 0x13) // call_indirect, return_call_indirect
	for op := 0x28; op <= 0x3e; op++ {
		t[op] = immMemarg
	}
	set(immOther, 0x0e, 0x1c, 0x1f, 0x43, 0x44, 0xfc, 0xfd, 0xfe)
	return t
}()

// skipLEB skips a LEB128 number (of at most 10 bytes) without decoding it.
func (r *Reader) skipLEB() error {
	for i := r.off; i < len(r.b) && i < r.off+10; i++ {
		if r.b[i]&0x80 == 0 {
			r.off = i + 1
			return nil
		}
	}
	return ErrFormat
}

// skipInstr reads one instruction with its immediates and returns its
// sub-opcode (for the prefixed ones); errOpcode when it does not know it.
func skipInstr(s *Reader) (sub uint32, err error) {
	if s.off >= len(s.b) {
		return 0, ErrFormat
	}
	op := s.b[s.off]
	switch immOf[op] {
	case immNone:
		s.off++
		return 0, nil
	case immLEB:
		s.off++
		return 0, s.skipLEB()
	case immLEB2:
		s.off++
		if err := s.skipLEB(); err != nil {
			return 0, err
		}
		return 0, s.skipLEB()
	case immMemarg:
		s.off++
		_, err := memarg(s)
		return 0, err
	case immBlock:
		s.off++
		_, err := blockType(s)
		return 0, err
	case immOther:
		s.off++
		return skipOther(s, op)
	}
	return 0, errOpcode
}

// skipOther reads the immediates of op, one of the opcodes of immOther.
func skipOther(s *Reader, op byte) (sub uint32, err error) {
	switch {
	case op == 0x1f: // try_table
		if _, err = blockType(s); err != nil {
			return 0, err
		}
		n, err := s.U32()
		if err != nil {
			return 0, err
		}
		for i := uint32(0); i < n; i++ {
			kind, err := s.Byte()
			if err != nil {
				return 0, err
			}
			args := 1 // a label
			if kind < 2 {
				args = 2 // a tag and a label
			}
			if err := skipLEBs(s, args); err != nil {
				return 0, err
			}
		}
	case op == 0x0e: // br_table
		n, err := s.U32()
		if err != nil {
			return 0, err
		}
		err = skipLEBs(s, int(n)+1)
	case op == 0x1c: // select t*
		n, err := s.U32()
		if err != nil {
			return 0, err
		}
		for i := uint32(0); i < n && err == nil; i++ {
			var t byte
			if t, err = s.Byte(); err == nil && (t == 0x63 || t == 0x64) {
				_, err = s.SLEB()
			}
		}
	case op == 0x43:
		_, err = s.Bytes(4)
	case op == 0x44:
		_, err = s.Bytes(8)
	case op == 0xfc:
		if sub, err = s.U32(); err != nil {
			return 0, err
		}
		switch {
		case sub <= 7:
		case sub == 8 || sub == 10 || sub == 12 || sub == 14:
			err = skipLEBs(s, 2)
		case sub <= 17:
			err = skipLEBs(s, 1)
		default:
			err = errOpcode
		}
	case op == 0xfd:
		if sub, err = s.U32(); err != nil {
			return 0, err
		}
		switch {
		case sub <= 11 || sub == 92 || sub == 93:
			_, err = memarg(s)
		case sub == 12 || sub == 13:
			_, err = s.Bytes(16)
		case sub >= 21 && sub <= 34:
			_, err = s.Byte()
		case sub >= 84 && sub <= 91:
			if _, err = memarg(s); err == nil {
				_, err = s.Byte()
			}
		case sub <= 0x113:
		default:
			err = errOpcode
		}
	case op == 0xfe:
		if sub, err = s.U32(); err != nil {
			return 0, err
		}
		switch {
		case sub == 3: // atomic.fence
			_, err = s.Byte()
		case sub > 0x4e:
			err = errOpcode
		default:
			_, err = memarg(s)
		}
	default:
		err = errOpcode
	}
	return sub, err
}
