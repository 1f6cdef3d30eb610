package abi

import (
	"context"
	"encoding/binary"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
	"github.com/wasix-go/wasix/internal/linker"
)

// call_dynamic, reflect_signature and the closure calls of the current
// generation: what libffi on WASIX builds on. The process's linker knows
// the table and the signatures (internal/linker/dynamic.go); these decode
// and encode. A statically linked program gets ENOTSUP: its table is not
// the linker's.

func init() {
	modCalls[WasixCurrent]["call_dynamic"] = callDynamic
	modCalls[WasixCurrent]["reflect_signature"] = reflectSignature
	modCalls[WasixCurrent]["closure_allocate"] = closureAllocate
	modCalls[WasixCurrent]["closure_prepare"] = closurePrepare
	genCalls[WasixCurrent]["closure_free"] = closureFree
}

// call_dynamic(function_id, values, values_len, results, results_len, strict)
func callDynamic(ctx context.Context, p *kernel.Process, mod api.Module, s []uint64) wasix.Errno {
	l := dynLinkerOf(p)
	if l == nil {
		return wasix.ErrnoNotsup
	}
	m := mod.Memory()
	vals, ok := span(m, uint32(s[1]), uint32(s[2]))
	if !ok {
		return wasix.ErrnoFault
	}
	res, ok := span(m, uint32(s[3]), uint32(s[4]))
	if !ok {
		return wasix.ErrnoFault
	}
	strict := uint32(s[5]) != 0
	params, results, _, err := l.Signature(uint32(s[0]))
	if err != nil {
		return wasix.ErrnoInval
	}
	args := make([]uint64, len(params))
	off := uint32(0)
	for i, v := range params {
		if v == 0x7b {
			return wasix.ErrnoNotsup // v128 values do not pass through wazero's Go calls
		}
		n := linker.ValSize(v)
		if off+n > uint32(len(vals)) {
			if strict {
				return wasix.ErrnoInval
			}
			break // the rest stay zero
		}
		args[i] = decodeVal(v, vals[off:off+n])
		off += n
	}
	if strict && off != uint32(len(vals)) {
		return wasix.ErrnoInval
	}
	need := uint32(0)
	for _, v := range results {
		if v == 0x7b {
			return wasix.ErrnoNotsup
		}
		need += linker.ValSize(v)
	}
	if strict && need != uint32(len(res)) {
		return wasix.ErrnoInval
	}
	out, err := l.CallDynamic(guestContext(ctx), mod, uint32(s[0]), args)
	if err != nil {
		// A trap or an exit in the callee ends the caller the same way.
		panic(err)
	}
	off = 0
	for i, v := range results {
		n := linker.ValSize(v)
		if off+n > uint32(len(res)) {
			break
		}
		encodeVal(v, res[off:off+n], out[i])
		off += n
	}
	return wasix.ErrnoSuccess
}

// decodeVal reads a packed little-endian value into wazero's encoding.
func decodeVal(v byte, b []byte) uint64 {
	if len(b) == 4 { // i32 and f32: the low 32 bits, as api.EncodeI32 and EncodeF32
		return uint64(binary.LittleEndian.Uint32(b))
	}
	return binary.LittleEndian.Uint64(b)
}

// encodeVal writes a value in wazero's encoding, packed little-endian.
func encodeVal(v byte, b []byte, x uint64) {
	if len(b) == 4 {
		binary.LittleEndian.PutUint32(b, uint32(x))
		return
	}
	binary.LittleEndian.PutUint64(b, x)
}

// reflect_signature(function_id, argument_types, argument_types_len, result_types, result_types_len, out)
func reflectSignature(_ context.Context, p *kernel.Process, mod api.Module, s []uint64) wasix.Errno {
	m := mod.Memory()
	out := uint32(s[5])
	rec, ok := span(m, out, 6)
	if !ok {
		return wasix.ErrnoFault
	}
	argBuf, ok := span(m, uint32(s[1]), uint32(uint16(s[2])))
	if !ok {
		return wasix.ErrnoFault
	}
	resBuf, ok := span(m, uint32(s[3]), uint32(uint16(s[4])))
	if !ok {
		return wasix.ErrnoFault
	}
	clear(rec)
	l := dynLinkerOf(p)
	if l == nil {
		return wasix.ErrnoNotsup
	}
	params, results, closure, err := l.Signature(uint32(s[0]))
	if err != nil {
		return wasix.ErrnoInval
	}
	if !closure {
		rec[0] = 1 // cacheable: only a closure changes signature
	}
	binary.LittleEndian.PutUint16(rec[2:], uint16(len(params)))
	binary.LittleEndian.PutUint16(rec[4:], uint16(len(results)))
	if len(params) > len(argBuf) || len(results) > len(resBuf) {
		return wasix.ErrnoOverflow
	}
	for i, v := range params {
		t, ok := linker.WasixValType(v)
		if !ok {
			return wasix.ErrnoInval
		}
		argBuf[i] = t
	}
	for i, v := range results {
		t, ok := linker.WasixValType(v)
		if !ok {
			return wasix.ErrnoInval
		}
		resBuf[i] = t
	}
	return wasix.ErrnoSuccess
}

// closure_allocate(out)
func closureAllocate(ctx context.Context, p *kernel.Process, mod api.Module, s []uint64) wasix.Errno {
	m := mod.Memory()
	if _, ok := span(m, uint32(s[0]), 4); !ok {
		return wasix.ErrnoFault
	}
	l := dynLinkerOf(p)
	if l == nil {
		return wasix.ErrnoNotsup
	}
	slot, err := l.ClosureAllocate(guestContext(ctx))
	if err != nil {
		return wasix.ErrnoNomem
	}
	writeU32(m, uint32(s[0]), slot)
	return wasix.ErrnoSuccess
}

// closure_prepare(backing_function_id, closure_id, argument_types, argument_types_len, result_types, result_types_len, user_data_ptr)
func closurePrepare(ctx context.Context, p *kernel.Process, mod api.Module, s []uint64) wasix.Errno {
	m := mod.Memory()
	args, ok := span(m, uint32(s[2]), uint32(s[3]))
	if !ok {
		return wasix.ErrnoFault
	}
	res, ok := span(m, uint32(s[4]), uint32(s[5]))
	if !ok {
		return wasix.ErrnoFault
	}
	l := dynLinkerOf(p)
	if l == nil {
		return wasix.ErrnoNotsup
	}
	conv := func(in []byte) ([]byte, bool) {
		out := make([]byte, len(in))
		for i, t := range in {
			v, ok := linker.ValType(t)
			if !ok {
				return nil, false
			}
			out[i] = v
		}
		return out, true
	}
	pv, ok1 := conv(args)
	rv, ok2 := conv(res)
	if !ok1 || !ok2 {
		return wasix.ErrnoInval
	}
	if err := l.ClosurePrepare(guestContext(ctx), uint32(s[0]), uint32(s[1]), pv, rv, uint32(s[6])); err != nil {
		return wasix.ErrnoInval
	}
	return wasix.ErrnoSuccess
}

// closure_free(closure_id)
func closureFree(_ context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
	l := dynLinkerOf(p)
	if l == nil {
		return wasix.ErrnoNotsup
	}
	if l.ClosureFree(uint32(s[0])) != nil {
		return wasix.ErrnoInval
	}
	return wasix.ErrnoSuccess
}
