package kernel

import (
	"context"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/vfs"
)

// fileObj is a file, directory or device of the vfs.
type fileObj struct {
	f    vfs.File
	path string // absolute guest path: the anchor of path calls on a directory
	typ  vfs.FileType
}

func (o *fileObj) read(_ context.Context, bufs [][]byte, _ bool) (int, error) {
	n := 0
	for _, b := range bufs {
		if len(b) == 0 {
			continue
		}
		m, err := o.f.Read(b)
		n += m
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		if m < len(b) {
			break
		}
	}
	return n, nil
}

func (o *fileObj) write(_ context.Context, bufs [][]byte, _ bool) (int, error) {
	n := 0
	for _, b := range bufs {
		if len(b) == 0 {
			continue
		}
		m, err := o.f.Write(b)
		n += m
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		if m < len(b) {
			break
		}
	}
	return n, nil
}

func (o *fileObj) pread(bufs [][]byte, off int64) (int, error) {
	n := 0
	for _, b := range bufs {
		if len(b) == 0 {
			continue
		}
		m, err := o.f.Pread(b, off+int64(n))
		n += m
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		if m < len(b) {
			break
		}
	}
	return n, nil
}

func (o *fileObj) pwrite(bufs [][]byte, off int64) (int, error) {
	n := 0
	for _, b := range bufs {
		if len(b) == 0 {
			continue
		}
		m, err := o.f.Pwrite(b, off+int64(n))
		n += m
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		if m < len(b) {
			break
		}
	}
	return n, nil
}

func (o *fileObj) stat() (vfs.Stat, error) { return o.f.Stat() }

func (o *fileObj) filetype() wasix.Filetype { return FiletypeOf(o.typ) }

// poll: files are always ready; for reading, nbytes is what is left
// before the end of the file.
func (o *fileObj) poll(write bool) (bool, uint64, bool) {
	if write || o.typ != vfs.TypeRegular {
		return true, 0, false
	}
	st, err := o.f.Stat()
	if err != nil {
		return true, 0, false
	}
	off, err := o.f.Seek(0, vfs.SeekCurrent)
	if err != nil || off >= st.Size {
		return true, 0, false
	}
	return true, uint64(st.Size - off), false
}

func (o *fileObj) waiters() []*waitq { return nil }
func (o *fileObj) close() error      { return o.f.Close() }

// FiletypeOf converts a vfs type to the wasi one; wasi has no FIFO, which
// is reported as unknown.
func FiletypeOf(t vfs.FileType) wasix.Filetype {
	switch t {
	case vfs.TypeBlockDevice, vfs.TypeCharDevice, vfs.TypeDir, vfs.TypeRegular, vfs.TypeSocket, vfs.TypeSymlink:
		return wasix.Filetype(t)
	}
	return wasix.FiletypeUnknown
}
