package vfs

import (
	"hash/fnv"
	"io"
	"io/fs"
	"sync"
	"syscall"
)

// FromIOFS presents an io/fs tree (an embed.FS, a zip reader, fstest.MapFS,
// ...) as a read-only FS. Symlinks are seen only if fsys implements
// fs.ReadLinkFS. Inode numbers are made up from names, so a hard link in
// fsys shows up as two objects. Reads at an offset need files that
// implement io.ReaderAt or io.Seeker, which embed.FS files do.
func FromIOFS(fsys fs.FS) FS {
	return ReadOnly(&ioFS{fsys: fsys, dev: newDev()})
}

// ioFS is the read side of FromIOFS; ReadOnly supplies the refusals.
type ioFS struct {
	fsys fs.FS
	dev  uint64
}

func (f *ioFS) stat(name string, fi fs.FileInfo) Stat { return statOfInfo(f.dev, name, fi) }

// nameIno is the inode number of an object known only by its name (on a
// file system without inode numbers): a hash of the name.
func nameIno(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64()
}

// statOfInfo makes a Stat from an fs.FileInfo alone, for the file systems
// without inode numbers.
func statOfInfo(dev uint64, name string, fi fs.FileInfo) Stat {
	t := fi.ModTime().UnixNano()
	st := Stat{Dev: dev, Ino: nameIno(name), Type: typeOfMode(fi.Mode()), Nlink: 1,
		Size: fi.Size(), Atim: t, Mtim: t, Ctim: t, Mode: uint32(fi.Mode().Perm())}
	if st.Type == TypeDir {
		st.Nlink = 2
	}
	return st
}

func typeOfMode(m fs.FileMode) FileType {
	switch {
	case m.IsRegular():
		return TypeRegular
	case m.IsDir():
		return TypeDir
	case m&fs.ModeSymlink != 0:
		return TypeSymlink
	case m&fs.ModeNamedPipe != 0:
		return TypeFIFO
	case m&fs.ModeSocket != 0:
		return TypeSocket
	case m&fs.ModeCharDevice != 0:
		return TypeCharDevice
	case m&fs.ModeDevice != 0:
		return TypeBlockDevice
	}
	return TypeUnknown
}

func (f *ioFS) Lstat(name string) (Stat, error) {
	if err := checkName(name); err != nil {
		return Stat{}, err
	}
	var fi fs.FileInfo
	var err error
	if rl, ok := f.fsys.(fs.ReadLinkFS); ok {
		fi, err = rl.Lstat(name)
	} else {
		fi, err = fs.Stat(f.fsys, name)
	}
	if err != nil {
		return Stat{}, toErrno(err)
	}
	return f.stat(name, fi), nil
}

func (f *ioFS) Readlink(name string) (string, error) {
	st, err := f.Lstat(name)
	if err != nil {
		return "", err
	}
	rl, ok := f.fsys.(fs.ReadLinkFS)
	if !ok || st.Type != TypeSymlink {
		return "", syscall.EINVAL
	}
	target, err := rl.ReadLink(name)
	return target, toErrno(err)
}

func (f *ioFS) Open(name string, flags OpenFlags, perm uint32) (File, error) {
	st, err := f.Lstat(name)
	switch {
	case err != nil:
		return nil, err
	case st.Type == TypeSymlink:
		return nil, syscall.ELOOP
	case st.Type != TypeDir && flags&ODirectory != 0:
		return nil, syscall.ENOTDIR
	}
	file, err := f.fsys.Open(name)
	if err != nil {
		return nil, toErrno(err)
	}
	return &ioFile{fs: f, name: name, f: file, flags: flags, st: st}, nil
}

// The changes below are refused by the ReadOnly wrapper before they get
// here; they answer EROFS in case one does.

func (f *ioFS) Mkdir(string, uint32) error            { return syscall.EROFS }
func (f *ioFS) Rmdir(string) error                    { return syscall.EROFS }
func (f *ioFS) Unlink(string) error                   { return syscall.EROFS }
func (f *ioFS) Rename(string, string) error           { return syscall.EROFS }
func (f *ioFS) Link(string, string) error             { return syscall.EROFS }
func (f *ioFS) Symlink(string, string) error          { return syscall.EROFS }
func (f *ioFS) SetTimes(string, *int64, *int64) error { return syscall.EROFS }

// ioFile is an open file of an ioFS.
type ioFile struct {
	fs    *ioFS
	name  string
	flags OpenFlags
	st    Stat

	mu     sync.Mutex // serialises use of f, whose offset is shared
	f      fs.File
	closed bool
}

func (f *ioFile) lock(want OpenFlags) error {
	f.mu.Lock()
	switch {
	case f.closed:
		f.mu.Unlock()
		return syscall.EBADF
	case want != 0 && f.st.Type == TypeDir:
		f.mu.Unlock()
		return syscall.EISDIR
	case f.flags&want != want:
		f.mu.Unlock()
		return syscall.EBADF
	}
	return nil
}

// readFull reads like pread(2): as much as is there, nil at end of file.
func readFull(r io.Reader, p []byte) (int, error) {
	n, err := io.ReadFull(r, p)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		err = nil
	}
	return n, toErrno(err)
}

func (f *ioFile) Read(p []byte) (int, error) {
	if err := f.lock(ORead); err != nil {
		return 0, err
	}
	defer f.mu.Unlock()
	return readFull(f.f, p)
}

func (f *ioFile) Pread(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, syscall.EINVAL
	}
	if err := f.lock(ORead); err != nil {
		return 0, err
	}
	defer f.mu.Unlock()
	if off >= f.st.Size {
		return 0, nil // some ReaderAts refuse offsets past the end
	}
	if ra, ok := f.f.(io.ReaderAt); ok {
		return readFull(io.NewSectionReader(ra, off, 1<<62), p)
	}
	s, ok := f.f.(io.Seeker)
	if !ok {
		return 0, syscall.ESPIPE
	}
	cur, err := s.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, toErrno(err)
	}
	if _, err := s.Seek(off, io.SeekStart); err != nil {
		return 0, toErrno(err)
	}
	n, err := readFull(f.f, p)
	if _, serr := s.Seek(cur, io.SeekStart); err == nil {
		err = toErrno(serr)
	}
	return n, err
}

func (f *ioFile) Write([]byte) (int, error)         { return 0, syscall.EBADF }
func (f *ioFile) Pwrite([]byte, int64) (int, error) { return 0, syscall.EBADF }

func (f *ioFile) Seek(off int64, whence int) (int64, error) {
	if err := f.lock(0); err != nil {
		return 0, err
	}
	defer f.mu.Unlock()
	s, ok := f.f.(io.Seeker)
	if !ok {
		return 0, syscall.ESPIPE
	}
	n, err := s.Seek(off, whence)
	return n, toErrno(err)
}

func (f *ioFile) Stat() (Stat, error) {
	if err := f.lock(0); err != nil {
		return Stat{}, err
	}
	defer f.mu.Unlock()
	return f.st, nil
}

func (f *ioFile) ReadDir() ([]Dirent, error) {
	if err := f.lock(0); err != nil {
		return nil, err
	}
	f.mu.Unlock()
	if f.st.Type != TypeDir {
		return nil, syscall.ENOTDIR
	}
	// Listing by name, not through the open file, so that every call sees
	// the whole directory.
	des, err := fs.ReadDir(f.fs.fsys, f.name)
	if err != nil {
		return nil, toErrno(err)
	}
	ents := make([]Dirent, len(des))
	for i, d := range des {
		ents[i] = Dirent{Name: d.Name(), Ino: nameIno(joinName(f.name, d.Name())), Type: typeOfMode(d.Type())}
	}
	return ents, nil
}

func (f *ioFile) Truncate(int64) error             { return syscall.EINVAL }
func (f *ioFile) Sync() error                      { return f.alive() }
func (f *ioFile) Datasync() error                  { return f.alive() }
func (f *ioFile) Allocate(int64, int64) error      { return syscall.EBADF }
func (f *ioFile) Advise(int64, int64, int) error   { return f.alive() }
func (f *ioFile) SetTimes(atim, mtim *int64) error { return syscall.EROFS }
func (f *ioFile) SetAppend(bool) error             { return f.alive() }

func (f *ioFile) alive() error {
	if err := f.lock(0); err != nil {
		return err
	}
	f.mu.Unlock()
	return nil
}

func (f *ioFile) Close() error {
	if err := f.lock(0); err != nil {
		return err
	}
	defer f.mu.Unlock()
	f.closed = true
	return toErrno(f.f.Close())
}
