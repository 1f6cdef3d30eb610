package host

// goMemory is a linear memory in a Go slice, grown by copying.
type goMemory struct{ buf []byte }

// Reallocate grows the buffer to size bytes.
func (m *goMemory) Reallocate(size uint64) []byte {
	if size <= uint64(cap(m.buf)) {
		m.buf = m.buf[:size]
		return m.buf
	}
	nb := make([]byte, size, size+size/2)
	copy(nb, m.buf)
	m.buf = nb
	return nb
}

// Free lets the garbage collector have the buffer.
func (m *goMemory) Free() { m.buf = nil }
