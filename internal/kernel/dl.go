package kernel

import (
	"path"
	"strconv"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/vfs"
)

// ReadLibrary reads a shared library for the dynamic linker: a regular
// file of the process's namespace, a relative path taken from the working
// directory. id is the file's identity when read (see LibraryID).
func (p *Process) ReadLibrary(file string) (b []byte, id string, errno wasix.Errno) {
	b, st, errno := p.readRegular(p.libraryPath(file))
	if errno != wasix.ErrnoSuccess {
		return nil, "", errno
	}
	return b, FileID(st), wasix.ErrnoSuccess
}

// LibraryID returns the identity of the library file names now, from a
// stat (no open, no read), ok false if there is no regular file there. A
// file whose identity is unchanged has the contents it had: a runtime
// keeps what it made of a library by it, so that starting a program again
// does not read and hash its libraries.
func (p *Process) LibraryID(file string) (id string, ok bool) {
	st, err := p.ns.Stat("/", p.libraryPath(file), true)
	if err != nil || st.Type != vfs.TypeRegular {
		return "", false
	}
	return FileID(st), true
}

func (p *Process) libraryPath(file string) string {
	if !path.IsAbs(file) {
		file = path.Join(p.Getcwd(), file)
	}
	return file
}

// FileID is the identity of a file as a stat gives it: the object (device
// and inode), its size and its modification and change times (the change
// time moves at every write and cannot be set back). Rewriting a file in
// place changes it, unless the write keeps the size and falls within one
// tick of the file system's clock, as a build cache that trusts times would
// also miss.
func FileID(st vfs.Stat) string {
	b := make([]byte, 0, 80)
	for i, v := range []uint64{st.Dev, st.Ino, uint64(st.Size), uint64(st.Mtim), uint64(st.Ctim)} {
		if i > 0 {
			b = append(b, ':')
		}
		b = strconv.AppendUint(b, v, 16)
	}
	return string(b)
}
