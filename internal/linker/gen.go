package linker

import (
	"bytes"

	"github.com/wasix-go/wasix/internal/wasmbin"
)

// modBuilder writes the small modules the linker generates at run time:
// the table and stack pointer every module shares, the "env" and GOT
// modules each instance imports, and the modules that put functions into
// the shared table (wazero has no API to set a table element from Go).
// Imports must all be added before any definition.
type modBuilder struct {
	types []funcType

	imports  vec
	nFuncImp uint32
	nGlobImp uint32
	nTagImp  uint32

	funcs   []builtFunc
	tables  vec
	globals vec
	tags    []uint32
	exports vec
	nExport map[string]bool
	start   []byte // the start section's content, if any
	elems   vec
}

// vec is the items of a section, encoded one after the other: one buffer
// per section rather than one per item (a start generates several
// modules).
type vec struct {
	n int
	b []byte
}

type builtFunc struct {
	typ  uint32
	body []byte // locals and code, end included
}

func newModBuilder() *modBuilder {
	return &modBuilder{nExport: map[string]bool{}}
}

// typeOf is the index of type t, added on first use. A generated module
// has few types: a scan is cheaper than a map keyed by a new string.
func (m *modBuilder) typeOf(t funcType) uint32 {
	for i, u := range m.types {
		if bytes.Equal(u.params, t.params) && bytes.Equal(u.results, t.results) {
			return uint32(i)
		}
	}
	m.types = append(m.types, t)
	return uint32(len(m.types) - 1)
}

func appendName(b []byte, s string) []byte {
	b = wasmbin.AppendULEB(b, uint64(len(s)))
	return append(b, s...)
}

func (m *modBuilder) imp(module, name string, kind byte, desc ...byte) {
	m.imports.b = append(appendName(appendName(m.imports.b, module), name), kind)
	m.imports.b = append(m.imports.b, desc...)
	m.imports.n++
}

// importFunc imports a function and returns its index.
func (m *modBuilder) importFunc(module, name string, t funcType) uint32 {
	m.imp(module, name, kindFunc)
	m.imports.b = wasmbin.AppendULEB(m.imports.b, uint64(m.typeOf(t)))
	m.nFuncImp++
	return m.nFuncImp - 1
}

// importTable imports a funcref table of at least min elements.
func (m *modBuilder) importTable(module, name string, min uint32) {
	m.imp(module, name, kindTable, valFuncref, 0)
	m.imports.b = wasmbin.AppendULEB(m.imports.b, uint64(min))
}

// importMemory imports a memory with the given limits.
func (m *modBuilder) importMemory(module, name string, shared bool) {
	if shared {
		m.imp(module, name, kindMemory, 3, 0)
		m.imports.b = wasmbin.AppendULEB(m.imports.b, 65536)
	} else {
		m.imp(module, name, kindMemory, 0, 0)
	}
}

// importGlobal imports a global and returns its index.
func (m *modBuilder) importGlobal(module, name string, valType byte, mutable bool) uint32 {
	mut := byte(0)
	if mutable {
		mut = 1
	}
	m.imp(module, name, kindGlobal, valType, mut)
	m.nGlobImp++
	return m.nGlobImp - 1
}

// importTag imports a tag of signature t and returns its index.
func (m *modBuilder) importTag(module, name string, t funcType) uint32 {
	m.imp(module, name, kindTag, 0)
	m.imports.b = wasmbin.AppendULEB(m.imports.b, uint64(m.typeOf(t)))
	m.nTagImp++
	return m.nTagImp - 1
}

// function defines a function and returns its index.
func (m *modBuilder) function(t funcType, body []byte) uint32 {
	m.funcs = append(m.funcs, builtFunc{m.typeOf(t), body})
	return m.nFuncImp + uint32(len(m.funcs)) - 1
}

// table defines a funcref table without a maximum.
func (m *modBuilder) table(min uint32) {
	m.tables.b = wasmbin.AppendULEB(append(m.tables.b, valFuncref, 0), uint64(min))
	m.tables.n++
}

// globalI32 defines an i32 global with a constant value.
func (m *modBuilder) globalI32(mutable bool, v uint32) uint32 {
	mut := byte(0)
	if mutable {
		mut = 1
	}
	m.globals.b = wasmbin.AppendSLEB(append(m.globals.b, valI32, mut, 0x41), int64(int32(v)))
	m.globals.b = append(m.globals.b, 0x0b)
	m.globals.n++
	return m.nGlobImp + uint32(m.globals.n) - 1
}

// tag defines a tag of signature t.
func (m *modBuilder) tag(t funcType) uint32 {
	m.tags = append(m.tags, m.typeOf(t))
	return m.nTagImp + uint32(len(m.tags)) - 1
}

// export exports an item once; a second export of the same name is
// ignored (wasm forbids duplicate export names).
func (m *modBuilder) export(name string, kind byte, index uint32) {
	if m.nExport[name] {
		return
	}
	m.nExport[name] = true
	m.exports.b = wasmbin.AppendULEB(append(appendName(m.exports.b, name), kind), uint64(index))
	m.exports.n++
}

// elem adds an active segment putting functions into table 0 from offset.
func (m *modBuilder) elem(offset uint32, funcs ...uint32) {
	b := wasmbin.AppendSLEB(append(m.elems.b, 0, 0x41), int64(int32(offset)))
	b = wasmbin.AppendULEB(append(b, 0x0b), uint64(len(funcs)))
	for _, f := range funcs {
		b = wasmbin.AppendULEB(b, uint64(f))
	}
	m.elems.b = b
	m.elems.n++
}

// uleb is the size of x in unsigned LEB128.
func uleb(x uint64) int {
	n := 1
	for ; x >= 0x80; x >>= 7 {
		n++
	}
	return n
}

// section appends a section of v's items; none when there are none.
func section(out []byte, id byte, v vec) []byte {
	if v.n == 0 {
		return out
	}
	out = append(out, id)
	out = wasmbin.AppendULEB(out, uint64(uleb(uint64(v.n))+len(v.b)))
	out = wasmbin.AppendULEB(out, uint64(v.n))
	return append(out, v.b...)
}

// encode returns the module's binary.
func (m *modBuilder) encode() []byte {
	var types, fidx, code, tags vec
	for _, t := range m.types {
		types.b = wasmbin.AppendULEB(append(types.b, 0x60), uint64(len(t.params)))
		types.b = wasmbin.AppendULEB(append(types.b, t.params...), uint64(len(t.results)))
		types.b = append(types.b, t.results...)
		types.n++
	}
	for _, f := range m.funcs {
		fidx.b = wasmbin.AppendULEB(fidx.b, uint64(f.typ))
		fidx.n++
		code.b = append(wasmbin.AppendULEB(code.b, uint64(len(f.body))), f.body...)
		code.n++
	}
	for _, t := range m.tags {
		tags.b = wasmbin.AppendULEB(append(tags.b, 0), uint64(t))
		tags.n++
	}
	size := 8 + 6*16 + len(m.start)
	for _, v := range []vec{types, m.imports, fidx, m.tables, tags, m.globals, m.exports, m.elems, code} {
		size += len(v.b)
	}
	out := append(make([]byte, 0, size), "\x00asm\x01\x00\x00\x00"...)
	out = section(out, 1, types)
	out = section(out, 2, m.imports)
	out = section(out, 3, fidx)
	out = section(out, 4, m.tables)
	out = section(out, 13, tags) // the tag section comes after tables, before globals
	out = section(out, 6, m.globals)
	out = section(out, 7, m.exports)
	if m.start != nil {
		out = appendSection(out, 8, m.start)
	}
	out = section(out, 9, m.elems)
	return section(out, 10, code)
}

// callIndirectBody is the body of a function of type t that calls the
// function in slot of table 0 with its own arguments: the trampoline an
// instance imports for a symbol whose module is instantiated after it.
func callIndirectBody(typeIdx uint32, t funcType, slot uint32) []byte {
	b := []byte{0} // no locals
	for i := range t.params {
		b = append(b, 0x20)
		b = wasmbin.AppendULEB(b, uint64(i))
	}
	b = append(b, 0x41)
	b = wasmbin.AppendSLEB(b, int64(int32(slot)))
	b = append(b, 0x11)
	b = wasmbin.AppendULEB(b, uint64(typeIdx))
	b = append(b, 0, 0x0b)
	return b
}

// unreachableBody is the body of a function that traps: what a weak
// undefined function is when called.
func unreachableBody() []byte { return []byte{0, 0x00, 0x0b} }

// growBody is the body of (param i32) (result i32): table.grow of table 0
// by the parameter with null entries, returning the old size or -1.
func growBody() []byte {
	return []byte{0, 0xd0, valFuncref, 0x20, 0, 0xfc, 15, 0, 0x0b}
}

// sizeBody is the body of (result i32): table.size of table 0.
func sizeBody() []byte { return []byte{0, 0xfc, 16, 0, 0x0b} }

// callsCode is the code that, for each of funcs in turn, sets global at
// to its position and calls it (with its argument when it takes one),
// dropping its results: many calls the linker would otherwise make from
// Go one by one (each a lookup and a call engine of its own). After a
// trap, at tells which call trapped.
func callsCode(at uint32, funcs []uint32, args [][]byte, nresults []int) []byte {
	var b []byte
	for i, f := range funcs {
		b = append(b, 0x41)
		b = wasmbin.AppendSLEB(b, int64(i))
		b = append(b, 0x24)
		b = wasmbin.AppendULEB(b, uint64(at))
		b = append(b, args[i]...) // the argument, if any
		b = append(b, 0x10)
		b = wasmbin.AppendULEB(b, uint64(f))
		for range nresults[i] {
			b = append(b, 0x1a)
		}
	}
	return b
}

// appendGetterFill appends the code that puts into slot of table 0 the
// function getter (a main program's getterExport) returns for k.
func appendGetterFill(b []byte, slot, k, getter uint32) []byte {
	b = wasmbin.AppendSLEB(append(b, 0x41), int64(int32(slot)))
	b = wasmbin.AppendSLEB(append(b, 0x41), int64(int32(k)))
	return append(wasmbin.AppendULEB(append(b, 0x10), uint64(getter)), 0x26, 0) // call; table.set 0
}

// runBody is the body of (param i32): code0 when the parameter is 0,
// else code1.
func runBody(code0, code1 []byte) []byte {
	b := []byte{0, 0x20, 0, 0x45, 0x04, 0x40} // no locals; local.get 0; i32.eqz; if
	b = append(append(append(b, code0...), 0x05), code1...)
	return append(b, 0x0b, 0x0b)
}
