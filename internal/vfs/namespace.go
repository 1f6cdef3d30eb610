package vfs

import (
	"sync"
	"syscall"
)

// Namespace is a process's view of the filesystems: a mount table mapping
// absolute guest paths to FS values. Clone gives a child process its own
// table that shares the same FS objects, so every process of a runtime sees
// the same files. A Namespace is safe for concurrent use.
type Namespace struct {
	mu     sync.RWMutex
	mounts []mount // longest path first
}

type mount struct {
	path string // absolute, clean guest path
	fs   FS
	ro   bool
}

// MountInfo describes one entry of the mount table.
type MountInfo struct {
	Path     string // absolute guest path of the mount point
	FS       FS
	ReadOnly bool
}

// Resolved is the outcome of a path walk.
type Resolved struct {
	FS        FS     // filesystem holding the final component
	Name      string // name within FS ("." for its root)
	Path      string // absolute clean guest path
	ReadOnly  bool   // the mount is read-only
	MustBeDir bool   // the path ended in "/" (or "/." or "/.."): the object must be a directory
	Dots      bool   // the last component written was "." or ".."
}

// NewNamespace returns a namespace with root mounted at "/", writable.
func NewNamespace(root FS) *Namespace {
	return &Namespace{mounts: []mount{{path: "/", fs: root}}}
}

// Mount attaches fs at the absolute guest path, replacing an earlier mount
// at the same path. The path need not exist in the parent filesystem: it,
// and any missing ancestors, appear as directories. With readOnly every
// change through this mount fails with EROFS.
func (ns *Namespace) Mount(guestPath string, fs FS, readOnly bool) error {
	return syscall.ENOSYS
}

// Mounts lists the mount table, shortest path first.
func (ns *Namespace) Mounts() []MountInfo { return nil }

// Clone returns an independent copy of the mount table sharing the FS
// objects; later mounts in either do not affect the other.
func (ns *Namespace) Clone() *Namespace { return nil }

// Resolve walks path (absolute, or relative to anchor, the absolute clean
// guest path of a directory) one component at a time. Symlinks in
// intermediate components are always followed, the final one only if
// followFinal; after 40 symlinks it gives ELOOP. Absolute symlink targets
// restart at "/", ".." never climbs above "/", and when anchor is not "/" a
// ".." or a relative symlink target that climbs above anchor gives
// ErrNotCapable. A missing final component is not an error (the caller may
// be about to create it); a missing intermediate one gives ENOENT.
func (ns *Namespace) Resolve(anchor, path string, followFinal bool) (Resolved, error) {
	return Resolved{}, syscall.ENOSYS
}

// Open opens path relative to anchor (see Resolve), following a final
// symlink unless flags has ONoFollow, and returns the file with its
// absolute guest path (to be used as an anchor if it is a directory).
func (ns *Namespace) Open(anchor, path string, flags OpenFlags, perm uint32) (File, string, error) {
	return nil, "", syscall.ENOSYS
}

// Stat describes the object at path, following a final symlink if follow.
func (ns *Namespace) Stat(anchor, path string, follow bool) (Stat, error) {
	return Stat{}, syscall.ENOSYS
}

// Mkdir creates a directory at path.
func (ns *Namespace) Mkdir(anchor, path string, perm uint32) error { return syscall.ENOSYS }

// Rmdir removes the empty directory at path.
func (ns *Namespace) Rmdir(anchor, path string) error { return syscall.ENOSYS }

// Unlink removes the non-directory at path.
func (ns *Namespace) Unlink(anchor, path string) error { return syscall.ENOSYS }

// Rename moves oldPath (relative to oldAnchor) to newPath (relative to
// newAnchor); EXDEV if they lie on different mounts.
func (ns *Namespace) Rename(oldAnchor, oldPath, newAnchor, newPath string) error {
	return syscall.ENOSYS
}

// Link creates newPath as a hard link to oldPath, following a final symlink
// of oldPath if follow; EXDEV across mounts.
func (ns *Namespace) Link(oldAnchor, oldPath string, follow bool, newAnchor, newPath string) error {
	return syscall.ENOSYS
}

// Symlink creates a symlink at path with the given target.
func (ns *Namespace) Symlink(target, anchor, path string) error { return syscall.ENOSYS }

// Readlink returns the target of the symlink at path.
func (ns *Namespace) Readlink(anchor, path string) (string, error) { return "", syscall.ENOSYS }

// SetTimes sets the times of the object at path, following a final symlink
// if follow. A nil time is left alone; TimeNow means the current time.
func (ns *Namespace) SetTimes(anchor, path string, atim, mtim *int64, follow bool) error {
	return syscall.ENOSYS
}
