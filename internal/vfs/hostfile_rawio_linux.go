package vfs

import "syscall"

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

func (f *hostFile) rawRead(p []byte) (int, error) {
	if !f.rawEnter() {
		return 0, syscall.EBADF
	}
	n, err := syscall.Read(f.raw, p)
	for err == syscall.EINTR {
		n, err = syscall.Read(f.raw, p)
	}
	f.rawLeave()
	return rawResult(n, err)
}

func (f *hostFile) rawWrite(p []byte) (int, error) {
	if !f.rawEnter() {
		return 0, syscall.EBADF
	}
	n, err := syscall.Write(f.raw, p)
	for err == syscall.EINTR {
		n, err = syscall.Write(f.raw, p)
	}
	f.rawLeave()
	return rawResult(n, err)
}

func rawResult(n int, err error) (int, error) {
	if err != nil {
		return 0, toErrno(err)
	}
	return n, nil
}
