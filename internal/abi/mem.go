package abi

import (
	"encoding/binary"
	"unsafe"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
	"github.com/wasix-go/wasix/internal/vfs"
)

// Every guest pointer goes through the helpers of this file. They check
// the whole range against the memory size in 64-bit arithmetic, so that
// ptr+len cannot wrap, and report a bad range as false (EFAULT for the
// caller) instead of panicking.

// span returns the n bytes of guest memory at ptr, aliasing the memory.
func span(m api.Memory, ptr, n uint32) ([]byte, bool) {
	if m == nil {
		return nil, false
	}
	// One Read, whose range check api.Memory promises; the length is
	// checked again rather than trusting every implementation with it.
	b, ok := m.Read(ptr, n)
	if !ok || uint64(len(b)) != uint64(n) {
		return nil, false
	}
	if n == 0 {
		return []byte{}, true
	}
	return b, true
}

// span64 is span for a length given as a product that may exceed 32 bits.
func span64(m api.Memory, ptr uint32, n uint64) ([]byte, bool) {
	if n > uint64(^uint32(0)) {
		return nil, false
	}
	return span(m, ptr, uint32(n))
}

// The fixed-size accessors go through span too rather than trusting each
// api.Memory implementation's own range check.

func readU32(m api.Memory, ptr uint32) (uint32, bool) {
	b, ok := span(m, ptr, 4)
	if !ok {
		return 0, false
	}
	return binary.LittleEndian.Uint32(b), true
}

func writeU32(m api.Memory, ptr, v uint32) bool {
	b, ok := span(m, ptr, 4)
	if ok {
		binary.LittleEndian.PutUint32(b, v)
	}
	return ok
}

func writeU64(m api.Memory, ptr uint32, v uint64) bool {
	b, ok := span(m, ptr, 8)
	if ok {
		binary.LittleEndian.PutUint64(b, v)
	}
	return ok
}

// guestString copies a guest string; false if out of range.
func guestString(m api.Memory, ptr, n uint32) (string, bool) {
	b, ok := span(m, ptr, n)
	if !ok {
		return "", false
	}
	return string(b), true
}

// maxIO caps the bytes one read or write moves, as Linux's MAX_RW_COUNT
// does: the count is reported in a u32 (and an ssize_t in libc), and
// 65,536 iovecs of 64 KiB would otherwise add up to 2^32 and read as 0.
const maxIO = 0x7ffff000

// iovecs resolves an array of n iovec (or ciovec) records at ptr into
// views of guest memory, checking the array and then each region. The
// regions past maxIO bytes in all are cut off (every region is checked
// all the same), so a call moves less, as on Linux. The slice it returns
// is scratch, reused by the next call with the same backing (pass nil to
// allocate).
func iovecs(m api.Memory, ptr, n uint32, scratch [][]byte) ([][]byte, bool) {
	arr, ok := span64(m, ptr, uint64(n)*8)
	if !ok {
		return nil, false
	}
	bufs := scratch[:0]
	left := uint64(maxIO)
	for i := uint32(0); i < n; i++ {
		rec := arr[i*8 : i*8+8]
		b, ok := span(m, binary.LittleEndian.Uint32(rec), binary.LittleEndian.Uint32(rec[4:]))
		if !ok {
			return nil, false
		}
		if uint64(len(b)) > left {
			b = b[:left]
		}
		left -= uint64(len(b))
		if len(b) > 0 || left > 0 {
			bufs = append(bufs, b)
		}
	}
	return bufs, true
}

// put writes v at ptr and turns a bad pointer into EFAULT.
func put32(m api.Memory, ptr, v uint32) wasix.Errno {
	if !writeU32(m, ptr, v) {
		return wasix.ErrnoFault
	}
	return wasix.ErrnoSuccess
}

func put64(m api.Memory, ptr uint32, v uint64) wasix.Errno {
	if !writeU64(m, ptr, v) {
		return wasix.ErrnoFault
	}
	return wasix.ErrnoSuccess
}

// putResult serves the calls that answer one u32 or u64 (an fd, a count) at
// the pointer out: it checks out first, so that a bad one has no effect,
// then runs do and writes what it returns.
func putResult[T ~uint32 | ~uint64](m api.Memory, out uint32, do func() (T, wasix.Errno)) wasix.Errno {
	var v T
	size := uint32(unsafe.Sizeof(v))
	if _, ok := span(m, out, size); !ok {
		return wasix.ErrnoFault
	}
	v, errno := do()
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	if size == 8 {
		return put64(m, out, uint64(v))
	}
	return put32(m, out, uint32(v))
}

// put16 writes v at ptr; a bad pointer is ignored.
func put16(m api.Memory, ptr uint32, v uint16) {
	if b, ok := span(m, ptr, 2); ok {
		le16(b, v)
	}
}

// The little-endian writers and readers of guest records.
func le16(b []byte, v uint16)         { binary.LittleEndian.PutUint16(b, v) }
func le32(b []byte, v uint32)         { binary.LittleEndian.PutUint32(b, v) }
func le64(b []byte, v uint64)         { binary.LittleEndian.PutUint64(b, v) }
func le32At(b []byte, off int) uint32 { return binary.LittleEndian.Uint32(b[off:]) }
func le64At(b []byte, off int) uint64 { return binary.LittleEndian.Uint64(b[off:]) }

// putFdstat writes a wasi fdstat (24 bytes) at ptr.
func putFdstat(m api.Memory, ptr uint32, st wasix.Fdstat) wasix.Errno {
	b, ok := span(m, ptr, uint32(unsafe.Sizeof(wasix.Fdstat{})))
	if !ok {
		return wasix.ErrnoFault
	}
	clear(b)
	b[unsafe.Offsetof(st.FsFiletype)] = byte(st.FsFiletype)
	le16(b[unsafe.Offsetof(st.FsFlags):], uint16(st.FsFlags))
	le64(b[unsafe.Offsetof(st.FsRightsBase):], uint64(st.FsRightsBase))
	le64(b[unsafe.Offsetof(st.FsRightsInheriting):], uint64(st.FsRightsInheriting))
	return wasix.ErrnoSuccess
}

// putFilestat writes a wasi filestat (64 bytes) at ptr.
func putFilestat(m api.Memory, ptr uint32, st vfs.Stat) wasix.Errno {
	var fs wasix.Filestat
	b, ok := span(m, ptr, uint32(unsafe.Sizeof(fs)))
	if !ok {
		return wasix.ErrnoFault
	}
	clear(b)
	le64(b[unsafe.Offsetof(fs.Dev):], st.Dev)
	le64(b[unsafe.Offsetof(fs.Ino):], st.Ino)
	b[unsafe.Offsetof(fs.Filetype)] = byte(kernel.FiletypeOf(st.Type))
	le64(b[unsafe.Offsetof(fs.Nlink):], st.Nlink)
	le64(b[unsafe.Offsetof(fs.Size):], uint64(max(st.Size, 0)))
	le64(b[unsafe.Offsetof(fs.Atim):], uint64(max(st.Atim, 0)))
	le64(b[unsafe.Offsetof(fs.Mtim):], uint64(max(st.Mtim, 0)))
	le64(b[unsafe.Offsetof(fs.Ctim):], uint64(max(st.Ctim, 0)))
	return wasix.ErrnoSuccess
}
