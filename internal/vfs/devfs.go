package vfs

import (
	"crypto/rand"
	"slices"
	"strings"
	"sync"
	"syscall"
)

// StdioRef is what DevFS opens for stdin, stdout, stderr and tty. It is a
// placeholder, not a device: the kernel must recognise it (with a type
// assertion on the File returned by Namespace.Open) and put the process's
// own stream in its place. Fd is the process descriptor to duplicate: 0, 1
// or 2, or StdioTTY for /dev/tty (the controlling terminal, which the kernel
// maps to whatever stream it deems the terminal). Flags are the flags of the
// open, for the kernel to check the access mode against. Every File method
// of a StdioRef fails with EBADF except Stat and Close.
type StdioRef struct {
	Fd    int
	Flags OpenFlags
	stat  Stat
}

// StdioTTY is the StdioRef.Fd of /dev/tty.
const StdioTTY = -1

// DevFS is the /dev directory: null, zero, full, random and urandom, which
// it implements, and stdin, stdout, stderr and tty, which it hands to the
// kernel as StdioRef values. Its set of entries is fixed; every change to it
// fails with EROFS.
type DevFS struct {
	dev   uint64
	birth int64
}

type devKind int

const (
	devNull devKind = iota + 1
	devZero
	devFull
	devRandom
	devStdin
	devStdout
	devStderr
	devTTY
)

// devNames lists the entries in inode order (the root is inode 1).
var devNames = []string{"null", "zero", "full", "random", "stdin", "stdout", "stderr", "tty", "urandom"}

// devKindOf is the kind of the entry name, 0 for none. (A switch, not a
// map: package initialisation runs at every start, and building a map
// there costs a start the pages of its code.)
func devKindOf(name string) devKind {
	switch name {
	case "null":
		return devNull
	case "zero":
		return devZero
	case "full":
		return devFull
	case "random", "urandom":
		return devRandom
	case "stdin":
		return devStdin
	case "stdout":
		return devStdout
	case "stderr":
		return devStderr
	case "tty":
		return devTTY
	}
	return 0
}

// NewDevFS returns a DevFS, to be mounted at /dev.
func NewDevFS() *DevFS { return &DevFS{dev: newDev(), birth: now()} }

func (d *DevFS) stat(name string) (Stat, error) {
	if err := checkName(name); err != nil {
		return Stat{}, err
	}
	st := Stat{Dev: d.dev, Atim: d.birth, Mtim: d.birth, Ctim: d.birth}
	if name == "." {
		st.Ino, st.Type, st.Nlink, st.Mode = 1, TypeDir, 2, 0o755
		return st, nil
	}
	i := slices.Index(devNames, name)
	if i < 0 {
		if strings.Contains(name, "/") {
			return Stat{}, syscall.ENOTDIR
		}
		return Stat{}, syscall.ENOENT
	}
	st.Ino, st.Type, st.Nlink, st.Mode = uint64(i+2), TypeCharDevice, 1, 0o666
	return st, nil
}

// Lstat describes the root or one device.
func (d *DevFS) Lstat(name string) (Stat, error) { return d.stat(name) }

// Open opens the root directory, a device, or a StdioRef placeholder.
func (d *DevFS) Open(name string, flags OpenFlags, perm uint32) (File, error) {
	st, err := d.stat(name)
	if err != nil {
		if err == syscall.ENOENT && flags&OCreate != 0 {
			return nil, syscall.EROFS
		}
		return nil, err
	}
	switch {
	case flags&(OCreate|OExcl) == OCreate|OExcl:
		return nil, syscall.EEXIST
	case st.Type == TypeDir && flags&(OWrite|OTrunc|OCreate) != 0:
		return nil, syscall.EISDIR
	case st.Type != TypeDir && flags&ODirectory != 0:
		return nil, syscall.ENOTDIR
	}
	if name == "." {
		return &devDir{fs: d, stat: st}, nil
	}
	switch k := devKindOf(name); k {
	case devStdin, devStdout, devStderr, devTTY:
		fd := StdioTTY
		if k != devTTY {
			fd = int(k - devStdin)
		}
		return &StdioRef{Fd: fd, Flags: flags, stat: st}, nil
	default:
		return &devFile{kind: k, flags: flags, stat: st}, nil
	}
}

// Readlink fails: DevFS has no symlinks.
func (d *DevFS) Readlink(name string) (string, error) { return "", d.refuse(name, syscall.EINVAL) }

// Mkdir fails with EEXIST or EROFS.
func (d *DevFS) Mkdir(name string, perm uint32) error { return d.refuseNew(name) }

// Symlink fails with EEXIST or EROFS.
func (d *DevFS) Symlink(target, name string) error { return d.refuseNew(name) }

// Link fails with EROFS.
func (d *DevFS) Link(oldName, newName string) error { return d.refuse(oldName, syscall.EROFS) }

// Rmdir fails with EROFS.
func (d *DevFS) Rmdir(name string) error { return d.refuse(name, syscall.EROFS) }

// Unlink fails with EROFS.
func (d *DevFS) Unlink(name string) error { return d.refuse(name, syscall.EROFS) }

// Rename fails with EROFS.
func (d *DevFS) Rename(oldName, newName string) error { return d.refuse(oldName, syscall.EROFS) }

// SetTimes is accepted and ignored: device times carry no meaning here.
func (d *DevFS) SetTimes(name string, atim, mtim *int64) error {
	_, err := d.stat(name)
	return err
}

// refuse returns the lookup error for name, or err if it exists.
func (d *DevFS) refuse(name string, err error) error {
	if _, e := d.stat(name); e != nil {
		return e
	}
	return err
}

func (d *DevFS) refuseNew(name string) error {
	if _, err := d.stat(name); err == nil {
		return syscall.EEXIST
	}
	return syscall.EROFS
}

// handle holds what every DevFS handle needs: the closed state.
type handle struct {
	mu     sync.Mutex
	closed bool
}

func (h *handle) alive() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return syscall.EBADF
	}
	return nil
}

func (h *handle) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return syscall.EBADF
	}
	h.closed = true
	return nil
}

// devFile is an open device of DevFS.
type devFile struct {
	handle
	kind  devKind
	flags OpenFlags
	stat  Stat
}

func (f *devFile) Read(p []byte) (int, error) { return f.Pread(p, 0) }

func (f *devFile) Pread(p []byte, _ int64) (int, error) {
	if err := f.alive(); err != nil {
		return 0, err
	}
	if f.flags&ORead == 0 {
		return 0, syscall.EBADF
	}
	switch f.kind {
	case devNull:
		return 0, nil
	case devRandom:
		rand.Read(p) // never fails on supported platforms
	default:
		clear(p)
	}
	return len(p), nil
}

func (f *devFile) Write(p []byte) (int, error) { return f.Pwrite(p, 0) }

func (f *devFile) Pwrite(p []byte, _ int64) (int, error) {
	if err := f.alive(); err != nil {
		return 0, err
	}
	if f.flags&OWrite == 0 {
		return 0, syscall.EBADF
	}
	if f.kind == devFull {
		return 0, syscall.ENOSPC
	}
	return len(p), nil
}

// Seek succeeds and stays at 0, as seeking a Linux memory device does.
func (f *devFile) Seek(int64, int) (int64, error)   { return 0, f.alive() }
func (f *devFile) Stat() (Stat, error)              { return f.stat, f.alive() }
func (f *devFile) Truncate(int64) error             { return syscall.EINVAL }
func (f *devFile) Sync() error                      { return f.alive() }
func (f *devFile) Datasync() error                  { return f.alive() }
func (f *devFile) Allocate(int64, int64) error      { return syscall.ENODEV }
func (f *devFile) Advise(int64, int64, int) error   { return f.alive() }
func (f *devFile) ReadDir() ([]Dirent, error)       { return nil, syscall.ENOTDIR }
func (f *devFile) SetTimes(atim, mtim *int64) error { return f.alive() }
func (f *devFile) SetAppend(bool) error             { return f.alive() }

// devDir is the open root of DevFS.
type devDir struct {
	handle
	fs   *DevFS
	stat Stat
}

func (d *devDir) Read([]byte) (int, error)          { return 0, syscall.EISDIR }
func (d *devDir) Write([]byte) (int, error)         { return 0, syscall.EBADF }
func (d *devDir) Pread([]byte, int64) (int, error)  { return 0, syscall.EISDIR }
func (d *devDir) Pwrite([]byte, int64) (int, error) { return 0, syscall.EBADF }
func (d *devDir) Seek(int64, int) (int64, error)    { return 0, d.alive() }
func (d *devDir) Stat() (Stat, error)               { return d.stat, d.alive() }
func (d *devDir) Truncate(int64) error              { return syscall.EINVAL }
func (d *devDir) Sync() error                       { return d.alive() }
func (d *devDir) Datasync() error                   { return d.alive() }
func (d *devDir) Allocate(int64, int64) error       { return syscall.EBADF }
func (d *devDir) Advise(int64, int64, int) error    { return d.alive() }
func (d *devDir) SetTimes(atim, mtim *int64) error  { return d.alive() }
func (d *devDir) SetAppend(bool) error              { return d.alive() }

func (d *devDir) ReadDir() ([]Dirent, error) {
	if err := d.alive(); err != nil {
		return nil, err
	}
	ents := make([]Dirent, 0, len(devNames))
	for i, n := range devNames {
		ents = append(ents, Dirent{Name: n, Ino: uint64(i + 2), Type: TypeCharDevice})
	}
	slices.SortFunc(ents, func(a, b Dirent) int { return strings.Compare(a.Name, b.Name) })
	return ents, nil
}

// The File methods of StdioRef exist so that it can travel as a File; the
// kernel replaces it before any of them matters.

// Read fails with EBADF.
func (s *StdioRef) Read([]byte) (int, error) { return 0, syscall.EBADF }

// Write fails with EBADF.
func (s *StdioRef) Write([]byte) (int, error) { return 0, syscall.EBADF }

// Pread fails with EBADF.
func (s *StdioRef) Pread([]byte, int64) (int, error) { return 0, syscall.EBADF }

// Pwrite fails with EBADF.
func (s *StdioRef) Pwrite([]byte, int64) (int, error) { return 0, syscall.EBADF }

// Seek fails with EBADF.
func (s *StdioRef) Seek(int64, int) (int64, error) { return 0, syscall.EBADF }

// Stat describes the device entry that was opened.
func (s *StdioRef) Stat() (Stat, error) { return s.stat, nil }

// Truncate fails with EBADF.
func (s *StdioRef) Truncate(int64) error { return syscall.EBADF }

// Sync fails with EBADF.
func (s *StdioRef) Sync() error { return syscall.EBADF }

// Datasync fails with EBADF.
func (s *StdioRef) Datasync() error { return syscall.EBADF }

// Allocate fails with EBADF.
func (s *StdioRef) Allocate(int64, int64) error { return syscall.EBADF }

// Advise fails with EBADF.
func (s *StdioRef) Advise(int64, int64, int) error { return syscall.EBADF }

// ReadDir fails with ENOTDIR.
func (s *StdioRef) ReadDir() ([]Dirent, error) { return nil, syscall.ENOTDIR }

// SetTimes fails with EBADF.
func (s *StdioRef) SetTimes(atim, mtim *int64) error { return syscall.EBADF }

// SetAppend fails with EBADF.
func (s *StdioRef) SetAppend(bool) error { return syscall.EBADF }

// Close does nothing.
func (s *StdioRef) Close() error { return nil }
