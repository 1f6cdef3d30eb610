package kernel

import (
	"path"

	"github.com/wasix-go/wasix"
)

// ReadLibrary reads a shared library for the dynamic linker: a regular
// file of the process's namespace, a relative path taken from the working
// directory.
func (p *Process) ReadLibrary(file string) ([]byte, wasix.Errno) {
	if !path.IsAbs(file) {
		file = path.Join(p.Getcwd(), file)
	}
	return p.readProgram(file)
}
