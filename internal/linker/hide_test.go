package linker

import (
	"context"
	"fmt"
	"testing"

	"github.com/tetratelabs/wazero"

	"github.com/wasix-go/wasix/internal/wasmbin"
)

// prepareTest parses the module b builds as a -pie main and prepares it.
func prepareTest(t *testing.T, b *modBuilder) (*Binary, []byte) {
	t.Helper()
	wasm := withDylink(b.encode())
	bin, err := Parse(wasm)
	if err != nil {
		t.Fatal(err)
	}
	code, err := PrepareMain(bin, wasm, wasm)
	if err != nil {
		t.Fatal(err)
	}
	return bin, code
}

// PrepareMain hides the exports the runtime does not call by name, moves
// the start function into an export, and the getter returns each hidden
// function by its number (null past the last): in a program with an
// element section of its own and in one without.
func TestPrepareMain(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	// The program's import of env.imported is renamed as a library's.
	if _, err := rt.NewHostModuleBuilder(funcModule + "imported").NewFunctionBuilder().
		WithFunc(func() {}).Export("imported").Instantiate(ctx); err != nil {
		t.Fatal(err)
	}
	i32 := funcType{results: []byte{valI32}}
	for _, ownElems := range []bool{false, true} {
		b := newModBuilder()
		b.importFunc("env", "imported", funcType{}) // function 0: the indices past it must hold
		seven := b.function(i32, []byte{0, 0x41, 7, 0x0b})
		nine := b.function(i32, []byte{0, 0x41, 9, 0x0b})
		start := b.function(funcType{}, []byte{0, 0x0b})
		b.start = wasmbin.AppendULEB(nil, uint64(start))
		b.export("seven", kindFunc, seven)
		b.export("nine", kindFunc, nine)
		b.export("_start", kindFunc, start)
		b.export("aligned_alloc", kindFunc, nine)
		b.export("data_symbol", kindGlobal, b.globalI32(false, 100))
		b.export("__stack_low", kindGlobal, b.globalI32(false, 200))
		if ownElems {
			b.table(2)
			b.elem(1, seven)
		}
		bin, code := prepareTest(t, b)
		if bin.hidden != nil || bin.startName != "" {
			t.Errorf("elements %v: PrepareMain marked the binary before Prepared", ownElems)
		}
		Prepared(bin)
		out, err := Parse(code)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"_start", "aligned_alloc", "__stack_low", startExport, getterExport} {
			if _, ok := out.exportMap[name]; !ok {
				t.Errorf("elements %v: %s is not exported", ownElems, name)
			}
		}
		for _, name := range []string{"seven", "nine", "data_symbol"} {
			if _, ok := out.exportMap[name]; ok {
				t.Errorf("elements %v: %s is still exported", ownElems, name)
			}
		}
		if out.start != -1 || bin.startName != startExport || out.exportMap[startExport].index != start {
			t.Errorf("elements %v: start section %d, startName %q", ownElems, out.start, bin.startName)
		}
		if len(bin.hidden) != 2 {
			t.Errorf("elements %v: hidden %v, want seven and nine", ownElems, bin.hidden)
		}
		c, err := rt.CompileModule(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		main, err := rt.InstantiateModule(ctx, c, wazero.NewModuleConfig().WithName("main"))
		if err != nil {
			t.Fatal(err)
		}
		// A module calls each hidden function through a slot the getter
		// filled, and asks for one past the last.
		u := newModBuilder()
		get := u.importFunc("main", getterExport, getterType)
		u.table(1)
		call := func(k uint32) []byte {
			body := appendGetterFill([]byte{0}, 0, k, get)
			return append(body, 0x41, 0, 0x11, byte(u.typeOf(i32)), 0, 0x0b) // call_indirect of slot 0
		}
		u.export("seven", kindFunc, u.function(i32, call(bin.hidden["seven"])))
		u.export("nine", kindFunc, u.function(i32, call(bin.hidden["nine"])))
		u.export("past", kindFunc, u.function(i32, []byte{0, 0x41, 2, 0x10, byte(get), 0xd1, 0x0b})) // ref.is_null
		user, err := rt.Instantiate(ctx, u.encode())
		if err != nil {
			t.Fatal(err)
		}
		for name, want := range map[string]uint64{"seven": 7, "nine": 9, "past": 1} {
			res, err := user.ExportedFunction(name).Call(ctx)
			if err != nil || res[0] != want {
				t.Errorf("elements %v: %s = %v, %v; want %d", ownElems, name, res, err, want)
			}
		}
		user.Close(ctx)
		main.Close(ctx)
		c.Close(ctx)
	}
}

// Past getterChunk hidden functions the getter chooses a chunk first:
// every number, on either side of a chunk's edge, still gives its
// function, and one past the last gives null.
func TestPrepareMainManyHidden(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	i32 := funcType{results: []byte{valI32}}
	const n = 2*getterChunk + 88
	b := newModBuilder()
	for i := range n {
		f := b.function(i32, append(wasmbin.AppendSLEB([]byte{0, 0x41}, int64(i)+1000), 0x0b)) // i32.const
		b.export(fmt.Sprintf("f%d", i), kindFunc, f)
	}
	bin, code := prepareTest(t, b)
	Prepared(bin)
	c, err := rt.CompileModule(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rt.InstantiateModule(ctx, c, wazero.NewModuleConfig().WithName("main")); err != nil {
		t.Fatal(err)
	}
	u := newModBuilder()
	get := u.importFunc("main", getterExport, getterType)
	u.table(1)
	// call(k) is f_k's value through slot 0, or -1 when the getter gives null.
	body := []byte{0, 0x20, 0, 0x10, byte(get), 0xd1, 0x04, valI32, 0x41, 0x7f, 0x05} // ref.is_null; if (result i32) -1 else
	body = append(body, 0x41, 0, 0x20, 0, 0x10, byte(get), 0x26, 0)                   // table.set 0 at 0
	body = append(body, 0x41, 0, 0x11, byte(u.typeOf(i32)), 0, 0x0b, 0x0b)            // call_indirect; end; end
	u.export("call", kindFunc, u.function(funcType{params: []byte{valI32}, results: []byte{valI32}}, body))
	user, err := rt.Instantiate(ctx, u.encode())
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 1, getterChunk - 1, getterChunk, 2*getterChunk - 1, 2 * getterChunk, n - 1} {
		k := bin.hidden[fmt.Sprintf("f%d", i)]
		res, err := user.ExportedFunction("call").Call(ctx, uint64(k))
		if err != nil || int32(res[0]) != int32(i+1000) {
			t.Errorf("f%d (number %d) = %v, %v", i, k, res, err)
		}
	}
	if res, err := user.ExportedFunction("call").Call(ctx, n); err != nil || int32(res[0]) != -1 {
		t.Errorf("one past the last = %v, %v; want null", res, err)
	}
}

// The main thread's stack ends 1 MiB into a 2 MiB page, at least 1 KiB
// above the bottom of memory, wasting less than 2 MiB below it.
func TestStackTop(t *testing.T) {
	for _, size := range []uint32{8 << 20, 1 << 20, 64 << 10, 8<<20 + 1, 3 << 20} {
		top := stackTop(size)
		if top%(2<<20) != 1<<20 || top < size+1024 || top-size >= 1024+2<<20 {
			t.Errorf("stackTop(%d) = %d", size, top)
		}
	}
}

// PrepareMain drops the globals past the last one that the code or a kept
// export uses (the data symbols' globals wasm-ld puts last); the code
// still reads its own.
func TestPrepareMainGlobals(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	for _, readLast := range []bool{false, true} {
		b := newModBuilder()
		read := b.globalI32(true, 5)
		b.export("data1", kindGlobal, b.globalI32(false, 100))
		b.export("__tls_base", kindGlobal, b.globalI32(true, 0))
		b.export("data2", kindGlobal, b.globalI32(false, 200))
		last := b.globalI32(false, 300)
		b.export("data3", kindGlobal, last)
		if readLast {
			read = last
		}
		f := b.function(funcType{results: []byte{valI32}}, []byte{0, 0x23, byte(read), 0x0b}) // global.get
		b.export("_start", kindFunc, f)
		_, code := prepareTest(t, b)
		out, err := Parse(code)
		if err != nil {
			t.Fatal(err)
		}
		want := 3 // up to __tls_base
		if readLast {
			want = 5
		}
		if len(out.globals) != want {
			t.Errorf("reading global %d: %d globals kept, want %d", read, len(out.globals), want)
		}
		if _, ok := out.exportMap["__tls_base"]; !ok {
			t.Errorf("reading global %d: __tls_base is not exported", read)
		}
		for _, name := range []string{"data1", "data2", "data3"} {
			if _, ok := out.exportMap[name]; ok {
				t.Errorf("reading global %d: %s is still exported", read, name)
			}
		}
		m, err := rt.Instantiate(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		wantV := uint64(5)
		if readLast {
			wantV = 300
		}
		if res, err := m.ExportedFunction("_start").Call(ctx); err != nil || res[0] != wantV {
			t.Errorf("reading global %d: %v, %v; want %d", read, res, err, wantV)
		}
		m.Close(ctx)
	}
}
