package kernel

// IOScratch returns the thread's scratch slice for decoding the buffers of
// a vectored call (fd_read, fd_write, ...), so that a call on the hot path
// does not allocate one. Only the thread's own goroutine may use it, and
// only for the length of one call: calls of a thread never overlap.
func (t *Thread) IOScratch() *[][]byte { return &t.iovs }
