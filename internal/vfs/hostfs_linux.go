//go:build linux

package vfs

import (
	"encoding/binary"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// HostFS is a directory of the host seen as an FS, confined beneath it.
//
// On Linux it keeps an O_PATH descriptor of the directory and reaches every
// name with openat2(2) under RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS|
// RESOLVE_NO_MAGICLINKS. The Namespace hands it names free of symlinks, so
// a symlink met on the way means someone swapped one in (or a caller bug)
// and the call fails with ELOOP instead of following it. Operations on a
// name (mkdir, unlink, rename, ...) open its parent that way and act on the
// last component with the *at call, never following it. Kernels without
// openat2 get a walk that opens one component at a time with O_NOFOLLOW.
//
// Symlinks created by a guest are stored verbatim: they are harmless to the
// runtime, which never follows them on the host's side, but a host program
// that later walks the directory might.
type HostFS struct {
	dir     string
	root    *os.File // O_PATH|O_DIRECTORY
	rc      syscall.RawConn
	openat2 bool // the kernel has openat2; otherwise walk
}

const resolveFlags = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS

// NewHostFS opens the host directory dir (following symlinks in dir itself)
// as an FS. Close it when no process uses it any more.
func NewHostFS(dir string) (*HostFS, error) {
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: dir, Err: err}
	}
	h := &HostFS{dir: dir, root: os.NewFile(uintptr(fd), dir)}
	if h.rc, err = h.root.SyscallConn(); err != nil {
		h.root.Close()
		return nil, err
	}
	// Probe once: seccomp filters answer ENOSYS or EPERM for a call they
	// do not know.
	how := unix.OpenHow{Flags: unix.O_PATH | unix.O_DIRECTORY | unix.O_CLOEXEC, Resolve: resolveFlags}
	if probe, err := unix.Openat2(fd, ".", &how); err == nil {
		unix.Close(probe)
		h.openat2 = true
	}
	return h, nil
}

// hostFSHasAtime tells tests whether this HostFS reports access times.
const hostFSHasAtime = true

// Dir returns the host directory h was made from.
func (h *HostFS) Dir() string { return h.dir }

// Close releases the directory. Calls on h, and on files opened through it
// that are still open, keep working or fail with EBADF; they never reach
// another descriptor.
func (h *HostFS) Close() error { return h.root.Close() }

// do runs fn with the root descriptor, held open for the duration.
func (h *HostFS) do(fn func(root int) error) error {
	var err error
	if cerr := h.rc.Control(func(fd uintptr) { err = fn(int(fd)) }); cerr != nil {
		return syscall.EBADF
	}
	return err
}

// openBeneath opens the checked name below root without following any
// symlink and without leaving root. A symlink anywhere in name gives ELOOP.
func (h *HostFS) openBeneath(root int, name string, flags int, mode uint32) (int, error) {
	fd, err := h.open(root, name, flags, mode)
	if err == unix.ENOTDIR && flags&unix.O_DIRECTORY != 0 {
		// O_DIRECTORY reports a final symlink as "not a directory"; say
		// what it is, as for any other component.
		if l, lerr := h.open(root, name, unix.O_PATH, 0); lerr == unix.ELOOP {
			err = lerr
		} else if lerr == nil {
			var st unix.Stat_t
			if unix.Fstat(l, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK {
				err = unix.ELOOP
			}
			unix.Close(l)
		}
	}
	return fd, err
}

func (h *HostFS) open(root int, name string, flags int, mode uint32) (int, error) {
	flags |= unix.O_CLOEXEC | unix.O_NOFOLLOW
	if !h.openat2 {
		return walkOpen(root, name, flags, mode)
	}
	how := unix.OpenHow{Flags: uint64(flags), Resolve: resolveFlags}
	if flags&unix.O_CREAT != 0 {
		how.Mode = uint64(mode & 0o7777)
	}
	for tries := 0; ; tries++ {
		fd, err := unix.Openat2(root, name, &how)
		switch {
		case err == unix.EINTR, err == unix.EAGAIN && tries < 32:
			continue // EAGAIN: a rename raced with the walk; the kernel asks to retry
		case err == unix.EXDEV:
			return -1, ErrNotCapable // the walk tried to leave root
		}
		return fd, err
	}
}

// walkOpen is openBeneath for kernels before openat2 (5.6): one component at
// a time, each opened with O_NOFOLLOW so a symlink stops the walk. The name
// has no ".." (checkName), so the walk only ever goes down.
func walkOpen(root int, name string, flags int, mode uint32) (int, error) {
	dir, base := root, name
	for {
		i := 0
		for i < len(base) && base[i] != '/' {
			i++
		}
		if i == len(base) {
			break
		}
		fd, err := unix.Openat(dir, base[:i], unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err == unix.ENOTDIR && isSymlinkAt(dir, base[:i]) {
			err = unix.ELOOP // report a symlink as openat2 would
		}
		if dir != root {
			unix.Close(dir)
		}
		if err != nil {
			return -1, err
		}
		dir, base = fd, base[i+1:]
	}
	fd, err := unix.Openat(dir, base, flags, mode&0o7777)
	if dir != root {
		unix.Close(dir)
	}
	return fd, err
}

func isSymlinkAt(dirfd int, name string) bool {
	var st unix.Stat_t
	return unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW) == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK
}

// atParent runs fn with a descriptor of the directory holding name and the
// last component of name.
func (h *HostFS) atParent(name string, fn func(dirfd int, base string) error) error {
	if err := checkName(name); err != nil {
		return err
	}
	return h.do(func(root int) error {
		dir, base := splitParent(name)
		if dir == "." {
			return fn(root, base)
		}
		fd, err := h.openBeneath(root, dir, unix.O_PATH|unix.O_DIRECTORY, 0)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		return fn(fd, base)
	})
}

// atParents is atParent for two names at once, for rename and link.
func (h *HostFS) atParents(a, b string, fn func(adir int, abase string, bdir int, bbase string) error) error {
	return h.atParent(a, func(adir int, abase string) error {
		return h.atParent(b, func(bdir int, bbase string) error {
			return fn(adir, abase, bdir, bbase)
		})
	})
}

func openFlags(flags OpenFlags) int {
	var o int
	switch {
	case flags&(ORead|OWrite) == ORead|OWrite:
		o = unix.O_RDWR
	case flags&OWrite != 0:
		o = unix.O_WRONLY
	default:
		o = unix.O_RDONLY
	}
	for _, m := range []struct {
		f OpenFlags
		o int
	}{
		{OAppend, unix.O_APPEND}, {OCreate, unix.O_CREAT}, {OExcl, unix.O_EXCL},
		{OTrunc, unix.O_TRUNC}, {ODirectory, unix.O_DIRECTORY}, {OSync, unix.O_SYNC},
		{ODsync, unix.O_DSYNC}, {ORsync, unix.O_RSYNC},
	} {
		if flags&m.f != 0 {
			o |= m.o
		}
	}
	return o
}

// Open opens the named object; a final symlink gives ELOOP.
func (h *HostFS) Open(name string, flags OpenFlags, perm uint32) (File, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	if flags&(OCreate|ODirectory) == OCreate|ODirectory {
		return nil, syscall.EINVAL
	}
	// O_NONBLOCK keeps the open itself from waiting for a FIFO's other end;
	// it is cleared again unless asked for. Without it, a FIFO opened for
	// writing waits for a reader here and one opened for reading waits for
	// a writer at its first read, as POSIX has it.
	oflags := openFlags(flags) | unix.O_NONBLOCK
	var fd int
	err := h.do(func(root int) error {
		var err error
		fd, err = h.openBeneath(root, name, oflags, perm)
		if err == unix.EACCES && flags&(ORead|OWrite|OCreate|OTrunc) == 0 {
			// A handle for metadata only does not need read permission.
			fd, err = h.openBeneath(root, name, unix.O_PATH|oflags&unix.O_DIRECTORY, 0)
		}
		return err
	})
	if err == unix.ENXIO && flags&(OWrite|ONonblock) == OWrite {
		// A FIFO nobody reads: open(2) waits for a reader.
		fd, err = h.openFIFOWriter(name, oflags&^unix.O_NONBLOCK)
	}
	if err != nil {
		return nil, toErrno(err)
	}
	awaitWriter := false
	raw := -1
	if flags&ONonblock == 0 {
		if fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0); err == nil && fl&unix.O_PATH == 0 {
			if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFL, fl&^unix.O_NONBLOCK); err == nil {
				raw = fd // blocking: os.File would not poll it either
			}
			var st unix.Stat_t
			awaitWriter = fl&unix.O_ACCMODE == unix.O_RDONLY &&
				unix.Fstat(fd, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFIFO
		}
	}
	f := os.NewFile(uintptr(fd), name)
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, toErrno(err)
	}
	hf := &hostFile{f: f, rc: rc, raw: raw}
	hf.awaitWriter.Store(awaitWriter)
	return hf, nil
}

// openFIFOWriter opens the FIFO name for writing, waiting for a reader as
// a blocking open(2) does: the name is resolved beneath the root as every
// name is (O_PATH, which opens nothing), and the object found is opened
// again through its /proc/self/fd link. Anything but a FIFO, or a system
// without /proc, keeps the ENXIO of the non-blocking open.
func (h *HostFS) openFIFOWriter(name string, oflags int) (int, error) {
	var pfd int
	if err := h.do(func(root int) error {
		var err error
		pfd, err = h.open(root, name, unix.O_PATH, 0)
		return err
	}); err != nil {
		return -1, unix.ENXIO
	}
	defer unix.Close(pfd)
	var st unix.Stat_t
	if unix.Fstat(pfd, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFIFO {
		return -1, unix.ENXIO
	}
	// Creation and truncation were done (or refused) by the first open.
	oflags = oflags&^(unix.O_CREAT|unix.O_EXCL|unix.O_TRUNC|unix.O_NOFOLLOW) | unix.O_CLOEXEC
	for {
		fd, err := unix.Open("/proc/self/fd/"+strconv.Itoa(pfd), oflags, 0)
		if err == unix.EINTR {
			continue
		}
		if err == unix.ENOENT {
			err = unix.ENXIO // no /proc
		}
		return fd, err
	}
}

// Lstat describes the named object itself.
func (h *HostFS) Lstat(name string) (Stat, error) {
	var st unix.Stat_t
	err := h.atParent(name, func(dirfd int, base string) error {
		return unix.Fstatat(dirfd, base, &st, unix.AT_SYMLINK_NOFOLLOW)
	})
	if err != nil {
		return Stat{}, toErrno(err)
	}
	return fromUnixStat(&st), nil
}

// Readlink returns the target of the named symlink.
func (h *HostFS) Readlink(name string) (string, error) {
	var target string
	err := h.atParent(name, func(dirfd int, base string) error {
		for size := 256; ; size *= 2 {
			buf := make([]byte, size)
			n, err := unix.Readlinkat(dirfd, base, buf)
			if err != nil {
				return err
			}
			if n < size {
				target = string(buf[:n])
				return nil
			}
		}
	})
	return target, toErrno(err)
}

// Mkdir creates a directory.
func (h *HostFS) Mkdir(name string, perm uint32) error {
	return toErrno(h.atParent(name, func(dirfd int, base string) error {
		return unix.Mkdirat(dirfd, base, perm&0o7777)
	}))
}

// Rmdir removes an empty directory.
func (h *HostFS) Rmdir(name string) error {
	return toErrno(h.atParent(name, func(dirfd int, base string) error {
		return unix.Unlinkat(dirfd, base, unix.AT_REMOVEDIR)
	}))
}

// Unlink removes a non-directory.
func (h *HostFS) Unlink(name string) error {
	return toErrno(h.atParent(name, func(dirfd int, base string) error {
		return unix.Unlinkat(dirfd, base, 0)
	}))
}

// Rename moves oldName to newName.
func (h *HostFS) Rename(oldName, newName string) error {
	if err := checkName(newName); err != nil {
		return err
	}
	return toErrno(h.atParents(oldName, newName, func(od int, ob string, nd int, nb string) error {
		return unix.Renameat(od, ob, nd, nb)
	}))
}

// Link makes newName a hard link to oldName, not following a symlink.
func (h *HostFS) Link(oldName, newName string) error {
	if err := checkName(newName); err != nil {
		return err
	}
	return toErrno(h.atParents(oldName, newName, func(od int, ob string, nd int, nb string) error {
		return unix.Linkat(od, ob, nd, nb, 0)
	}))
}

// Symlink creates a symlink holding target.
func (h *HostFS) Symlink(target, name string) error {
	return toErrno(h.atParent(name, func(dirfd int, base string) error {
		return unix.Symlinkat(target, dirfd, base)
	}))
}

// SetTimes sets the times of the named object itself.
func (h *HostFS) SetTimes(name string, atim, mtim *int64) error {
	ts := utimes(atim, mtim)
	return toErrno(h.atParent(name, func(dirfd int, base string) error {
		return unix.UtimesNanoAt(dirfd, base, ts[:], unix.AT_SYMLINK_NOFOLLOW)
	}))
}

func utimes(atim, mtim *int64) [2]unix.Timespec {
	conv := func(p *int64) unix.Timespec {
		switch {
		case p == nil:
			return unix.Timespec{Nsec: unix.UTIME_OMIT}
		case *p == TimeNow:
			return unix.Timespec{Nsec: unix.UTIME_NOW}
		}
		return unix.NsecToTimespec(*p)
	}
	return [2]unix.Timespec{conv(atim), conv(mtim)}
}

func fromUnixStat(st *unix.Stat_t) Stat {
	var t FileType
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		t = TypeRegular
	case unix.S_IFDIR:
		t = TypeDir
	case unix.S_IFLNK:
		t = TypeSymlink
	case unix.S_IFCHR:
		t = TypeCharDevice
	case unix.S_IFBLK:
		t = TypeBlockDevice
	case unix.S_IFIFO:
		t = TypeFIFO
	case unix.S_IFSOCK:
		t = TypeSocket
	}
	return Stat{Dev: uint64(st.Dev), Ino: st.Ino, Type: t, Nlink: uint64(st.Nlink), Size: st.Size,
		Atim: st.Atim.Nano(), Mtim: st.Mtim.Nano(), Ctim: st.Ctim.Nano(), Mode: st.Mode & 0o7777}
}

// hostFile is a file opened through a HostFS. It goes through os.File so
// that a Close racing with a read cannot hand the descriptor number to
// another open in between: os.File counts its users. Read and Write of a
// blocking descriptor count their own (hostfile_rawio_linux.go).
type hostFile struct {
	f      *os.File
	rc     syscall.RawConn
	raw    int          // the descriptor for raw reads and writes, or -1
	rawUse atomic.Int64 // 2 per raw read or write in flight; bit 0: closed
	dirMu  sync.Mutex   // ReadDir moves the offset of the descriptor
	// awaitWriter is set for a FIFO opened for reading without
	// O_NONBLOCK until a writer has come: its open did not wait for one
	// (a blocking open could not be abandoned), so its first read does.
	// Until then read(2) would report end-of-file.
	awaitWriter atomic.Bool
}

// control runs fn with the descriptor held open.
func (f *hostFile) control(fn func(fd int) error) error {
	var err error
	if cerr := f.rc.Control(func(fd uintptr) { err = fn(int(fd)) }); cerr != nil {
		return syscall.EBADF
	}
	return toErrno(err)
}

// eof turns io.EOF into the POSIX end-of-file answer.
func eof(n int, err error) (int, error) {
	if err == io.EOF {
		return n, nil
	}
	return n, toErrno(err)
}

func (f *hostFile) Read(p []byte) (int, error) {
	if f.awaitWriter.Load() {
		if err := f.waitWriter(); err != nil {
			return 0, err
		}
	}
	if f.raw >= 0 {
		return f.rawRead(p)
	}
	return eof(f.f.Read(p))
}

// waitWriter waits until the FIFO has data or a writer came and left
// (poll(2) reports neither before a first writer), unless the descriptor
// was made non-blocking since.
func (f *hostFile) waitWriter() error {
	err := f.control(func(fd int) error {
		if fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0); err != nil || fl&unix.O_NONBLOCK != 0 {
			return err
		}
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		for {
			if _, err := unix.Poll(fds, -1); err != unix.EINTR {
				return err
			}
		}
	})
	if err == nil {
		f.awaitWriter.Store(false)
	}
	return err
}

func (f *hostFile) Pread(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, syscall.EINVAL
	}
	return eof(f.f.ReadAt(p, off))
}

func (f *hostFile) Write(p []byte) (int, error) {
	if f.raw >= 0 {
		return f.rawWrite(p)
	}
	n, err := f.f.Write(p)
	return n, toErrno(err)
}

// Pwrite is pwrite(2) itself: os.File.WriteAt refuses a file opened with
// O_APPEND, where WASI wants the write done. Linux then writes at the end
// (POSIX would write at off); WASI's test suite accepts either.
func (f *hostFile) Pwrite(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, syscall.EINVAL
	}
	n := 0
	err := f.control(func(fd int) error {
		for n < len(p) {
			m, err := unix.Pwrite(fd, p[n:], off+int64(n))
			if err == unix.EINTR {
				continue
			}
			if err != nil {
				return err
			}
			if m == 0 {
				return syscall.EIO
			}
			n += m
		}
		return nil
	})
	return n, err
}

func (f *hostFile) Seek(off int64, whence int) (int64, error) {
	n, err := f.f.Seek(off, whence)
	return n, toErrno(err)
}

func (f *hostFile) Stat() (Stat, error) {
	var st unix.Stat_t
	if err := f.control(func(fd int) error { return unix.Fstat(fd, &st) }); err != nil {
		return Stat{}, err
	}
	return fromUnixStat(&st), nil
}

func (f *hostFile) Truncate(size int64) error { return toErrno(f.f.Truncate(size)) }
func (f *hostFile) Sync() error               { return toErrno(f.f.Sync()) }
func (f *hostFile) Datasync() error           { return f.control(unix.Fdatasync) }

func (f *hostFile) Allocate(off, length int64) error {
	return f.control(func(fd int) error {
		err := unix.Fallocate(fd, 0, off, length)
		if err != unix.EOPNOTSUPP {
			return err
		}
		// The filesystem cannot reserve blocks: growing the size is the
		// part a program can observe.
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			return err
		}
		if end := off + length; end > st.Size {
			return unix.Ftruncate(fd, end)
		}
		return nil
	})
}

func (f *hostFile) Advise(off, length int64, advice int) error {
	hint, ok := map[int]int{
		AdviceNormal: unix.FADV_NORMAL, AdviceSequential: unix.FADV_SEQUENTIAL,
		AdviceRandom: unix.FADV_RANDOM, AdviceWillNeed: unix.FADV_WILLNEED,
		AdviceDontNeed: unix.FADV_DONTNEED, AdviceNoReuse: unix.FADV_NOREUSE,
	}[advice]
	if !ok {
		return syscall.EINVAL
	}
	return f.control(func(fd int) error { return unix.Fadvise(fd, off, length, hint) })
}

func (f *hostFile) ReadDir() ([]Dirent, error) {
	f.dirMu.Lock()
	defer f.dirMu.Unlock()
	var ents []Dirent
	err := f.control(func(fd int) error {
		if _, err := unix.Seek(fd, 0, io.SeekStart); err != nil {
			return err
		}
		buf := make([]byte, 16<<10)
		for {
			n, err := unix.Getdents(fd, buf)
			if err == unix.EINTR {
				continue
			}
			if err != nil {
				return err
			}
			if n <= 0 {
				return nil
			}
			ents = appendDirents(ents, buf[:n])
		}
	})
	if err != nil {
		return nil, err
	}
	return ents, nil
}

// appendDirents decodes linux_dirent64 records: ino u64, off s64,
// reclen u16, type u8, then the NUL-terminated name.
func appendDirents(ents []Dirent, buf []byte) []Dirent {
	for len(buf) >= 19 {
		reclen := int(binary.NativeEndian.Uint16(buf[16:]))
		if reclen < 19 || reclen > len(buf) {
			break
		}
		rec := buf[:reclen]
		buf = buf[reclen:]
		name := rec[19:]
		for i, c := range name {
			if c == 0 {
				name = name[:i]
				break
			}
		}
		if s := string(name); s != "." && s != ".." {
			ents = append(ents, Dirent{
				Name: s,
				Ino:  binary.NativeEndian.Uint64(rec),
				Type: direntType(rec[18]),
			})
		}
	}
	return ents
}

func direntType(t byte) FileType {
	switch t {
	case unix.DT_REG:
		return TypeRegular
	case unix.DT_DIR:
		return TypeDir
	case unix.DT_LNK:
		return TypeSymlink
	case unix.DT_CHR:
		return TypeCharDevice
	case unix.DT_BLK:
		return TypeBlockDevice
	case unix.DT_FIFO:
		return TypeFIFO
	case unix.DT_SOCK:
		return TypeSocket
	}
	return TypeUnknown
}

func (f *hostFile) SetTimes(atim, mtim *int64) error {
	ts := utimes(atim, mtim)
	return f.control(func(fd int) error {
		// utimensat with a NULL path acts on fd itself (futimens).
		_, _, e := unix.Syscall6(unix.SYS_UTIMENSAT, uintptr(fd), 0, uintptr(unsafe.Pointer(&ts[0])), 0, 0, 0)
		if e != 0 {
			return e
		}
		return nil
	})
}

func (f *hostFile) SetAppend(on bool) error {
	return f.control(func(fd int) error {
		fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
		if err != nil {
			return err
		}
		if on {
			fl |= unix.O_APPEND
		} else {
			fl &^= unix.O_APPEND
		}
		_, err = unix.FcntlInt(uintptr(fd), unix.F_SETFL, fl)
		return err
	})
}

func (f *hostFile) Close() error {
	if f.raw >= 0 {
		return f.rawClose()
	}
	return toErrno(f.f.Close())
}

// strictLstat: Lstat opens the parent with RESOLVE_NO_SYMLINKS (or the
// O_NOFOLLOW walk), so a symlink in the middle of a name gives ELOOP.
func (h *HostFS) strictLstat() bool { return true }
