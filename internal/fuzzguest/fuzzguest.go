// Package fuzzguest generates the WebAssembly program that fuzzes the
// runtime from inside a guest: it imports every call of a generation that
// cannot block or end the program, and calls them in a random order with
// random, edge-biased arguments (small numbers and descriptors, pointers
// into and just past its memory, all-ones, raw 32- and 64-bit values).
//
// The program's state (its random generator) lives in a wasm global and
// its code in the code section, so the wild writes its calls make into its
// own memory cannot derail it: only the host can stop it early. It ends
// with proc_exit(Completed) after the last call, so a run that returns
// anything else (a trap: a Go panic in a host function turns into one)
// is a failure of the host.
package fuzzguest

import (
	"fmt"
	"slices"

	"github.com/tetratelabs/wazero/api"

	"github.com/wasix-go/wasix/internal/abi"
	"github.com/wasix-go/wasix/internal/wasmbin"
)

// Completed is the exit code of a program that made all its calls.
const Completed = 42

// memPages is the size of the program's memory; pointers are drawn in it
// and just past it.
const memPages = 2

// skipped are the calls the program leaves out: those that can block for
// good (reads, waits, joins, polls), end or replace the program or its
// threads, run guest code by number or name (spawn, callbacks, signals,
// dynamic calls), or make the objects that writes block on (pipes, socket
// pairs, event counters). Everything else is called.
var skipped = map[string]bool{
	"fd_read": true, "fd_pread": true, "poll_oneoff": true, "thread_sleep": true, "futex_wait": true,
	"proc_join": true, "thread_join": true, "sock_accept": true, "sock_accept_v2": true, "sock_recv": true,
	"sock_recv_from": true, "epoll_wait": true, "bus_poll": true, "sock_send_file": true,
	"fd_pipe": true, "sock_pair": true, "fd_event": true,
	"proc_exit": true, "proc_exit2": true, "thread_exit": true, "proc_exec": true, "proc_exec2": true,
	"proc_exec3": true, "stack_restore": true, "stack_checkpoint": true, "proc_fork": true,
	"proc_fork_env": true, "proc_spawn": true, "proc_spawn2": true, "thread_spawn": true,
	"thread_spawn_v2": true, "callback_signal": true, "callback_thread": true, "callback_reactor": true,
	"callback_thread_local_destroy": true, "proc_raise": true, "proc_raise_interval": true,
	"proc_signal": true, "thread_signal": true, "bus_open_local": true, "bus_open_remote": true,
	"call_dynamic": true, "closure_prepare": true, "closure_allocate": true, "closure_free": true,
	"context_create": true, "context_switch": true, "context_destroy": true,
}

// Import is one call the program makes.
type Import struct {
	Module, Name string
	Params       []api.ValueType
	Results      []api.ValueType
}

// Imports returns the calls a program for gen makes: preview1 programs
// call both wasi_snapshot_preview1 and wasi_unstable, current WASIX ones
// wasi_snapshot_preview1 and wasix_32v1, the older WASIX generations
// everything through wasix_32v1.
func Imports(gen abi.Generation) []Import {
	var out []Import
	add := func(module string, spec *abi.Spec) {
		for _, f := range spec.Funcs {
			if skipped[f.Name] || f.NoReturn {
				continue
			}
			out = append(out, Import{module, f.Name, f.Params, f.Results})
		}
	}
	switch gen {
	case abi.Preview1:
		add(abi.ModulePreview1, abi.SpecOf(abi.Preview1))
		add(abi.ModuleUnstable, abi.SpecOf(abi.Preview1))
	case abi.WasixCurrent:
		add(abi.ModulePreview1, abi.SpecOf(abi.Preview1))
		add(abi.ModuleWasix, abi.SpecOf(gen))
	default:
		add(abi.ModuleWasix, abi.SpecOf(gen))
	}
	return out
}

// Generate returns a program for gen that makes calls calls, drawn with the
// random generator seeded by seed (not zero).
func Generate(gen abi.Generation, seed uint64, calls uint64) ([]byte, error) {
	if seed == 0 {
		return nil, fmt.Errorf("fuzzguest: the seed must not be zero")
	}
	imports := Imports(gen)
	if len(imports) == 0 {
		return nil, fmt.Errorf("fuzzguest: no calls for %s", gen)
	}
	exitModule := abi.ModuleWasix
	if gen == abi.Preview1 || gen == abi.WasixCurrent {
		exitModule = abi.ModulePreview1
	}
	b := &builder{}
	tVoid := b.typ(nil, nil)
	tI64 := b.typ(nil, []api.ValueType{api.ValueTypeI64})
	tI32 := b.typ(nil, []api.ValueType{api.ValueTypeI32})
	tExit := b.typ([]api.ValueType{api.ValueTypeI32}, nil)

	// Function indices: the imports, proc_exit, then rand, arg32, arg64,
	// one caller per import, and _start.
	nImp := uint32(len(imports)) + 1
	fRand, fArg32, fArg64 := nImp, nImp+1, nImp+2
	fCall0 := nImp + 3
	fStart := fCall0 + uint32(len(imports))
	fExit := uint32(len(imports))

	var imp []byte
	imp = wasmbin.AppendULEB(imp, uint64(nImp))
	for _, im := range imports {
		imp = appendName(imp, im.Module)
		imp = appendName(imp, im.Name)
		imp = append(imp, 0)
		imp = wasmbin.AppendULEB(imp, uint64(b.typ(im.Params, im.Results)))
	}
	imp = appendName(imp, exitModule)
	imp = appendName(imp, "proc_exit")
	imp = append(imp, 0)
	imp = wasmbin.AppendULEB(imp, uint64(tExit))

	// The defined functions' types.
	var fn []byte
	defined := []uint32{tI64, tI32, tI64}
	for range imports {
		defined = append(defined, tVoid)
	}
	defined = append(defined, tVoid)
	fn = wasmbin.AppendULEB(fn, uint64(len(defined)))
	for _, t := range defined {
		fn = wasmbin.AppendULEB(fn, uint64(t))
	}

	// One table of the callers, for call_indirect.
	table := []byte{1, 0x70, 1}
	table = wasmbin.AppendULEB(table, uint64(len(imports)))
	table = wasmbin.AppendULEB(table, uint64(len(imports)))
	mem := []byte{1, 1, memPages, memPages}
	// global 0: the generator's state.
	glob := []byte{1, 0x7e, 1, 0x42}
	glob = wasmbin.AppendSLEB(glob, int64(seed))
	glob = append(glob, 0x0b)
	exp := wasmbin.AppendULEB(nil, 2)
	exp = appendName(exp, "_start")
	exp = append(exp, 0)
	exp = wasmbin.AppendULEB(exp, uint64(fStart))
	exp = appendName(exp, "memory")
	exp = append(exp, 2, 0)
	elem := []byte{1, 0, 0x41, 0, 0x0b}
	elem = wasmbin.AppendULEB(elem, uint64(len(imports)))
	for i := range imports {
		elem = wasmbin.AppendULEB(elem, uint64(fCall0)+uint64(i))
	}

	// Code.
	var bodies [][]byte
	bodies = append(bodies, randBody(), arg32Body(fRand), arg64Body(fRand))
	for i, im := range imports {
		var c []byte
		c = append(c, 0) // no locals
		for _, p := range im.Params {
			if p == api.ValueTypeI64 {
				c = call(c, fArg64)
			} else {
				c = call(c, fArg32)
			}
		}
		c = call(c, uint32(i))
		for range im.Results {
			c = append(c, 0x1a) // drop
		}
		bodies = append(bodies, append(c, 0x0b))
	}
	bodies = append(bodies, startBody(fRand, tVoid, uint32(len(imports)), calls, fExit))
	var code []byte
	code = wasmbin.AppendULEB(code, uint64(len(bodies)))
	for _, body := range bodies {
		code = wasmbin.AppendULEB(code, uint64(len(body)))
		code = append(code, body...)
	}

	out := []byte("\x00asm\x01\x00\x00\x00")
	for _, s := range []struct {
		id   byte
		body []byte
	}{{1, b.section()}, {2, imp}, {3, fn}, {4, table}, {5, mem}, {6, glob}, {7, exp}, {9, elem}, {10, code}} {
		out = append(out, s.id)
		out = wasmbin.AppendULEB(out, uint64(len(s.body)))
		out = append(out, s.body...)
	}
	return out, nil
}

// builder collects function types.
type builder struct {
	types [][2][]api.ValueType
}

func (b *builder) typ(params, results []api.ValueType) uint32 {
	for i, t := range b.types {
		if slices.Equal(t[0], params) && slices.Equal(t[1], results) {
			return uint32(i)
		}
	}
	b.types = append(b.types, [2][]api.ValueType{params, results})
	return uint32(len(b.types) - 1)
}

func (b *builder) section() []byte {
	out := wasmbin.AppendULEB(nil, uint64(len(b.types)))
	for _, t := range b.types {
		out = append(out, 0x60)
		for _, vs := range t {
			out = wasmbin.AppendULEB(out, uint64(len(vs)))
			out = append(out, vs...)
		}
	}
	return out
}

func appendName(b []byte, s string) []byte {
	return append(wasmbin.AppendULEB(b, uint64(len(s))), s...)
}

func call(b []byte, f uint32) []byte { return wasmbin.AppendULEB(append(b, 0x10), uint64(f)) }

// Instructions used below.
const (
	opIf       = 0x04
	opEnd      = 0x0b
	opBrIf     = 0x0d
	opReturn   = 0x0f
	opLocalGet = 0x20
	opLocalSet = 0x21
	opGlobGet  = 0x23
	opGlobSet  = 0x24
	opI32Const = 0x41
	opI64Const = 0x42
	opI32LtU   = 0x49
	opI32Eq    = 0x46
	opI32Sub   = 0x6b
	opI32RemU  = 0x70
	opI32And   = 0x71
	opI64Add   = 0x7c
	opI64And   = 0x83
	opI64Xor   = 0x85
	opI64Shl   = 0x86
	opI64ShrU  = 0x88
	opWrap     = 0xa7
	blockVoid  = 0x40
)

func i32c(b []byte, v int32) []byte { return wasmbin.AppendSLEB(append(b, opI32Const), int64(v)) }
func i64c(b []byte, v int64) []byte { return wasmbin.AppendSLEB(append(b, opI64Const), v) }

// randBody is xorshift64 over global 0.
func randBody() []byte {
	c := []byte{0}
	for _, step := range []struct {
		op    byte
		shift int64
	}{{opI64Shl, 13}, {opI64ShrU, 7}, {opI64Shl, 17}} {
		c = append(c, opGlobGet, 0, opGlobGet, 0)
		c = i64c(c, step.shift)
		c = append(c, step.op, opI64Xor, opGlobSet, 0)
	}
	return append(c, opGlobGet, 0, opEnd)
}

// arg32Body draws an i32 argument: local 0 is the random value (i64), local
// 1 its low bits choosing the kind.
func arg32Body(fRand uint32) []byte {
	const memBytes = memPages << 16
	c := []byte{2, 1, 0x7e, 1, 0x7f} // locals: r i64, k i32
	c = call(c, fRand)
	c = append(c, opLocalSet, 0)
	c = append(c, opLocalGet, 0, opWrap)
	c = i32c(c, 7)
	c = append(c, opI32And, opLocalSet, 1)
	// bits = r >> 8, as an i32
	bits := func(c []byte, mask int32) []byte {
		c = append(c, opLocalGet, 0)
		c = i64c(c, 8)
		c = append(c, opI64ShrU, opWrap)
		c = i32c(c, mask)
		return append(c, opI32And)
	}
	kindIs := func(c []byte, lt bool, k int32) []byte {
		c = append(c, opLocalGet, 1)
		c = i32c(c, k)
		if lt {
			c = append(c, opI32LtU)
		} else {
			c = append(c, opI32Eq)
		}
		return append(c, opIf, blockVoid)
	}
	// 0, 1: small numbers and descriptors 0..15
	c = kindIs(c, true, 2)
	c = bits(c, 15)
	c = append(c, opReturn, opEnd)
	// 2, 3: a pointer into the memory
	c = kindIs(c, true, 4)
	c = bits(c, memBytes-1)
	c = append(c, opReturn, opEnd)
	// 4: just below 2^32
	c = kindIs(c, false, 4)
	c = i32c(c, -1)
	c = bits(c, 15)
	c = append(c, opI32Sub, opReturn, opEnd)
	// 5: a raw value
	c = kindIs(c, false, 5)
	c = append(c, opLocalGet, 0)
	c = i64c(c, 24)
	c = append(c, opI64ShrU, opWrap, opReturn, opEnd)
	// 6: at the end of the memory, or just past it
	c = kindIs(c, false, 6)
	c = i32c(c, memBytes+8)
	c = bits(c, 63)
	c = append(c, opI32Sub, opReturn, opEnd)
	// 7: a length of a few KiB
	c = bits(c, 0x3fff)
	return append(c, opEnd)
}

// arg64Body draws an i64 argument: small, raw, all-ones or 32-bit.
func arg64Body(fRand uint32) []byte {
	c := []byte{1, 1, 0x7e}
	c = call(c, fRand)
	c = append(c, opLocalSet, 0)
	kind := func(c []byte, k int64) []byte {
		c = append(c, opLocalGet, 0)
		c = i64c(c, 3)
		c = append(c, opI64And)
		c = i64c(c, k)
		return append(c, 0x51 /* i64.eq */, opIf, blockVoid)
	}
	c = kind(c, 0)
	c = append(c, opLocalGet, 0)
	c = i64c(c, 8)
	c = append(c, opI64ShrU)
	c = i64c(c, 15)
	c = append(c, opI64And, opReturn, opEnd)
	c = kind(c, 1)
	c = i64c(c, -1)
	c = append(c, opReturn, opEnd)
	c = kind(c, 2)
	c = append(c, opLocalGet, 0)
	c = i64c(c, 32)
	c = append(c, opI64ShrU, opReturn, opEnd)
	c = append(c, opLocalGet, 0)
	return append(c, opEnd)
}

// startBody calls a random caller calls times, then proc_exit(Completed).
func startBody(fRand, tVoid, n uint32, calls uint64, fExit uint32) []byte {
	c := []byte{1, 1, 0x7e} // local 0: the count
	c = append(c, 0x02, blockVoid, 0x03, blockVoid)
	// if count >= calls: leave
	c = append(c, opLocalGet, 0)
	c = i64c(c, int64(calls))
	c = append(c, 0x5a /* i64.ge_u */, opBrIf, 1)
	c = call(c, fRand)
	c = i64c(c, 16)
	c = append(c, opI64ShrU, opWrap)
	c = i32c(c, int32(n))
	c = append(c, opI32RemU)
	c = append(c, 0x11)
	c = wasmbin.AppendULEB(c, uint64(tVoid))
	c = append(c, 0) // table 0
	c = append(c, opLocalGet, 0)
	c = i64c(c, 1)
	c = append(c, opI64Add, opLocalSet, 0)
	c = append(c, 0x0c, 0) // br loop
	c = append(c, opEnd, opEnd)
	c = i32c(c, Completed)
	c = call(c, fExit)
	return append(c, opEnd)
}
