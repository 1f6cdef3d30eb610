package wasmbin

import "testing"

// TestSLEBRoundTrip checks the signed LEB128 that generated code uses for
// constants against the reader, edges of 7-bit groups and of int32 included.
func TestSLEBRoundTrip(t *testing.T) {
	for _, v := range []int64{0, 1, -1, 63, 64, -64, -65, 1 << 31, -(1 << 31), 1<<63 - 1, -1 << 63} {
		b := AppendSLEB(nil, v)
		r := NewReader(b)
		got, err := r.SLEB()
		if err != nil || got != v || !r.Done() {
			t.Errorf("%d: got %d (%v), used %d of %d bytes", v, got, err, r.Offset(), len(b))
		}
	}
}
