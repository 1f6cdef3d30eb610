package host

import (
	"io/fs"
	"os"
)

// DirFS is os.DirFS(dir) for Config.Origin, with a cheaper ReadFile where
// the system allows: the whole file in four system calls (open, fstat,
// read, close). os.DirFS's also puts the file into Go's poller and takes
// it out again (eleven calls), which the start of a -pie program that
// reads its libraries from $ORIGIN at every run notices. The CLI uses it.
func DirFS(dir string) fs.FS {
	return dirFS{FS: os.DirFS(dir), dir: dir}
}

// dirFS serves everything but ReadFile through os.DirFS.
type dirFS struct {
	fs.FS
	dir string
}

// ReadFile reads the file name (slash-separated, relative to the
// directory) whole.
func (d dirFS) ReadFile(name string) ([]byte, error) {
	b, _, err := d.readFileID(name)
	return b, err
}

// readFileID is ReadFile with the identity of the file read (kernel.FileID;
// empty when unknown).
func (d dirFS) readFileID(name string) ([]byte, string, error) {
	if !fs.ValidPath(name) {
		return nil, "", &fs.PathError{Op: "readfile", Path: name, Err: fs.ErrInvalid}
	}
	if b, id, ok, err := readFile(d.dir, name); ok {
		return b, id, err
	}
	b, err := fs.ReadFile(d.FS, name)
	return b, "", err
}

// fileID is the identity of the file name now, without reading it.
func (d dirFS) fileID(name string) (string, bool) {
	if !fs.ValidPath(name) {
		return "", false
	}
	return fileID(d.dir, name)
}
