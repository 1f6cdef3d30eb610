package kernel

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"syscall"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/vfs"
)

// ToErrno turns an error from the vfs, the host or the kernel itself into
// the wasi errno with the same meaning. nil gives ErrnoSuccess.
func ToErrno(err error) wasix.Errno {
	if err == nil {
		return wasix.ErrnoSuccess
	}
	var we wasix.Errno
	if errors.As(err, &we) {
		return we
	}
	var se syscall.Errno
	if errors.As(err, &se) {
		if e, ok := errnoOf(se); ok {
			return e
		}
		return wasix.ErrnoIo
	}
	switch {
	case errors.Is(err, vfs.ErrNotCapable):
		return wasix.ErrnoNotcapable
	case errors.Is(err, fs.ErrNotExist):
		return wasix.ErrnoNoent
	case errors.Is(err, fs.ErrExist):
		return wasix.ErrnoExist
	case errors.Is(err, fs.ErrPermission):
		return wasix.ErrnoPerm
	case errors.Is(err, fs.ErrInvalid):
		return wasix.ErrnoInval
	case errors.Is(err, fs.ErrClosed):
		return wasix.ErrnoBadf
	case errors.Is(err, io.ErrClosedPipe):
		return wasix.ErrnoPipe
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return wasix.ErrnoIntr
	}
	return wasix.ErrnoIo
}
