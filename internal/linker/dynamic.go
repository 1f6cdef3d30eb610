package linker

import (
	"context"
	"errors"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix/internal/wasmbin"
)

// What libffi on WASIX uses: calling a table entry whose signature is
// known only at run time (call_dynamic, reflect_signature), and making a
// table entry with a given signature that calls back a generic function
// (closures). wazero tells Go neither what a table holds nor its types, so
// the linker keeps the signature of every slot it knows of: those of the
// modules' element segments, those it filled, and closures. Calls go
// through generated modules that do the call_indirect.

// Value types of the current generation's wasm_value_type, in order.
var wasixValTypes = []byte{valI32, valI64, valF32, valF64, 0x7b}

// ErrUnknownFunction is the error for a table index whose signature the
// linker does not know (not a function placed by it) or an empty slot.
var ErrUnknownFunction = errors.New("no function the linker knows at this table index")

// ValType converts a wasm_value_type to a binary value type.
func ValType(t byte) (byte, bool) {
	if int(t) >= len(wasixValTypes) {
		return 0, false
	}
	return wasixValTypes[t], true
}

// WasixValType converts a binary value type to a wasm_value_type.
func WasixValType(v byte) (byte, bool) {
	for i, t := range wasixValTypes {
		if t == v {
			return byte(i), true
		}
	}
	return 0, false
}

// ValSize is the size of a value of binary type v in a packed buffer.
func ValSize(v byte) uint32 {
	switch v {
	case valI64, valF64:
		return 8
	case 0x7b:
		return 16
	}
	return 4
}

// elemType is the signature of the function an element segment of a
// module instantiated in the main thread put at slot. It is looked up
// when asked rather than recorded at each instantiation: a start-up need
// not fill a map with every function of every table. The latest module,
// then its latest segment, wins, as the table's contents do.
func (l *Linker) elemType(slot uint32) (funcType, bool) {
	for j := len(l.elemMods) - 1; j >= 0; j-- {
		m := l.elemMods[j]
		tb := -1
		k := 0
		for _, im := range m.bin.imports {
			if im.kind == kindGlobal {
				if im.module == "env" && im.name == "__table_base" {
					tb = k
				}
				k++
			}
		}
		for s := len(m.bin.elems) - 1; s >= 0; s-- {
			seg := m.bin.elems[s]
			base := uint32(seg.add)
			if seg.global >= 0 {
				if seg.global != tb {
					continue
				}
				base += m.tableBase
			}
			if slot < base || uint64(slot) >= uint64(base)+uint64(len(seg.funcs)) {
				continue
			}
			return m.bin.funcTypeOf(seg.funcs[slot-base])
		}
	}
	return funcType{}, false
}

// typeOf is the signature of the function at table index slot: one the
// linker put there, a closure, or one of an element segment.
func (l *Linker) typeOf(slot uint32) (funcType, bool) {
	if t, ok := l.types[slot]; ok {
		return t, true
	}
	return l.elemType(slot)
}

// Signature returns the parameter and result types (binary value types)
// of the function at table index slot, and whether it is a closure (whose
// signature a later closure_prepare may change).
func (l *Linker) Signature(slot uint32) (params, results []byte, closure bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t, ok := l.typeOf(slot)
	if !ok {
		return nil, nil, false, ErrUnknownFunction
	}
	return t.params, t.results, l.closures[slot], nil
}

// CallDynamic calls the function at table index slot with args (in
// wazero's encoding) and returns its results. A trap or an exit in the
// callee is the error.
func (l *Linker) CallDynamic(ctx context.Context, caller api.Module, slot uint32, args []uint64) ([]uint64, error) {
	l.mu.Lock()
	t, ok := l.typeOf(slot)
	var fn api.Function
	var err error
	if ok {
		fn, err = l.caller(ctx, l.threadOf(caller), t)
	}
	l.mu.Unlock()
	if !ok {
		return nil, ErrUnknownFunction
	}
	if err != nil {
		return nil, err
	}
	// The lock is not held: the callee may call back into the linker.
	return fn.Call(ctx, append([]uint64{uint64(slot)}, args...)...)
}

// caller returns, made once per signature, a function (i32 slot, params)
// -> results that calls table entry slot with the params.
func (l *Linker) caller(ctx context.Context, th *thread, t funcType) (api.Function, error) {
	if fn := th.callers[t.key()]; fn != nil {
		return fn, nil
	}
	b := newModBuilder()
	b.importTable("base", "table", 0)
	body := []byte{0}
	for i := range t.params {
		body = append(body, 0x20)
		body = wasmbin.AppendULEB(body, uint64(i+1))
	}
	body = append(body, 0x20, 0, 0x11)
	body = wasmbin.AppendULEB(body, uint64(b.typeOf(t)))
	body = append(body, 0, 0x0b)
	ct := funcType{params: append([]byte{valI32}, t.params...), results: t.results}
	b.export("call", kindFunc, b.function(ct, body))
	fn, err := l.threadFunc(ctx, th, b, "call")
	if err != nil {
		return nil, err
	}
	th.callers[t.key()] = fn
	return fn, nil
}

// ClosureAllocate reserves a table slot for a closure.
func (l *Linker) ClosureAllocate(ctx context.Context) (uint32, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var s uint32
	if n := len(l.freeClosures); n > 0 {
		s = l.freeClosures[n-1]
		l.freeClosures = l.freeClosures[:n-1]
	} else {
		s = l.nextSlot
		if err := l.ensureTable(ctx, s+1); err != nil {
			return 0, err
		}
		l.nextSlot++
	}
	l.closures[s] = true
	return s, nil
}

// ClosureFree releases a closure's slot for a later ClosureAllocate.
func (l *Linker) ClosureFree(slot uint32) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.closures[slot] {
		return ErrUnknownFunction
	}
	delete(l.closures, slot)
	delete(l.types, slot)
	delete(l.closureDefs, slot)
	l.freeClosures = append(l.freeClosures, slot)
	return nil
}

// ClosurePrepare makes the closure slot a function of params -> results
// (binary value types) that packs its arguments into a buffer on the
// guest's stack and calls backing(args, results, userData), a function of
// (i32, i32, i32) -> (), then returns the results the backing function
// left in its result buffer.
func (l *Linker) ClosurePrepare(ctx context.Context, backing, slot uint32, params, results []byte, userData uint32) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.closures[slot] {
		return ErrUnknownFunction
	}
	d := closureDef{backing: backing, userData: userData, params: params, results: results}
	for _, th := range l.allThreads() {
		if err := l.prepareIn(ctx, th, slot, d); err != nil {
			return err
		}
	}
	l.types[slot] = funcType{params: params, results: results}
	l.closureDefs[slot] = d
	return nil
}

// prepareIn makes the closure slot in th's table.
func (l *Linker) prepareIn(ctx context.Context, th *thread, slot uint32, d closureDef) error {
	backing, params, results, userData := d.backing, d.params, d.results, d.userData
	b := newModBuilder()
	b.importTable("base", "table", 0)
	b.importMemory("mem", "memory", l.shared)
	sp := b.importGlobal("base", "__stack_pointer", valI32, true)
	backType := b.typeOf(funcType{params: []byte{valI32, valI32, valI32}})
	t := funcType{params: params, results: results}
	var argSize, resSize uint32
	for _, v := range params {
		argSize += ValSize(v)
	}
	for _, v := range results {
		resSize += ValSize(v)
	}
	argSize, resSize = alignUp(argSize, 16), alignUp(resSize, 16)
	n := uint64(len(params))
	orig, args, res := n, n+1, n+2
	body := []byte{1, 3, valI32} // three i32 locals
	u := func(v uint64) { body = wasmbin.AppendULEB(body, v) }
	op := func(ops ...byte) { body = append(body, ops...) }
	i32 := func(v uint32) { op(0x41); body = wasmbin.AppendSLEB(body, int64(int32(v))) }
	op(0x23)
	u(uint64(sp))
	op(0x22)
	u(orig)
	i32(resSize)
	op(0x6b, 0x22)
	u(res)
	i32(argSize)
	op(0x6b, 0x22)
	u(args)
	op(0x24)
	u(uint64(sp))
	var off uint32
	for i, v := range params {
		op(0x20)
		u(args)
		op(0x20)
		u(uint64(i))
		memOp(&body, v, true, off)
		off += ValSize(v)
	}
	op(0x20)
	u(args)
	op(0x20)
	u(res)
	i32(userData)
	i32(backing)
	op(0x11)
	u(uint64(backType))
	op(0)
	off = 0
	for _, v := range results {
		op(0x20)
		u(res)
		memOp(&body, v, false, off)
		off += ValSize(v)
	}
	op(0x20)
	u(orig)
	op(0x24)
	u(uint64(sp))
	op(0x0b)
	f := b.function(t, body)
	b.elem(slot, f)
	inst, err := l.instantiateGenerated(ctx, b, map[string]api.Module{"base": th.base, "mem": l.cfg.Resolver("env")})
	if err == nil && th != l.mainTh {
		th.gen = append(th.gen, inst)
	}
	return err
}

// memOp appends the store (or load) of a value of binary type v at offset
// off from the address on the stack.
func memOp(b *[]byte, v byte, store bool, off uint32) {
	var code []byte
	switch v {
	case valI32:
		code = []byte{0x28}
	case valI64:
		code = []byte{0x29}
	case valF32:
		code = []byte{0x2a}
	case valF64:
		code = []byte{0x2b}
	default: // v128
		code = []byte{0xfd, 0}
	}
	if store {
		if len(code) == 1 {
			code[0] += 0x36 - 0x28
		} else {
			code[1] = 11
		}
	}
	*b = append(*b, code...)
	*b = wasmbin.AppendULEB(*b, 0) // alignment hint: 1 byte
	*b = wasmbin.AppendULEB(*b, uint64(off))
}
