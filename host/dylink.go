package host

import (
	"context"
	"crypto/sha256"
	"errors"
	"io/fs"
	"path"
	"strings"

	"github.com/tetratelabs/wazero"

	"github.com/wasix-go/wasix/internal/abi"
	"github.com/wasix-go/wasix/internal/linker"
)

// newLinker makes the dynamic linker of a -pie program: libraries are read
// from the guest's filesystem, or from Config.Origin for paths under
// $ORIGIN when the program came from the host.
func (pr *procRun) newLinker(link *abi.Link) *linker.Linker {
	var ldpath []string
	for _, kv := range pr.p.Env() {
		if v, ok := strings.CutPrefix(kv, "LD_LIBRARY_PATH="); ok {
			ldpath = strings.Split(v, ":")
		}
	}
	mainPath := pr.path
	if mainPath == "" || strings.HasPrefix(mainPath, "command:") {
		mainPath = "$ORIGIN/main.wasm"
	}
	origin, p := pr.origin, pr.p
	return linker.New(linker.Config{
		Runtime:     pr.r.rt,
		Compile:     pr.r.launcher().compileGenerated,
		Load:        pr.r.launcher().loadLib,
		Resolver:    link.Resolver(),
		MainPath:    mainPath,
		LibraryPath: ldpath,
		Cwd:         p.Getcwd,
		Read: func(file string) ([]byte, error) {
			if rel, ok := strings.CutPrefix(file, "$ORIGIN/"); ok {
				if origin == nil {
					return nil, fs.ErrNotExist
				}
				rel = path.Clean(rel)
				if !fs.ValidPath(rel) {
					return nil, fs.ErrNotExist
				}
				return fs.ReadFile(origin, rel)
			}
			if strings.HasPrefix(file, "$ORIGIN") {
				return nil, fs.ErrNotExist
			}
			b, errno := p.ReadLibrary(file)
			if errno != 0 {
				return nil, errors.New(errno.Message())
			}
			return b, nil
		},
	})
}

// maxLibs bounds the libraries and generated modules a runtime keeps;
// past it they are parsed and compiled each time (and released by the
// wazero runtime's Close with the rest).
const maxLibs = 4096

// libEntry is what a runtime keeps of a library or a generated module:
// its compiled code and, for a library, what the linker parsed of it (a
// Binary is read-only once parsed).
type libEntry struct {
	compiled wazero.CompiledModule
	bin      *linker.Binary
}

// loadLib parses and compiles a side module, kept by content for the life
// of the runtime: a program run again reads its libraries (their content
// is the key) but neither parses nor compiles them again. wazero closes
// the code with the runtime.
func (l *launcher) loadLib(ctx context.Context, wasm []byte) (*linker.Binary, wazero.CompiledModule, error) {
	sum := sha256.Sum256(wasm)
	l.mu.Lock()
	defer l.mu.Unlock()
	if e := l.libs[sum]; e.bin != nil {
		return e.bin, e.compiled, nil
	}
	bin, code, err := linker.PrepareLibrary(wasm)
	if err != nil {
		return nil, nil, err
	}
	c, err := l.compileLocked(ctx, sum, code)
	if err != nil {
		return nil, nil, err
	}
	if e, ok := l.libs[sum]; ok {
		e.bin = bin
		l.libs[sum] = e
	}
	return bin, c, nil
}

// compileGenerated compiles a module the linker generated, kept by
// content: a program run again links without compiling.
func (l *launcher) compileGenerated(ctx context.Context, wasm []byte) (wazero.CompiledModule, error) {
	sum := sha256.Sum256(wasm)
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.compileLocked(ctx, sum, wasm)
}

// compileLocked compiles wasm unless kept under sum (its SHA-256, or a
// library's, whose prepared code wasm is); l.mu is held.
func (l *launcher) compileLocked(ctx context.Context, sum [32]byte, wasm []byte) (wazero.CompiledModule, error) {
	if e := l.libs[sum]; e.compiled != nil {
		return e.compiled, nil
	}
	// A library in the legacy exception encoding is translated as a main
	// program is; the translation keeps every index the linker read.
	c, _, err := compileEH(context.WithoutCancel(ctx), l.r.rt, wasm)
	if err != nil {
		return nil, err
	}
	if l.libs == nil {
		l.libs = map[[32]byte]libEntry{}
	}
	if len(l.libs) < maxLibs {
		l.libs[sum] = libEntry{compiled: c}
	}
	return c, nil
}
