// Package vfs is the filesystem layer of the runtime: the mount table
// (Namespace), the in-memory filesystem every runtime starts with (MemFS),
// host directories confined beneath their root (HostFS), the device
// directory (DevFS) and an adapter for io/fs trees (FromIOFS).
//
// The package knows names, mounts and file contents. It knows nothing of
// file descriptors, rights, pipes or sockets: those belong to the kernel,
// which holds File values in its fd tables and turns the errors returned
// here into wasi errno values.
//
// # Errors
//
// Every error is a syscall.Errno or wraps one (find it with errors.As), with
// one exception: ErrNotCapable, returned when a path would leave the
// directory it was resolved against.
//
// # Reads at end of file
//
// File.Read and File.Pread follow POSIX, not io.Reader: at end of file they
// return 0 and a nil error; io.EOF is never returned.
//
// # Names
//
// An FS sees names relative to its own root: slash-separated, clean, without
// "..", without a leading "/", and "." for the root itself. The Namespace
// walk has already checked that every component but the last is a directory
// and not a symlink, so an FS never follows a symlink on its own: meeting one
// where a directory was expected (a race, or a caller bug) gives ELOOP.
//
// # Anchors
//
// Namespace calls take an anchor, the absolute guest path of the directory
// a relative path starts from (a preopen, the cwd, or a directory fd, whose
// path Namespace.Open returns). The anchor is a path, not a handle: if the
// directory is renamed while open, later calls follow the old path.
package vfs

import (
	"errors"
	"math"
)

// ErrNotCapable reports that a path tried to leave the directory it is
// resolved against: a ".." above the anchor, a relative symlink target that
// climbs out of it, or a malformed name handed to an FS directly. The kernel
// reports it to the guest as wasi "notcapable".
var ErrNotCapable = errors.New("vfs: path escapes its anchor")

// FileType is the kind of a filesystem object. Its values equal the wasi
// filetype codes where wasi has a counterpart, so the kernel may convert
// with a plain cast for those; TypeFIFO has none and should be reported as
// unknown.
type FileType uint8

// File types.
const (
	TypeUnknown     FileType = 0
	TypeBlockDevice FileType = 1
	TypeCharDevice  FileType = 2
	TypeDir         FileType = 3
	TypeRegular     FileType = 4
	TypeSocket      FileType = 6 // a unix socket in a host directory (wasi socket_stream)
	TypeSymlink     FileType = 7
	TypeFIFO        FileType = 8 // a named pipe in a host directory; no wasi code
)

// String returns a short lower-case name of the type, for messages.
func (t FileType) String() string {
	switch t {
	case TypeBlockDevice:
		return "block device"
	case TypeCharDevice:
		return "char device"
	case TypeDir:
		return "directory"
	case TypeRegular:
		return "regular"
	case TypeSocket:
		return "socket"
	case TypeSymlink:
		return "symlink"
	case TypeFIFO:
		return "fifo"
	}
	return "unknown"
}

// Stat describes a filesystem object: everything the kernel needs to fill a
// wasi filestat, plus the permission bits.
type Stat struct {
	Dev   uint64   // identifies the filesystem; Dev and Ino together identify the object
	Ino   uint64   // inode number, unique within Dev
	Type  FileType // kind of object
	Nlink uint64   // number of hard links
	Size  int64    // bytes for regular files, target length for symlinks
	Atim  int64    // last access, nanoseconds since the Unix epoch
	Mtim  int64    // last modification of the contents
	Ctim  int64    // last change of the contents or the metadata
	Mode  uint32   // permission bits (0o7777), no type bits
}

// Dirent is one entry of a directory listing.
type Dirent struct {
	Name string
	Ino  uint64
	Type FileType
}

// OpenFlags selects how a file is opened. With neither ORead nor OWrite the
// handle is for metadata only (stat, times, directory listing) and reads or
// writes on it fail with EBADF.
type OpenFlags uint32

// Open flags. They mean what the O_ flags of the same name mean on Linux.
const (
	ORead      OpenFlags = 1 << iota // reading is allowed
	OWrite                           // writing is allowed
	OAppend                          // every write goes to the end of the file
	OCreate                          // create the file if it does not exist
	OExcl                            // with OCreate: fail with EEXIST if it exists
	OTrunc                           // truncate a regular file to zero length
	ODirectory                       // fail with ENOTDIR unless it is a directory
	ONoFollow                        // a final symlink is not followed: ELOOP
	OSync                            // writes are synchronous (data and metadata)
	ODsync                           // writes are synchronous (data)
	ORsync                           // reads are synchronous
	ONonblock                        // do not block (meaningful for FIFOs only)
)

// Advice values for File.Advise; they are hints and may be ignored.
const (
	AdviceNormal = iota
	AdviceSequential
	AdviceRandom
	AdviceWillNeed
	AdviceDontNeed
	AdviceNoReuse
)

// TimeNow, stored in a time passed to a SetTimes method, asks for the
// current time of the filesystem's clock rather than a given instant.
const TimeNow int64 = math.MinInt64

// Whence values for File.Seek, as in io.
const (
	SeekStart   = 0
	SeekCurrent = 1
	SeekEnd     = 2
)

// FS is one filesystem, seen from its own root. Names follow the rules in
// the package documentation. An FS must be safe for concurrent use: one FS
// object is shared by every process of a runtime.
type FS interface {
	// Open opens the named object. A final symlink is never followed (the
	// Namespace has resolved it already when following was asked): opening
	// one gives ELOOP, as O_NOFOLLOW does.
	Open(name string, flags OpenFlags, perm uint32) (File, error)
	// Lstat describes the named object without following a final symlink.
	Lstat(name string) (Stat, error)
	// Readlink returns the target of the named symlink; EINVAL if it is not one.
	Readlink(name string) (string, error)
	// Mkdir creates a directory; EEXIST if the name is taken.
	Mkdir(name string, perm uint32) error
	// Rmdir removes an empty directory; ENOTEMPTY if it has entries, ENOTDIR
	// if it is not a directory.
	Rmdir(name string) error
	// Unlink removes a non-directory; EISDIR for a directory.
	Unlink(name string) error
	// Rename moves oldName to newName within this FS, replacing newName
	// as rename(2) does.
	Rename(oldName, newName string) error
	// Link makes newName another hard link to the object at oldName (not
	// following a symlink there).
	Link(oldName, newName string) error
	// Symlink creates a symlink at name whose content is target. The target
	// is stored verbatim and never interpreted by the FS.
	Symlink(target, name string) error
	// SetTimes sets the access and modification times of the named object
	// itself (a symlink is not followed). A nil time is left unchanged;
	// TimeNow asks for the current time.
	SetTimes(name string, atim, mtim *int64) error
}

// File is an open filesystem object. Its methods are safe for concurrent
// use; the offset used by Read, Write and Seek is shared by all callers, as
// an open file description is.
type File interface {
	// Read reads at the current offset and advances it; 0, nil at end of file.
	Read(p []byte) (int, error)
	// Write writes at the current offset (at the end in append mode) and
	// advances it.
	Write(p []byte) (int, error)
	// Pread reads at off without moving the offset; 0, nil at end of file.
	Pread(p []byte, off int64) (int, error)
	// Pwrite writes at off without moving the offset.
	Pwrite(p []byte, off int64) (int, error)
	// Seek moves the offset as lseek(2) does and returns the new offset.
	Seek(off int64, whence int) (int64, error)
	// Stat describes the open object.
	Stat() (Stat, error)
	// Truncate sets the size of a regular file, zero-filling on growth.
	Truncate(size int64) error
	// Sync flushes data and metadata to stable storage.
	Sync() error
	// Datasync flushes data to stable storage.
	Datasync() error
	// Allocate makes sure the byte range [off, off+length) is backed, growing
	// the file if needed.
	Allocate(off, length int64) error
	// Advise passes an access-pattern hint (an Advice value).
	Advise(off, length int64, advice int) error
	// ReadDir lists a directory: every entry but "." and "..", in a stable
	// order. ENOTDIR if the object is not a directory.
	ReadDir() ([]Dirent, error)
	// SetTimes sets the access and modification times, as FS.SetTimes does.
	SetTimes(atim, mtim *int64) error
	// SetAppend turns append mode on or off (fd_fdstat_set_flags).
	SetAppend(on bool) error
	// Close releases the handle. Other methods fail with EBADF afterwards.
	Close() error
}
