package wasmbin

// ULEB reads an unsigned LEB128 number from the start of b and returns it
// with the number of bytes it took; n is 0 when b holds no complete number.
// A signed number of the same length is skipped the same way.
func ULEB(b []byte) (v uint64, n int) {
	for shift := uint(0); n < len(b) && shift < 70; shift += 7 {
		c := b[n]
		n++
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v, n
		}
	}
	return 0, 0
}

// AppendULEB appends v to b as an unsigned LEB128 number, the encoding of
// every count, size and index in a WebAssembly binary.
func AppendULEB(b []byte, v uint64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// AppendSLEB appends v as a signed LEB128 (i32.const and i64.const
// immediates, init expressions).
func AppendSLEB(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}
