package host

import (
	"errors"
	"io/fs"
	"path"
	"strings"

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
		Resolver:    link.Resolver(),
		MainPath:    mainPath,
		LibraryPath: ldpath,
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
