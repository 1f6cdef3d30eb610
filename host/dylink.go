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
		Compile:     pr.r.launcher().compileLib,
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

// maxLibs bounds the compiled libraries and generated modules a runtime
// keeps; past it they are compiled each time (and released by the
// wazero runtime's Close with the rest).
const maxLibs = 4096

// compileLib compiles a side module or a module the linker generated,
// kept by content for the life of the runtime: a program run again links
// its libraries without compiling or loading code again. wazero closes
// them with the runtime.
func (l *launcher) compileLib(ctx context.Context, wasm []byte) (wazero.CompiledModule, error) {
	sum := sha256.Sum256(wasm)
	l.mu.Lock()
	defer l.mu.Unlock()
	if c := l.libs[sum]; c != nil {
		return c, nil
	}
	c, err := l.r.rt.CompileModule(context.WithoutCancel(ctx), wasm)
	if err != nil {
		return nil, err
	}
	if l.libs == nil {
		l.libs = map[[32]byte]wazero.CompiledModule{}
	}
	if len(l.libs) < maxLibs {
		l.libs[sum] = c
	}
	return c, nil
}
