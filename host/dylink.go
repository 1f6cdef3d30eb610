package host

import (
	"context"
	"crypto/sha256"
	"errors"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/tetratelabs/wazero"

	"github.com/wasix-go/wasix/internal/abi"
	"github.com/wasix-go/wasix/internal/kernel"
	"github.com/wasix-go/wasix/internal/linker"
)

// prepareMain returns the code to compile for a -pie program (see
// linker.PrepareMain), its atomic waits rewritten first when its memory is
// shared (rewritten), and whether it is PrepareMain's (prepared). Like the
// atomics rewrite, the result is kept in memory and in the cache
// directory, with a byte saying whether the waits were rewritten: a start
// of the CLI reads it back instead of preparing its 1 MB program again
// (milliseconds, most of them page faults on the new buffers).
func (r *Runtime) prepareMain(bin *linker.Binary, wasm []byte, shared bool) (code []byte, rewritten, prepared bool) {
	shared = shared && rewriteAtomicWaits
	sum := prepareKey(wasm, shared)
	unpack := func(b []byte) ([]byte, bool, bool) { return b[1:], b[0] == 1, true }
	if v, ok := r.rewrites.Load(sum); ok {
		return unpack(v.([]byte))
	}
	if b, ok := r.loadRewrite(sum); ok && len(b) > 1 {
		r.keepRewrite(sum, b)
		return unpack(b)
	}
	code = wasm
	if shared {
		code, rewritten = r.rewriteAtomics(wasm)
	}
	out, err := linker.PrepareMain(bin, wasm, code)
	if err != nil {
		return code, rewritten, false // compiled as it is, exports and all
	}
	b := append(make([]byte, 0, 1+len(out)), 0)
	if rewritten {
		b[0] = 1
	}
	b = append(b, out...)
	r.storeRewrite(sum, b)
	r.keepRewrite(sum, b)
	return unpack(b)
}

// prepareKey is what prepareMain keeps its result under: a hash of the
// program, of PrepareVersion and of whether its waits are rewritten.
func prepareKey(wasm []byte, shared bool) (sum [32]byte) {
	h := sha256.New()
	h.Write([]byte(linker.PrepareVersion))
	if shared {
		h.Write([]byte{1})
	}
	h.Write(wasm)
	h.Sum(sum[:0])
	return sum
}

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
	l := pr.r.launcher()
	// The identity of each library read, for Load to file what it made of
	// it under (libIDs); the linker reads and then loads one at a time.
	var mu sync.Mutex
	readIDs := map[string]string{}
	return linker.New(linker.Config{
		Runtime:     pr.r.rt,
		Compile:     l.compileGenerated,
		Plans:       &l.plans,
		Resolver:    link.Resolver(),
		MainPath:    mainPath,
		LibraryPath: ldpath,
		Cwd:         p.Getcwd,
		Read: func(file string) ([]byte, error) {
			b, id, err := readLibrary(p, origin, file)
			if err == nil && id != "" {
				mu.Lock()
				readIDs[file] = id
				mu.Unlock()
			}
			return b, err
		},
		Load: func(ctx context.Context, file string, wasm []byte) (*linker.Binary, wazero.CompiledModule, error) {
			mu.Lock()
			id := readIDs[file]
			delete(readIDs, file)
			mu.Unlock()
			return l.loadLib(ctx, id, wasm)
		},
		Cached: func(file string) (*linker.Binary, wazero.CompiledModule, bool) {
			id, ok := libraryID(p, origin, file)
			if !ok {
				return nil, nil, false
			}
			return l.cachedLib(id)
		},
	})
}

// readLibrary reads a library: under $ORIGIN from the program's origin,
// else from the guest's filesystem; id is the file's identity when the
// filesystem tells it (kernel.FileID), else empty.
func readLibrary(p *kernel.Process, origin fs.FS, file string) (b []byte, id string, err error) {
	if rel, ok := originPath(origin, file); ok {
		if d, ok := origin.(dirFS); ok {
			return d.readFileID(rel)
		}
		b, err := fs.ReadFile(origin, rel)
		return b, "", err
	}
	if strings.HasPrefix(file, "$ORIGIN") {
		return nil, "", fs.ErrNotExist
	}
	b, id, errno := p.ReadLibrary(file)
	if errno != 0 {
		return nil, "", errors.New(errno.Message())
	}
	return b, id, nil
}

// libraryID is the identity of a library file now, without reading it:
// ok is false when it is unknown (no such file, or an origin that is not
// a host directory).
func libraryID(p *kernel.Process, origin fs.FS, file string) (string, bool) {
	if rel, ok := originPath(origin, file); ok {
		if d, ok := origin.(dirFS); ok {
			return d.fileID(rel)
		}
		return "", false
	}
	if strings.HasPrefix(file, "$ORIGIN") {
		return "", false
	}
	return p.LibraryID(file)
}

// originPath is the path under the program's origin of "$ORIGIN/rel".
func originPath(origin fs.FS, file string) (string, bool) {
	rel, ok := strings.CutPrefix(file, "$ORIGIN/")
	if !ok || origin == nil {
		return "", false
	}
	rel = path.Clean(rel)
	return rel, fs.ValidPath(rel)
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
// is the key) but neither parses nor compiles them again; and with the
// identity id of the file read (empty when unknown), not even reads them
// while it is unchanged (cachedLib). wazero closes the code with the
// runtime.
func (l *launcher) loadLib(ctx context.Context, id string, wasm []byte) (*linker.Binary, wazero.CompiledModule, error) {
	sum := sha256.Sum256(wasm)
	l.mu.Lock()
	defer l.mu.Unlock()
	if id != "" && len(l.libIDs) < maxLibs {
		if l.libIDs == nil {
			l.libIDs = map[string][32]byte{}
		}
		l.libIDs[id] = sum
	}
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

// cachedLib is what loadLib made of the library file whose identity is
// id, if it did.
func (l *launcher) cachedLib(id string) (*linker.Binary, wazero.CompiledModule, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	sum, ok := l.libIDs[id]
	if !ok {
		return nil, nil, false
	}
	e := l.libs[sum]
	return e.bin, e.compiled, e.bin != nil
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
