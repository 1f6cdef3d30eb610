//go:build unix

package host

import (
	"io/fs"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/wasix-go/wasix/internal/kernel"
	"github.com/wasix-go/wasix/internal/vfs"
)

// readFile reads dir/name with plain system calls; ok is false for what
// it leaves to os.DirFS (anything but a regular file).
func readFile(dir, name string) (b []byte, id string, ok bool, err error) {
	fail := func(op string, err error) ([]byte, string, bool, error) {
		return nil, "", true, &fs.PathError{Op: op, Path: name, Err: err}
	}
	var fd int
	for {
		fd, err = unix.Open(filepath.Join(dir, filepath.FromSlash(name)), unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return fail("open", err)
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return fail("stat", err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil, "", false, nil
	}
	// One byte more than the size: a read that fills less than it asked
	// for, once the size is read, is at the end of the file (one read in
	// all, where os.ReadFile makes a second to see 0). The file may also
	// have grown since, or a filesystem return less at a time.
	b = make([]byte, 0, st.Size+1)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		want := cap(b) - len(b)
		n, err := unix.Read(fd, b[len(b):cap(b)])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fail("read", err)
		}
		b = b[:len(b)+n]
		if n == 0 || n < want && int64(len(b)) >= st.Size {
			return b, statID(&st), true, nil
		}
	}
}

// fileID is the identity of dir/name now (kernel.FileID), from a stat of
// the file the path leads to; ok is false for anything but a regular file.
func fileID(dir, name string) (string, bool) {
	var st unix.Stat_t
	if err := unix.Stat(filepath.Join(dir, filepath.FromSlash(name)), &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		return "", false
	}
	return statID(&st), true
}

func statID(st *unix.Stat_t) string {
	return kernel.FileID(vfs.Stat{Dev: uint64(st.Dev), Ino: uint64(st.Ino), Size: st.Size,
		Mtim: st.Mtim.Nano(), Ctim: st.Ctim.Nano()})
}
