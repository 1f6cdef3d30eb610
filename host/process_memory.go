package host

import "sync/atomic"

// memAllocator makes the linear memories that a Runtime's programs define
// (process_memory_unix.go). There is one per Runtime so that its Close
// can tell it to stop giving memory back.
type memAllocator struct {
	// leak, once set, makes Free keep the memory instead of unmapping
	// it. Runtime.Close sets it when guest goroutines are still running
	// after its wait (a guest computing without calls, with compute
	// interrupts off): closing the wazero runtime frees every memory, and
	// one still in use must stay mapped, leaked for the life of the host
	// process, rather than be pulled from under the code using it.
	leak atomic.Bool
}

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
