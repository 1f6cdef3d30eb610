package vfs

import "syscall"

// ReadOnly returns a view of fs that refuses every change with EROFS, as a
// read-only mount does. Files opened through it can be read but not
// written, truncated or have their times set. Errors that do not depend on
// writability (ENOENT, EEXIST, ENOTDIR, ...) are reported as fs reports them.
func ReadOnly(fs FS) FS {
	if r, ok := fs.(readOnlyFS); ok {
		return r
	}
	return readOnlyFS{fs}
}

type readOnlyFS struct{ fs FS }

// refuse returns EROFS for a change to name, or the lookup error that a
// writable filesystem would have reported first.
func (r readOnlyFS) refuse(name string) error {
	if _, err := r.fs.Lstat(parentDir(name)); err != nil {
		return err
	}
	return syscall.EROFS
}

func (r readOnlyFS) Open(name string, flags OpenFlags, perm uint32) (File, error) {
	if flags&OCreate != 0 {
		_, err := r.fs.Lstat(name)
		switch {
		case err == syscall.ENOENT:
			return nil, r.refuse(name)
		case err != nil:
			return nil, err
		case flags&OExcl != 0:
			return nil, syscall.EEXIST
		}
		flags &^= OCreate | OExcl
	}
	if flags&(OWrite|OTrunc) != 0 {
		if _, err := r.fs.Lstat(name); err != nil {
			return nil, err
		}
		return nil, syscall.EROFS
	}
	f, err := r.fs.Open(name, flags, perm)
	if err != nil {
		return nil, err
	}
	return readOnlyFile{f}, nil
}

func (r readOnlyFS) Lstat(name string) (Stat, error)      { return r.fs.Lstat(name) }
func (r readOnlyFS) Readlink(name string) (string, error) { return r.fs.Readlink(name) }

func (r readOnlyFS) Mkdir(name string, perm uint32) error {
	if _, err := r.fs.Lstat(name); err == nil {
		return syscall.EEXIST
	}
	return r.refuse(name)
}

func (r readOnlyFS) Symlink(target, name string) error {
	if _, err := r.fs.Lstat(name); err == nil {
		return syscall.EEXIST
	}
	return r.refuse(name)
}

func (r readOnlyFS) Rmdir(name string) error  { return r.existing(name) }
func (r readOnlyFS) Unlink(name string) error { return r.existing(name) }

func (r readOnlyFS) Rename(oldName, newName string) error { return r.existing(oldName) }

func (r readOnlyFS) Link(oldName, newName string) error { return r.existing(oldName) }

func (r readOnlyFS) SetTimes(name string, atim, mtim *int64) error { return r.existing(name) }

// existing returns EROFS for a change to the existing object name, or the
// error of looking it up.
func (r readOnlyFS) existing(name string) error {
	if _, err := r.fs.Lstat(name); err != nil {
		return err
	}
	return syscall.EROFS
}

// readOnlyFile is a file opened through a read-only view.
type readOnlyFile struct{ File }

func (f readOnlyFile) Write([]byte) (int, error)         { return 0, syscall.EBADF }
func (f readOnlyFile) Pwrite([]byte, int64) (int, error) { return 0, syscall.EBADF }
func (f readOnlyFile) Truncate(int64) error              { return syscall.EROFS }
func (f readOnlyFile) Allocate(int64, int64) error       { return syscall.EROFS }
func (f readOnlyFile) SetTimes(atim, mtim *int64) error  { return syscall.EROFS }

func (r readOnlyFS) strictLstat() bool {
	s, ok := r.fs.(strictLstater)
	return ok && s.strictLstat()
}
