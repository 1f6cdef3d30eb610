package host

import (
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/tetratelabs/wazero/api"

	"github.com/wasix-go/wasix/internal/abi"
)

// Forward compatibility: the WASIX ABI moves faster than any snapshot, so a
// call the runtime does not know does not keep a program from starting.

// detect finds the generation of a program's imports; calls no
// generation defines are returned apart (linked to stubs), or refused
// with StrictImports.
func (r *Runtime) detect(imports []api.FunctionDefinition, override abi.Generation) (abi.Generation, []abi.UnknownImport, error) {
	if r.strictImports {
		gen, err := abi.Detect(imports, override)
		return gen, nil, err
	}
	return abi.DetectLenient(imports, override)
}

// warnUnknown writes one line per unknown import to the program's
// standard error, naming the program by its argv[0].
func warnUnknown(cfg Config, unknown []abi.UnknownImport) {
	if len(unknown) == 0 || cfg.Stderr == nil {
		return
	}
	prog := "the program"
	if len(cfg.Args) > 0 && cfg.Args[0] != "" {
		prog = path.Base(cfg.Args[0])
	}
	var b strings.Builder
	for _, u := range unknown {
		fate := "it fails with ENOSYS"
		if len(u.Results) != 1 || u.Results[0] != api.ValueTypeI32 {
			fate = "a call traps"
		}
		fmt.Fprintf(&b, "wasix: %s imports %s.%s, unknown here; %s\n", prog, u.Module, u.Name, fate)
	}
	_, _ = io.WriteString(cfg.Stderr, b.String())
}
