package kernel

import (
	"context"
	"math"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/vfs"
)

// FdRead reads into bufs at the current offset (fd_read).
func (p *Process) FdRead(ctx context.Context, fd wasix.Fd, bufs [][]byte) (uint32, wasix.Errno) {
	of, errno := p.fds.openFile(fd, wasix.RightsFdRead)
	if errno != wasix.ErrnoSuccess {
		return 0, errno
	}
	n, err := of.obj.read(ctx, bufs, of.nonblock())
	return uint32(n), ToErrno(err)
}

// FdWrite writes bufs at the current offset, or at the end in append mode
// (fd_write).
func (p *Process) FdWrite(ctx context.Context, fd wasix.Fd, bufs [][]byte) (uint32, wasix.Errno) {
	of, errno := p.fds.openFile(fd, wasix.RightsFdWrite)
	if errno != wasix.ErrnoSuccess {
		return 0, errno
	}
	n, err := of.obj.write(ctx, bufs, of.nonblock())
	errno = ToErrno(err)
	if errno == wasix.ErrnoPipe {
		switch of.obj.(type) {
		case *pipeEnd, *socket:
			errno = p.brokenPipe(ctx, errno)
		}
	}
	return uint32(n), errno
}

// file returns the vfs file behind fd after checking rights; ESPIPE for
// streams, which have no offset.
func (p *Process) file(fd wasix.Fd, need wasix.Rights) (*fileObj, fdEntry, wasix.Errno) {
	e, errno := p.fds.get(fd, need)
	if errno != wasix.ErrnoSuccess {
		return nil, e, errno
	}
	o, ok := e.of.obj.(*fileObj)
	if !ok {
		return nil, e, wasix.ErrnoSpipe
	}
	return o, e, wasix.ErrnoSuccess
}

// FdPread reads at off without moving the offset (fd_pread).
func (p *Process) FdPread(fd wasix.Fd, bufs [][]byte, off uint64) (uint32, wasix.Errno) {
	return p.fdAt(fd, wasix.RightsFdRead|wasix.RightsFdSeek, bufs, off, (*fileObj).pread)
}

// FdPwrite writes at off without moving the offset (fd_pwrite).
func (p *Process) FdPwrite(fd wasix.Fd, bufs [][]byte, off uint64) (uint32, wasix.Errno) {
	return p.fdAt(fd, wasix.RightsFdWrite|wasix.RightsFdSeek, bufs, off, (*fileObj).pwrite)
}

// fdAt is FdPread and FdPwrite: io on the file at off, which does not move
// the offset.
func (p *Process) fdAt(fd wasix.Fd, need wasix.Rights, bufs [][]byte, off uint64, io func(*fileObj, [][]byte, int64) (int, error)) (uint32, wasix.Errno) {
	o, _, errno := p.file(fd, need)
	if errno != wasix.ErrnoSuccess {
		return 0, errno
	}
	if off > math.MaxInt64 {
		return 0, wasix.ErrnoInval
	}
	n, err := io(o, bufs, int64(off))
	return uint32(n), ToErrno(err)
}

// FdSeek moves the offset (fd_seek). A seek that only asks where the
// offset is needs fd_tell, any other fd_seek.
func (p *Process) FdSeek(fd wasix.Fd, off int64, whence wasix.Whence) (uint64, wasix.Errno) {
	// A directory has no offset to move (fd_readdir takes cookies): EBADF,
	// as Wasmer and WASI's test suite, before the right it never has.
	if o, _, errno := p.file(fd, 0); errno == wasix.ErrnoSuccess && o.typ == vfs.TypeDir {
		return 0, wasix.ErrnoBadf
	}
	need := wasix.RightsFdSeek
	if off == 0 && whence == wasix.WhenceCur {
		need = wasix.RightsFdTell
	}
	o, _, errno := p.file(fd, need)
	if errno != wasix.ErrnoSuccess {
		return 0, errno
	}
	var w int
	switch whence {
	case wasix.WhenceSet:
		w = vfs.SeekStart
	case wasix.WhenceCur:
		w = vfs.SeekCurrent
	case wasix.WhenceEnd:
		w = vfs.SeekEnd
	default:
		return 0, wasix.ErrnoInval
	}
	n, err := o.f.Seek(off, w)
	if err != nil {
		return 0, ToErrno(err)
	}
	return uint64(n), wasix.ErrnoSuccess
}

// FdTell returns the offset (fd_tell).
func (p *Process) FdTell(fd wasix.Fd) (uint64, wasix.Errno) {
	o, _, errno := p.file(fd, wasix.RightsFdTell)
	if errno != wasix.ErrnoSuccess {
		return 0, errno
	}
	n, err := o.f.Seek(0, vfs.SeekCurrent)
	return uint64(n), ToErrno(err)
}

// FdFdstatGet describes a descriptor (fd_fdstat_get).
func (p *Process) FdFdstatGet(fd wasix.Fd) (wasix.Fdstat, wasix.Errno) {
	e, errno := p.fds.get(fd, 0)
	if errno != wasix.ErrnoSuccess {
		return wasix.Fdstat{}, errno
	}
	return wasix.Fdstat{
		FsFiletype:         p.filetype(e.of.obj),
		FsFlags:            e.of.fdflags(),
		FsRightsBase:       e.base,
		FsRightsInheriting: e.inh,
	}, wasix.ErrnoSuccess
}

// FdFdstatSetFlags replaces the status flags (fd_fdstat_set_flags). Append
// reaches the file; nonblock governs later reads and writes; the sync
// flags are recorded.
func (p *Process) FdFdstatSetFlags(fd wasix.Fd, flags wasix.Fdflags) wasix.Errno {
	e, errno := p.fds.get(fd, wasix.RightsFdFdstatSetFlags)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	const known = wasix.FdflagsAppend | wasix.FdflagsDsync | wasix.FdflagsNonblock | wasix.FdflagsRsync | wasix.FdflagsSync
	if flags&^known != 0 {
		return wasix.ErrnoInval
	}
	if o, ok := e.of.obj.(*fileObj); ok && o.typ != vfs.TypeDir {
		if err := o.f.SetAppend(flags&wasix.FdflagsAppend != 0); err != nil {
			return ToErrno(err)
		}
	}
	e.of.flags.Store(uint32(flags))
	return wasix.ErrnoSuccess
}

// FdFdstatSetRights narrows the rights of a descriptor; asking for a right
// it does not hold gives ENOTCAPABLE (fd_fdstat_set_rights).
func (p *Process) FdFdstatSetRights(fd wasix.Fd, base, inh wasix.Rights) wasix.Errno {
	return p.fds.update(fd, func(e *fdEntry) wasix.Errno {
		if base&^e.base != 0 || inh&^e.inh != 0 {
			return wasix.ErrnoNotcapable
		}
		e.base, e.inh = base, inh
		return wasix.ErrnoSuccess
	})
}

// FdFilestatGet describes the object behind a descriptor (fd_filestat_get).
func (p *Process) FdFilestatGet(fd wasix.Fd) (vfs.Stat, wasix.Errno) {
	e, errno := p.fds.get(fd, wasix.RightsFdFilestatGet)
	if errno != wasix.ErrnoSuccess {
		return vfs.Stat{}, errno
	}
	st, err := e.of.obj.stat()
	if err == nil && p.rules().stdioTTY && isStdio(e.of.obj) {
		st.Type = vfs.TypeCharDevice
	}
	return st, ToErrno(err)
}

// filetype is the type fd_fdstat_get reports for o. For 2022 programs the
// standard streams are character devices whatever the host connected:
// 2022 Wasmer presented them so, and that libc line-buffers stdout only on
// a terminal, which is what keeps a prompt visible and output written
// before an exec.
func (p *Process) filetype(o object) wasix.Filetype {
	if p.rules().stdioTTY && isStdio(o) {
		return wasix.FiletypeCharacterDevice
	}
	return o.filetype()
}

// isStdio reports whether o is one of the streams a process starts with.
func isStdio(o object) bool {
	switch o.(type) {
	case *stdinStream, *writerStream, *ttyStream:
		return true
	}
	return false
}

// FdFilestatSetSize truncates or extends a file (fd_filestat_set_size).
func (p *Process) FdFilestatSetSize(fd wasix.Fd, size uint64) wasix.Errno {
	e, errno := p.fds.get(fd, 0)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	// As Linux's ftruncate: what is not open for writing (a directory
	// never is) is EBADF, a writable stream EINVAL; then the right.
	o, ok := e.of.obj.(*fileObj)
	if (ok && o.typ == vfs.TypeDir) || (!ok && e.base&wasix.RightsFdWrite == 0) {
		return wasix.ErrnoBadf
	}
	if !ok {
		return wasix.ErrnoInval
	}
	if _, errno := p.fds.get(fd, wasix.RightsFdFilestatSetSize); errno != wasix.ErrnoSuccess {
		return errno
	}
	if size > math.MaxInt64 {
		return wasix.ErrnoFbig
	}
	return ToErrno(o.f.Truncate(int64(size)))
}

// times converts the fst_flags form of a set-times call into the nil /
// value / vfs.TimeNow form of the vfs; EINVAL when a time is both given
// and asked to be now.
func times(atim, mtim uint64, fst wasix.Fstflags) (a, m *int64, errno wasix.Errno) {
	const known = wasix.FstflagsAtim | wasix.FstflagsAtimNow | wasix.FstflagsMtim | wasix.FstflagsMtimNow
	if fst&^known != 0 ||
		fst&(wasix.FstflagsAtim|wasix.FstflagsAtimNow) == wasix.FstflagsAtim|wasix.FstflagsAtimNow ||
		fst&(wasix.FstflagsMtim|wasix.FstflagsMtimNow) == wasix.FstflagsMtim|wasix.FstflagsMtimNow {
		return nil, nil, wasix.ErrnoInval
	}
	pick := func(v uint64, set, now wasix.Fstflags) *int64 {
		switch {
		case fst&set != 0:
			t := int64(min(v, math.MaxInt64))
			return &t
		case fst&now != 0:
			t := vfs.TimeNow
			return &t
		}
		return nil
	}
	return pick(atim, wasix.FstflagsAtim, wasix.FstflagsAtimNow), pick(mtim, wasix.FstflagsMtim, wasix.FstflagsMtimNow), wasix.ErrnoSuccess
}

// FdFilestatSetTimes sets the access and modification times
// (fd_filestat_set_times).
func (p *Process) FdFilestatSetTimes(fd wasix.Fd, atim, mtim uint64, fst wasix.Fstflags) wasix.Errno {
	e, errno := p.fds.get(fd, wasix.RightsFdFilestatSetTimes)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	a, m, errno := times(atim, mtim, fst)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	o, ok := e.of.obj.(*fileObj)
	if !ok {
		return wasix.ErrnoSuccess // streams have no times to keep
	}
	if a == nil && m == nil {
		return wasix.ErrnoSuccess
	}
	return ToErrno(o.f.SetTimes(a, m))
}

// FdAdvise passes an access-pattern hint (fd_advise).
func (p *Process) FdAdvise(fd wasix.Fd, off, length uint64, advice wasix.Advice) wasix.Errno {
	o, _, errno := p.file(fd, wasix.RightsFdAdvise)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	if advice > wasix.AdviceNoreuse || off > math.MaxInt64 || length > math.MaxInt64 {
		return wasix.ErrnoInval
	}
	if o.typ == vfs.TypeDir {
		return wasix.ErrnoSuccess // nothing to advise, and Linux accepts it
	}
	return ToErrno(o.f.Advise(int64(off), int64(length), int(advice)))
}

// FdAllocate makes sure a byte range of a file is backed (fd_allocate).
func (p *Process) FdAllocate(fd wasix.Fd, off, length uint64) wasix.Errno {
	// A directory is never open for writing: EBADF, as Linux, before the
	// right it cannot have.
	if o, _, errno := p.file(fd, 0); errno == wasix.ErrnoSuccess && o.typ == vfs.TypeDir {
		return wasix.ErrnoBadf
	}
	o, _, errno := p.file(fd, wasix.RightsFdAllocate)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	if length == 0 {
		return wasix.ErrnoInval
	}
	if off > math.MaxInt64 || length > math.MaxInt64-off {
		return wasix.ErrnoFbig
	}
	return ToErrno(o.f.Allocate(int64(off), int64(length)))
}

// FdSync flushes data and metadata (fd_sync); streams have nothing to flush.
func (p *Process) FdSync(fd wasix.Fd) wasix.Errno {
	return p.fdFlush(fd, wasix.RightsFdSync, vfs.File.Sync)
}

// FdDatasync flushes data (fd_datasync). The right to fd_sync, which
// flushes more, also allows it: libc asks for FD_DATASYNC only with write
// access, yet POSIX lets any descriptor fdatasync.
func (p *Process) FdDatasync(fd wasix.Fd) wasix.Errno {
	need := wasix.RightsFdDatasync
	if e, errno := p.fds.get(fd, wasix.RightsFdSync); errno == wasix.ErrnoSuccess && e.base&need == 0 {
		need = wasix.RightsFdSync
	}
	return p.fdFlush(fd, need, vfs.File.Datasync)
}

// fdFlush is FdSync and FdDatasync: flush on a file, nothing on a stream.
func (p *Process) fdFlush(fd wasix.Fd, need wasix.Rights, flush func(vfs.File) error) wasix.Errno {
	e, errno := p.fds.get(fd, need)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	if o, ok := e.of.obj.(*fileObj); ok {
		if o.typ == vfs.TypeCharDevice {
			return wasix.ErrnoInval // a device has nothing to sync, as on Linux
		}
		return ToErrno(flush(o.f))
	}
	return wasix.ErrnoSuccess
}

// FdClose closes a descriptor (fd_close); the object is closed with its
// last descriptor.
func (p *Process) FdClose(fd wasix.Fd) wasix.Errno {
	if p.closePreopenKept(fd) {
		return wasix.ErrnoSuccess
	}
	e, errno := p.fds.remove(fd)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	return ToErrno(e.of.release())
}

// FdRenumber makes descriptor to refer to what from refers to
// (fd_renumber), closing what to held. The toolchains of the generations
// expect different calls under this name (see rules):
//   - WASI preview1: a move. from is closed, and to must be open (EBADF).
//   - 2022 WASIX: a move onto any number below the limit, open or not.
//   - today's WASIX (and the seed): wasix-libc's dup2. from stays open and
//     shares its description with to; to need not be open but must not be
//     a preopen (ENOTSUP); to's close-on-exec is clear.
func (p *Process) FdRenumber(from, to wasix.Fd) wasix.Errno {
	r := p.rules()
	move := r.renumberWASI || r.renumber2022
	t := &p.fds
	t.mu.Lock()
	if uint64(from) >= uint64(len(t.entries)) || t.entries[from] == nil || uint64(to) >= uint64(t.max) {
		t.mu.Unlock()
		return wasix.ErrnoBadf
	}
	var old *fdEntry
	if uint64(to) < uint64(len(t.entries)) {
		old = t.entries[to]
	}
	switch {
	case old == nil && r.renumberWASI:
		t.mu.Unlock()
		return wasix.ErrnoBadf
	case old != nil && old.isPreopen && !move && from != to:
		t.mu.Unlock()
		return wasix.ErrnoNotsup
	case from == to:
		t.mu.Unlock()
		return wasix.ErrnoSuccess
	}
	for uint64(len(t.entries)) <= uint64(to) {
		t.entries = append(t.entries, nil)
	}
	if move {
		t.entries[to] = t.entries[from]
		t.entries[from] = nil
		if old != nil {
			t.count--
		}
	} else {
		src := t.entries[from]
		src.of.retain()
		t.entries[to] = &fdEntry{of: src.of, base: src.base, inh: src.inh}
		if old == nil {
			t.count++
		}
	}
	t.mu.Unlock()
	if old != nil {
		return ToErrno(old.of.release())
	}
	return wasix.ErrnoSuccess
}

// Prestat reports the name of a preopened directory; EBADF for any other
// descriptor (fd_prestat_get, fd_prestat_dir_name).
func (p *Process) Prestat(fd wasix.Fd) (string, wasix.Errno) {
	e, errno := p.fds.get(fd, 0)
	if errno != wasix.ErrnoSuccess {
		return "", errno
	}
	if !e.isPreopen {
		return "", wasix.ErrnoBadf
	}
	return e.preopen, wasix.ErrnoSuccess
}

// Dirent is one entry of a directory listing as fd_readdir reports it.
type Dirent struct {
	Next uint64 // cookie of the entry after this one
	Ino  uint64
	Type wasix.Filetype
	Name string
}

// FdReaddir lists a directory from cookie on: "." and ".." first, then the
// entries in a stable order; the cookie of an entry is its index plus one.
// Cookie 0 reads the directory afresh; later cookies read the listing the
// description cached, so that a listing read in pieces is consistent.
func (p *Process) FdReaddir(fd wasix.Fd, cookie uint64) ([]Dirent, wasix.Errno) {
	// What is not a directory is ENOTDIR, as Linux's getdents, before the
	// right only a directory has.
	e, errno := p.fds.get(fd, 0)
	if errno != wasix.ErrnoSuccess {
		return nil, errno
	}
	o, ok := e.of.obj.(*fileObj)
	if !ok || o.typ != vfs.TypeDir {
		return nil, wasix.ErrnoNotdir
	}
	if e, errno = p.fds.get(fd, wasix.RightsFdReaddir); errno != wasix.ErrnoSuccess {
		return nil, errno
	}
	e.of.mu.Lock()
	defer e.of.mu.Unlock()
	if cookie == 0 || e.of.dirents == nil {
		ents, err := o.f.ReadDir()
		if err != nil {
			return nil, ToErrno(err)
		}
		self, _ := o.f.Stat()
		parent, err := p.ns.Stat("/", o.anchor()+"/..", true)
		if err != nil {
			parent = self
		}
		all := make([]vfs.Dirent, 0, len(ents)+2)
		all = append(all, vfs.Dirent{Name: ".", Ino: self.Ino, Type: vfs.TypeDir}, vfs.Dirent{Name: "..", Ino: parent.Ino, Type: vfs.TypeDir})
		e.of.dirents = append(all, ents...)
	}
	if cookie >= uint64(len(e.of.dirents)) {
		return nil, wasix.ErrnoSuccess
	}
	out := make([]Dirent, 0, uint64(len(e.of.dirents))-cookie)
	for i := cookie; i < uint64(len(e.of.dirents)); i++ {
		d := e.of.dirents[i]
		out = append(out, Dirent{Next: i + 1, Ino: d.Ino, Type: FiletypeOf(d.Type), Name: d.Name})
	}
	return out, wasix.ErrnoSuccess
}

// NotSocket answers the socket calls of preview1 until sockets exist:
// EBADF for a descriptor that is not open, ENOTSOCK for any other.
func (p *Process) NotSocket(fd wasix.Fd) wasix.Errno {
	if _, errno := p.fds.get(fd, 0); errno != wasix.ErrnoSuccess {
		return errno
	}
	return wasix.ErrnoNotsock
}
