package kernel

import (
	"errors"
	"strings"

	"github.com/wasix-go/wasix/internal/vfs"
)

// errNoCommand is what AddCommand reports for a name that cannot be one.
var errNoCommand = errors.New("a command name is a file name: no slash, not empty, not . or ..")

// AddCommand enters wasm in the command table under name, which exec and
// spawn find when no file on the search path matches, and makes the
// files /bin/NAME and /usr/bin/NAME in the kernel's root filesystem if it
// can (an in-memory root), so that shells and ls see the command.
func (k *Kernel) AddCommand(name string, wasm []byte) error {
	if name == "" || name == "." || name == ".." || strings.Contains(name, "/") {
		return errNoCommand
	}
	k.pt.mu.Lock()
	if k.pt.commands == nil {
		k.pt.commands = map[string][]byte{}
	}
	k.pt.commands[name] = wasm
	k.pt.mu.Unlock()
	for _, dir := range []string{"/bin", "/usr", "/usr/bin"} {
		_ = k.ns.Mkdir("/", dir, 0o755) // EEXIST is fine
	}
	for _, dir := range []string{"/bin", "/usr/bin"} {
		f, _, err := k.ns.Open("/", dir+"/"+name, vfs.OWrite|vfs.OCreate|vfs.OTrunc, 0o755)
		if err != nil {
			continue // a read-only or host root: the table still serves
		}
		_, _ = f.Write(wasm)
		_ = f.Close()
	}
	return nil
}

// command returns the program registered as name, or nil.
func (k *Kernel) command(name string) []byte {
	k.pt.mu.Lock()
	defer k.pt.mu.Unlock()
	return k.pt.commands[name]
}
