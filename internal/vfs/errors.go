package vfs

import (
	"errors"
	"io/fs"
	"syscall"
)

// toErrno reduces an error from the os or io/fs packages to a plain
// syscall.Errno, the form this package promises its callers.
func toErrno(err error) error {
	if err == nil || err == ErrNotCapable {
		return err
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return syscall.ENOENT
	case errors.Is(err, fs.ErrExist):
		return syscall.EEXIST
	case errors.Is(err, fs.ErrPermission):
		return syscall.EACCES
	case errors.Is(err, fs.ErrInvalid):
		return syscall.EINVAL
	case errors.Is(err, fs.ErrClosed):
		return syscall.EBADF
	}
	return syscall.EIO
}
