package vfs

import (
	"syscall"
	"unsafe"
)

// Reads and writes of a blocking host descriptor go to read(2) and
// write(2) directly, not through os.File: for such a descriptor os.File
// does the same system call (Go's poller has no part in it) behind four
// more frames and its own use count. On a host where a system call
// empties the TLB and the branch predictors (kernel page-table isolation
// without PCID, as in many VMs), each frame and page between two calls
// costs a miss, and one-byte writes paid about a tenth more than under
// wazero's own WASI for them.
//
// rawUse keeps what os.File's count kept: a Close racing with a read must
// not let the descriptor number go to another open before the read's
// system call. Each read or write in flight adds 2; Close sets bit 0, and
// whoever brings the count to "closed, nobody in flight" closes the
// os.File (twice is harmless: os.File closes once).

// rawEnter counts one raw read or write in; false once the file is closed.
func (f *hostFile) rawEnter() bool {
	if f.rawUse.Add(2)&1 != 0 {
		f.rawLeave()
		return false
	}
	return true
}

// rawLeave counts it out, closing the file if a Close waited for it.
func (f *hostFile) rawLeave() {
	if f.rawUse.Add(-2) == 1 {
		f.f.Close()
	}
}

// rawClose is Close for a raw file.
func (f *hostFile) rawClose() error {
	old := f.rawUse.Or(1)
	switch {
	case old&1 != 0:
		return syscall.EBADF
	case old == 0:
		return toErrno(f.f.Close())
	}
	return nil // the last read or write in flight closes it
}

func (f *hostFile) rawRead(p []byte) (int, error)  { return f.rawIO(syscall.SYS_READ, p) }
func (f *hostFile) rawWrite(p []byte) (int, error) { return f.rawIO(syscall.SYS_WRITE, p) }

// rawIO is read(2) or write(2) (trap) of p on the raw descriptor.
func (f *hostFile) rawIO(trap uintptr, p []byte) (int, error) {
	if !f.rawEnter() {
		return 0, syscall.EBADF
	}
	var ptr unsafe.Pointer
	if len(p) > 0 {
		ptr = unsafe.Pointer(&p[0])
	}
	n, _, e := syscall.Syscall(trap, uintptr(f.raw), uintptr(ptr), uintptr(len(p)))
	for e == syscall.EINTR {
		n, _, e = syscall.Syscall(trap, uintptr(f.raw), uintptr(ptr), uintptr(len(p)))
	}
	f.rawLeave()
	if e != 0 {
		return 0, toErrno(e)
	}
	return int(n), nil
}
