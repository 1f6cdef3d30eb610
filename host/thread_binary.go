package host

import (
	"errors"

	"github.com/wasix-go/wasix/internal/wasmbin"
)

// threadVariant returns the binary each spawned thread instantiates: the
// program without its start function and with its active data segments
// made passive. A thread is a new instance over the memory the main
// instance already set up, so instantiating the program as it is would
// copy the initial data over live memory again and re-run the start
// function. wasm-ld guards its __wasm_init_memory start function with a
// flag in memory, but hand-written modules need not, so it goes in every
// case: the main instance has run it before any thread can exist.
// changed is false when the program has neither, so that its compiled
// code serves the threads as it is.
func threadVariant(wasm []byte) (out []byte, changed bool, err error) {
	if len(wasm) < 8 {
		return nil, false, errors.New("short module")
	}
	out = append(out, wasm[:8]...)
	pos := 8
	for pos < len(wasm) {
		id := wasm[pos]
		size, n := wasmbin.ULEB(wasm[pos+1:])
		if n == 0 {
			return nil, false, errors.New("bad section size")
		}
		start := pos + 1 + n
		end := start + int(size)
		if end > len(wasm) || end < start {
			return nil, false, errors.New("section past the end")
		}
		body := wasm[start:end]
		switch id {
		case 8: // start: dropped
			changed = true
		case 11: // data
			nb, ch, err := passiveData(body)
			if err != nil {
				return nil, false, err
			}
			changed = changed || ch
			out = append(out, id)
			out = wasmbin.AppendULEB(out, uint64(len(nb)))
			out = append(out, nb...)
		default:
			out = append(out, wasm[pos:end]...)
		}
		pos = end
	}
	return out, changed, nil
}

// passiveData rewrites a data section so that every segment is passive.
func passiveData(b []byte) ([]byte, bool, error) {
	count, n := wasmbin.ULEB(b)
	if n == 0 {
		return nil, false, errors.New("bad data count")
	}
	out := wasmbin.AppendULEB(nil, count)
	pos, changed := n, false
	for i := uint64(0); i < count; i++ {
		if pos >= len(b) {
			return nil, false, errors.New("data section ends early")
		}
		flag, n := wasmbin.ULEB(b[pos:])
		if n == 0 {
			return nil, false, errors.New("bad data segment")
		}
		pos += n
		switch flag {
		case 1: // passive already
		case 0, 2: // active: skip the memory index and the offset
			if flag == 2 {
				_, n := wasmbin.ULEB(b[pos:])
				if n == 0 {
					return nil, false, errors.New("bad memory index")
				}
				pos += n
			}
			n := constExprLen(b[pos:])
			if n == 0 {
				return nil, false, errors.New("unsupported data offset expression")
			}
			pos += n
			changed = true
		default:
			return nil, false, errors.New("unknown data segment kind")
		}
		size, n := wasmbin.ULEB(b[pos:])
		if n == 0 || pos+n+int(size) > len(b) {
			return nil, false, errors.New("bad data segment bytes")
		}
		out = append(out, 1)
		out = append(out, b[pos:pos+n+int(size)]...)
		pos += n + int(size)
	}
	return out, changed, nil
}

// constExprLen returns the length of the constant expression at the start
// of b, its end opcode included, or 0 if it uses an unknown instruction.
func constExprLen(b []byte) int {
	pos := 0
	for pos < len(b) {
		op := b[pos]
		pos++
		switch op {
		case 0x0b: // end
			return pos
		case 0x41, 0x42, 0x23: // i32.const, i64.const, global.get
			_, n := wasmbin.ULEB(b[pos:])
			if n == 0 {
				return 0
			}
			pos += n
		case 0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e: // extended constants
		default:
			return 0
		}
	}
	return 0
}
