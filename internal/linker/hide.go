package linker

import (
	"bytes"
	"context"
	"errors"
	"strings"

	"github.com/tetratelabs/wazero/api"

	"github.com/wasix-go/wasix/internal/wasmbin"
)

// A -pie main program exports every symbol of libc and its own (wasm-ld's
// --export-dynamic), some 2,000, so that the libraries it loads can link
// against them. wazero walks a module's exports at every instantiation
// (some 40% of what instantiating such a main costs beyond the same
// program linked statically), though start-up links only a handful of
// them. PrepareMain hides them: the compiled main exports only what the
// runtime calls by name, and one function, getterExport, that returns a
// hidden function as a funcref by its number. The linker puts a hidden
// function into a table slot with it when a library, dlsym or a callback
// needs it; a library's import of one calls through that slot.

// getterExport is the name of the function that returns the hidden
// function number k (i32) as a funcref, or null past the last.
const getterExport = "__wasix_linker_func"

// getterType is the getter's signature.
var getterType = funcType{params: []byte{valI32}, results: []byte{valFuncref}}

// kept reports whether a main program's export stays visible: what the
// runtime and the linker look up by name (the linker's own symbols, the
// entry points, asyncify's functions, the allocator the linker places
// libraries with, the stack and thread-local globals), tables, memories
// and tags. Symbols a program names at run time (callback_signal's
// handler) are found hidden too (Export); data symbols, by the linker,
// in the binary.
func kept(name string, kind byte) bool {
	switch kind {
	case kindFunc:
		switch name {
		case "wasi_thread_start", "_start_thread", "_react", "aligned_alloc":
			return true
		}
		return internal(name) || strings.HasPrefix(name, "asyncify_")
	case kindGlobal:
		switch name {
		case "__stack_pointer", "__stack_low", "__stack_high", "__tls_base", "__tls_size", "__tls_align":
			return true
		}
		return false
	}
	return true
}

// PrepareVersion names the rules PrepareMain follows (what it hides, the
// getter): a cache of its results must key on it.
const PrepareVersion = "wasix-pie-3"

// hiddenExports returns what PrepareMain does to bin's exports: the
// functions it hides, their numbers their places in names, and the name
// of the start function's export ("" without one).
func (b *Binary) hiddenExports() (names []string, startName string) {
	for _, e := range b.exports {
		if e.kind == kindFunc && !kept(e.name, e.kind) {
			names = append(names, e.name)
		}
	}
	if b.start >= 0 {
		startName = startExport
	}
	return names, startName
}

// Prepared records on bin what PrepareMain did to its code: call it once
// the code PrepareMain returned (now or earlier, kept in a cache under
// PrepareVersion) is compiled, before linking.
func Prepared(bin *Binary) {
	bin.renamed = mainRenamed
	names, startName := bin.hiddenExports()
	bin.hidden = make(map[string]uint32, len(names))
	for k, name := range names {
		bin.hidden[name] = uint32(k)
	}
	bin.startName = startName
}

// PrepareMain returns the code to compile for a -pie main program, code
// (its binary wasm, or a rewrite of it that moved indices but kept the
// exports' names and order), with its exports hidden as kept says and its
// start section taken out (its start function exported as startExport,
// which the linker calls as it calls a library's), its imports renamed as
// a library's are (Binary.envImport). bin is wasm parsed, as the linker
// reads it; once the code is compiled, Prepared(bin) tells the linker
// what PrepareMain did. Function indices do not change: the getter is added after the program's
// functions, its type after the types, and the declaration its ref.func
// instructions need as a last element segment, which instantiation
// skips.
func PrepareMain(bin *Binary, wasm, code []byte) ([]byte, error) {
	cb := bin
	if len(code) != len(wasm) || !bytes.Equal(code, wasm) {
		var err error
		if cb, err = Parse(code); err != nil {
			return nil, err
		}
	}
	names, startName := bin.hiddenExports()
	hidden := make([]uint32, len(names)) // function indices, by hidden number
	for i, name := range names {
		e, ok := cb.exportMap[name]
		if !ok || e.kind != kindFunc {
			return nil, errors.New("the rewritten program lost export " + name)
		}
		hidden[i] = e.index
	}
	var exports []byte
	var nExports int
	for _, e := range cb.exports {
		if kept(e.name, e.kind) {
			exports = wasmbin.AppendULEB(append(appendName(exports, e.name), e.kind), uint64(e.index))
			nExports++
		}
	}
	globals, err := usedGlobals(cb, code)
	if err != nil {
		return nil, err
	}
	if (cb.start >= 0) != (startName != "") {
		return nil, errors.New("the rewritten program lost its start function")
	}
	if cb.start >= 0 {
		exports = wasmbin.AppendULEB(append(appendName(exports, startExport), kindFunc), uint64(cb.start))
		nExports++
	}
	getter := uint32(cb.importFuncs + len(cb.funcs))
	typeIdx := uint32(len(cb.types))
	if len(hidden) > 0 {
		exports = wasmbin.AppendULEB(append(appendName(exports, getterExport), kindFunc), uint64(getter))
		nExports++
	}
	// add appends section id with one more item, written in place: a
	// copy of the program's 1 MB costs page faults by the hundred.
	add := func(out []byte, id byte, body []byte, k int, items []byte) ([]byte, error) {
		s := wasmbin.NewReader(body)
		n, err := s.U32()
		if err != nil {
			return nil, err
		}
		rest := body[s.Offset():]
		count := uint64(n) + uint64(k)
		out = wasmbin.AppendULEB(append(out, id), uint64(uleb(count)+len(rest)+len(items)))
		out = wasmbin.AppendULEB(out, count)
		return append(append(out, rest...), items...), nil
	}
	// The declaration: a declarative segment (flags 3) of funcrefs (0).
	decl := wasmbin.AppendULEB([]byte{3, 0}, uint64(len(hidden)))
	for _, f := range hidden {
		decl = wasmbin.AppendULEB(decl, uint64(f))
	}
	var fns, fidx []byte // the getter's functions: their code, their types
	bodies := getterBodies(hidden, getter)
	for _, body := range bodies {
		fns = append(wasmbin.AppendULEB(fns, uint64(len(body))), body...)
		fidx = wasmbin.AppendULEB(fidx, uint64(typeIdx))
	}
	out := append(make([]byte, 0, len(code)+len(exports)+len(decl)+len(fns)+64), code[:8]...)
	r, _ := wasmbin.Sections(code)
	wroteExports, wroteElems := false, len(hidden) == 0
	for !r.Done() {
		id, body, err := r.Section()
		if err != nil {
			return nil, err // Parse read it whole: not reached
		}
		// The export and element sections come before the data count,
		// code and data sections; a module without one gets it there.
		if id == 8 || id == 9 || id == 10 || id == 11 || id == 12 {
			if !wroteExports {
				out = appendSection(out, 7, append(wasmbin.AppendULEB(nil, uint64(nExports)), exports...))
				wroteExports = true
			}
		}
		if (id == 10 || id == 11 || id == 12) && !wroteElems {
			out = appendSection(out, 9, append(wasmbin.AppendULEB(nil, 1), decl...))
			wroteElems = true
		}
		switch {
		case id == 7 || id == 8:
			// Written above (exports), or dropped (start).
		case id == 2:
			rb := &Binary{renamed: mainRenamed}
			if body, err = rb.renameImports(body); err == nil {
				out = appendSection(out, id, body)
			}
		case id == 6:
			body, err = wasmbin.TruncateGlobals(body, globals)
			out = appendSection(out, id, body)
		case len(hidden) == 0:
			out = appendSection(out, id, body)
		case id == 1:
			out, err = add(out, id, body, 1, []byte{0x60, 1, valI32, 1, valFuncref})
		case id == 3:
			out, err = add(out, id, body, len(bodies), fidx)
		case id == 9:
			out, err = add(out, id, body, 1, decl)
			wroteElems = true
		case id == 10:
			out, err = add(out, id, body, len(bodies), fns)
		default:
			out = appendSection(out, id, body)
		}
		if err != nil {
			return nil, err
		}
	}
	if !wroteExports || !wroteElems {
		return nil, errors.New("a -pie program without code")
	}
	return out, nil
}

// usedGlobals is how many of the globals cb defines the prepared program
// keeps: up to the last one that its code, a constant expression or a
// kept export uses. wasm-ld defines one for each data symbol a -pie
// program exports, some hundred for libc, after those its code uses
// (the thread-local and GOT ones); the linker reads their values in the
// binary, and each costs wazero an allocation and an evaluation at every
// instantiation.
func usedGlobals(cb *Binary, code []byte) (uint32, error) {
	last := -1
	use := func(idx uint32) { last = max(last, int(idx)) }
	for _, e := range cb.exports {
		if e.kind == kindGlobal && kept(e.name, e.kind) {
			use(e.index)
		}
	}
	if err := wasmbin.GlobalRefs(code, use); err != nil {
		return 0, err
	}
	return uint32(max(last+1-cb.importGlobs, 0)), nil
}

// mainRenamed is what a main program's own names of its bases end in
// (see Binary.envImport): one main program is linked at a time.
const mainRenamed = "main"

// getterChunk is the most functions one function of the getter chooses
// between: wazero compiles a function of n nested blocks in a time that
// grows faster than n (20,000 took a second), so past it the getter
// chooses a chunk by k / getterChunk and calls that chunk's function, one
// of those placed after it.
const getterChunk = 256

// getterBodies returns the bodies of the getter's functions, the getter
// (function index getter) first: each (param i32) (result funcref),
// returning ref.func funcs[k] for k and ref.null past the end.
func getterBodies(funcs []uint32, getter uint32) [][]byte {
	k := []byte{0x20, 0} // local.get 0
	if len(funcs) <= getterChunk {
		return [][]byte{dispatch(len(funcs), k, func(b []byte, i int) []byte {
			return wasmbin.AppendULEB(append(b, 0xd2), uint64(funcs[i])) // ref.func
		})}
	}
	n := (len(funcs) + getterChunk - 1) / getterChunk
	chunk := wasmbin.AppendSLEB(append(k, 0x41), getterChunk)              // local.get 0; i32.const
	top := dispatch(n, append(chunk, 0x6e), func(b []byte, i int) []byte { // ...; i32.div_u
		b = wasmbin.AppendSLEB(append(b, 0x20, 0, 0x41), int64(i*getterChunk))
		return wasmbin.AppendULEB(append(b, 0x6b, 0x10), uint64(getter)+1+uint64(i)) // i32.sub; call
	})
	out := [][]byte{top}
	for lo := 0; lo < len(funcs); lo += getterChunk {
		out = append(out, getterBodies(funcs[lo:min(lo+getterChunk, len(funcs))], 0)[0])
	}
	return out
}

// dispatch is the body of a function whose code sel pushes a number i:
// the function returns what the code arm(i) pushes, or ref.null when i is
// n or more. It is a br_table out of n+1 nested blocks, each block's end
// followed by the arm of its number.
func dispatch(n int, sel []byte, arm func(b []byte, i int) []byte) []byte {
	b := []byte{0} // no locals
	for range n + 1 {
		b = append(b, 0x02, 0x40) // block
	}
	b = wasmbin.AppendULEB(append(append(b, sel...), 0x0e), uint64(n)) // br_table
	for i := range n + 1 {
		b = wasmbin.AppendULEB(b, uint64(i))
	}
	for i := range n {
		b = append(arm(append(b, 0x0b), i), 0x0f) // end; arm; return
	}
	return append(b, 0x0b, 0xd0, valFuncref, 0x0b)
}

// hiddenFunc is the number of a function the main program hides, if m is
// such a program and hides name.
func (m *module) hiddenFunc(name string) (uint32, bool) {
	k, ok := m.bin.hidden[name]
	return k, ok
}

// Export returns the function name of the main program for caller, one
// thread's instance of it, when the program hides it (PrepareMain): what
// the runtime calls by a name the program gives at run time, such as
// callback_signal's handler. It is a trampoline through the function's
// slot in that thread's table, made once per thread. nil when name is
// not a hidden function.
func (l *Linker) Export(ctx context.Context, caller api.Module, name string) (api.Function, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.main == nil {
		return nil, nil
	}
	if _, ok := l.main.hiddenFunc(name); !ok {
		return nil, nil
	}
	th := l.threadOf(caller)
	if th == nil || th.insts[l.main] != caller {
		return nil, nil
	}
	if f := th.exports[name]; f != nil {
		return f, nil
	}
	t, ok := l.main.bin.funcTypeOf(l.main.exports[name].index)
	if !ok {
		return nil, errorf("%s: bad function %s", l.main.path, name)
	}
	s, err := l.slot(ctx, l.main, name)
	if err != nil {
		return nil, err
	}
	b := newModBuilder()
	b.importTable("base", "table", 0)
	b.export("f", kindFunc, b.function(t, callIndirectBody(b.typeOf(t), t, s)))
	f, err := l.threadFunc(ctx, th, b, "f")
	if err != nil {
		return nil, err
	}
	th.exports[name] = f
	return f, nil
}
