package abi

import (
	"context"
	"encoding/binary"
	"unsafe"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

func init() {
	c := preview1Calls
	rawCalls["fd_read"] = fastIO(false)
	rawCalls["fd_write"] = fastIO(true)
	c["fd_pread"] = fdPread
	c["fd_pwrite"] = fdPwrite
	c["fd_seek"] = fdSeek
	c["fd_tell"] = fdTell
	c["fd_close"] = func(_ context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
		return p.FdClose(wasix.Fd(uint32(s[0])))
	}
	c["fd_datasync"] = func(_ context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
		return p.FdDatasync(wasix.Fd(uint32(s[0])))
	}
	c["fd_sync"] = func(_ context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
		return p.FdSync(wasix.Fd(uint32(s[0])))
	}
	c["fd_advise"] = func(_ context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
		advice := uint32(s[3])
		if advice > 0xff {
			return wasix.ErrnoInval
		}
		return p.FdAdvise(wasix.Fd(uint32(s[0])), s[1], s[2], wasix.Advice(advice))
	}
	c["fd_allocate"] = func(_ context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
		return p.FdAllocate(wasix.Fd(uint32(s[0])), s[1], s[2])
	}
	c["fd_fdstat_get"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		st, errno := p.FdFdstatGet(wasix.Fd(uint32(s[0])))
		if errno != wasix.ErrnoSuccess {
			return errno
		}
		return putFdstat(m, uint32(s[1]), st)
	}
	c["fd_fdstat_set_flags"] = func(_ context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
		flags := uint32(s[1])
		if flags > 0xffff {
			return wasix.ErrnoInval
		}
		return p.FdFdstatSetFlags(wasix.Fd(uint32(s[0])), wasix.Fdflags(flags))
	}
	c["fd_fdstat_set_rights"] = func(_ context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
		return p.FdFdstatSetRights(wasix.Fd(uint32(s[0])), wasix.Rights(s[1]), wasix.Rights(s[2]))
	}
	c["fd_filestat_get"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		st, errno := p.FdFilestatGet(wasix.Fd(uint32(s[0])))
		if errno != wasix.ErrnoSuccess {
			return errno
		}
		return putFilestat(m, uint32(s[1]), st)
	}
	c["fd_filestat_set_size"] = func(_ context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
		return p.FdFilestatSetSize(wasix.Fd(uint32(s[0])), s[1])
	}
	c["fd_filestat_set_times"] = func(_ context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
		fst := uint32(s[3])
		if fst > 0xffff {
			return wasix.ErrnoInval
		}
		return p.FdFilestatSetTimes(wasix.Fd(uint32(s[0])), s[1], s[2], wasix.Fstflags(fst))
	}
	c["fd_prestat_get"] = fdPrestatGet
	c["fd_prestat_dir_name"] = fdPrestatDirName
	c["fd_readdir"] = fdReaddir
	c["fd_renumber"] = func(_ context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
		return p.FdRenumber(wasix.Fd(uint32(s[0])), wasix.Fd(uint32(s[1])))
	}
}

// vectoredIO decodes the shape fd_read, fd_write, fd_pread, fd_pwrite,
// sock_send and sock_send_to share: iovecs at stack slots 1 and 2, a u32
// count written to the pointer in slot out. The out-pointer is checked
// first so that a bad one moves no data.
func vectoredIO(ctx context.Context, m api.Memory, s []uint64, out int, do func(bufs [][]byte) (uint32, wasix.Errno)) wasix.Errno {
	bufs, res, errno := ioArgs(kernel.ThreadFrom(ctx), m, s, out)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	n, errno := do(bufs)
	return putCount(res, n, errno)
}

// ioArgs decodes vectoredIO's arguments: the buffers, into t's scratch
// slice (if t is not nil) so that the call allocates nothing, and the
// bytes of the count. Those are looked up before the transfer: after a
// system call every lookup is slow (see fastIO).
func ioArgs(t *kernel.Thread, m api.Memory, s []uint64, out int) ([][]byte, []byte, wasix.Errno) {
	res, ok := span(m, uint32(s[out]), 4)
	if !ok {
		return nil, nil, wasix.ErrnoFault
	}
	if t == nil {
		bufs, ok := iovecs(m, uint32(s[1]), uint32(s[2]), nil)
		if !ok {
			return nil, nil, wasix.ErrnoFault
		}
		return bufs, res, wasix.ErrnoSuccess
	}
	scratch := t.IOScratch()
	bufs, ok := iovecs(m, uint32(s[1]), uint32(s[2]), *scratch)
	if !ok {
		return nil, nil, wasix.ErrnoFault
	}
	if cap(bufs) <= maxScratchIovecs {
		*scratch = bufs[:0]
	}
	return bufs, res, wasix.ErrnoSuccess
}

// putCount ends a vectored call: the count at res unless the call failed.
func putCount(res []byte, n uint32, errno wasix.Errno) wasix.Errno {
	if errno == wasix.ErrnoSuccess {
		binary.LittleEndian.PutUint32(res, n)
	}
	return errno
}

// maxScratchIovecs bounds the scratch a thread keeps between calls: a
// guest passing a huge iovec array once does not pin that much for good.
const maxScratchIovecs = 1024

// fd_read(fd, iovs, iovs_len, nread*)
func fdRead(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	bufs, res, errno := ioArgs(kernel.ThreadFrom(ctx), m, s, 3)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	n, errno := p.FdRead(ctx, wasix.Fd(uint32(s[0])), bufs)
	return putCount(res, n, errno)
}

// fd_write(fd, iovs, iovs_len, nwritten*)
func fdWrite(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	bufs, res, errno := ioArgs(kernel.ThreadFrom(ctx), m, s, 3)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	n, errno := p.FdWrite(ctx, wasix.Fd(uint32(s[0])), bufs)
	return putCount(res, n, errno)
}

// fastIO serves fd_read and fd_write as raw handlers: a thread with
// nothing to handle at its boundaries (the usual case) goes straight to
// the call, without wrapMod's closures. On some hosts (a VM with kernel
// page-table isolation and no PCID, as where these figures were taken)
// a system call empties the TLB and the branch predictors, so that each
// frame, indirect call and page between two writes costs its own miss:
// this path has as few as the work allows, and beats wazero's own.
func fastIO(write bool) api.GoModuleFunc {
	slow := wrap(fdRead)
	if write {
		slow = wrap(fdWrite)
	}
	return func(ctx context.Context, mod api.Module, s []uint64) {
		t := kernel.ThreadFrom(ctx)
		if t == nil || t.Current() != t || t.Attention() {
			slow(ctx, mod, s)
			return
		}
		// Direct calls, not through a closure. Neither call can end a
		// proc_fork_env child, which wrapMod must look for after others.
		p := t.Process()
		var errno wasix.Errno
		if write {
			errno = fdWrite(t.CallContext(), p, mod.Memory(), s)
		} else {
			errno = fdRead(t.CallContext(), p, mod.Memory(), s)
		}
		s[0] = uint64(errno)
		if t.Attention() {
			boundary(ctx, mod, p, t)
		}
	}
}

// fd_pread(fd, iovs, iovs_len, offset, nread*)
func fdPread(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	return vectoredIO(ctx, m, s, 4, func(bufs [][]byte) (uint32, wasix.Errno) {
		return p.FdPread(wasix.Fd(uint32(s[0])), bufs, s[3])
	})
}

// fd_pwrite(fd, iovs, iovs_len, offset, nwritten*)
func fdPwrite(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	return vectoredIO(ctx, m, s, 4, func(bufs [][]byte) (uint32, wasix.Errno) {
		return p.FdPwrite(wasix.Fd(uint32(s[0])), bufs, s[3])
	})
}

// fd_seek(fd, offset, whence, newoffset*)
func fdSeek(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	return putResult(m, uint32(s[3]), func() (uint64, wasix.Errno) {
		whence := uint32(s[2])
		if whence > 0xff {
			return 0, wasix.ErrnoInval
		}
		return p.FdSeek(wasix.Fd(uint32(s[0])), int64(s[1]), wasix.Whence(whence))
	})
}

// fd_tell(fd, offset*)
func fdTell(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	return putResult(m, uint32(s[1]), func() (uint64, wasix.Errno) {
		return p.FdTell(wasix.Fd(uint32(s[0])))
	})
}

// fd_prestat_get(fd, prestat*)
func fdPrestatGet(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	name, errno := p.Prestat(wasix.Fd(uint32(s[0])))
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	b, ok := span(m, uint32(s[1]), uint32(unsafe.Sizeof(wasix.Prestat{})))
	if !ok {
		return wasix.ErrnoFault
	}
	clear(b)
	b[0] = byte(wasix.PreopentypeDir)
	le32(b[prestatPayload:], uint32(len(name)))
	return wasix.ErrnoSuccess
}

// fd_prestat_dir_name(fd, path, path_len): the name without a NUL;
// ENAMETOOLONG if the buffer is too small for it.
func fdPrestatDirName(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	name, errno := p.Prestat(wasix.Fd(uint32(s[0])))
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	b, ok := span(m, uint32(s[1]), uint32(s[2]))
	if !ok {
		return wasix.ErrnoFault
	}
	if len(b) < len(name) {
		return wasix.ErrnoNametoolong
	}
	copy(b, name)
	return wasix.ErrnoSuccess
}

// prestatPayload is the offset of the payload of the prestat union: its
// alignment, 4.
const prestatPayload = 4

// direntSize is the size of the fixed part of a wasi dirent.
const direntSize = uint32(unsafe.Sizeof(wasix.Dirent{}))

// fd_readdir(fd, buf, buf_len, cookie, bufused*): entries packed as
// header then name, the last one cut at the end of the buffer; a full
// buffer tells the guest that more may follow.
func fdReaddir(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	out := uint32(s[4])
	if _, ok := span(m, out, 4); !ok {
		return wasix.ErrnoFault
	}
	buf, ok := span(m, uint32(s[1]), uint32(s[2]))
	if !ok {
		return wasix.ErrnoFault
	}
	ents, errno := p.FdReaddir(wasix.Fd(uint32(s[0])), s[3])
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	var d wasix.Dirent
	var hdr [direntSize]byte
	used := 0
	for _, e := range ents {
		if used == len(buf) {
			break
		}
		clear(hdr[:])
		le64(hdr[unsafe.Offsetof(d.DNext):], e.Next)
		le64(hdr[unsafe.Offsetof(d.DIno):], e.Ino)
		le32(hdr[unsafe.Offsetof(d.DNamlen):], uint32(len(e.Name)))
		hdr[unsafe.Offsetof(d.DType)] = byte(e.Type)
		used += copy(buf[used:], hdr[:])
		used += copy(buf[used:], e.Name)
	}
	return put32(m, out, uint32(used))
}
