package vfs

import (
	"strings"
	"sync/atomic"
	"syscall"
)

// nameMax is the longest component accepted, as NAME_MAX on Linux.
const nameMax = 255

// checkName enforces the FS naming contract (see the package doc). A name
// that could climb out of the FS is refused with ErrNotCapable rather than
// EINVAL: whoever built it has a bug that must not turn into an escape.
func checkName(name string) error {
	if name == "." {
		return nil
	}
	if name == "" {
		return syscall.ENOENT
	}
	if name[0] == '/' {
		return ErrNotCapable
	}
	for c := range strings.SplitSeq(name, "/") {
		switch {
		case c == "..":
			return ErrNotCapable
		case c == "" || c == ".":
			return syscall.EINVAL
		case len(c) > nameMax:
			return syscall.ENAMETOOLONG
		case strings.IndexByte(c, 0) >= 0:
			return syscall.EINVAL
		}
	}
	return nil
}

// splitParent splits a checked name into its directory and last component.
// The directory of a single component is ".".
func splitParent(name string) (dir, base string) {
	i := strings.LastIndexByte(name, '/')
	if i < 0 {
		return ".", name
	}
	return name[:i], name[i+1:]
}

// devCounter hands out device ids for the synthetic filesystems. They start
// far above the ids Linux gives real devices so the two never meet.
var devCounter atomic.Uint64

func init() { devCounter.Store(0xfffe_0000_0000_0000) }

func newDev() uint64 { return devCounter.Add(1) }
