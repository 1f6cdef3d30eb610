package host

import (
	"context"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/tetratelabs/wazero/api"

	"github.com/wasix-go/wasix/internal/abi"
	"github.com/wasix-go/wasix/internal/kernel"
)

// Forward compatibility: the WASIX ABI moves faster than any snapshot, so a
// call the runtime does not know does not keep a program from starting.

// detect finds the generation of a program's imports; calls no
// generation defines are returned apart (linked to stubs), or refused
// with StrictImports.
func (r *Runtime) detect(imports []abi.Import, override abi.Generation) (abi.Generation, []abi.UnknownImport, error) {
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
	_, _ = io.WriteString(cfg.Stderr, unknownWarnings(prog, unknown))
}

// warnUnknownChild is warnUnknown for a program started by exec or spawn:
// the lines go to the descriptor 2 of its process.
func warnUnknownChild(p *kernel.Process, file string, unknown []abi.UnknownImport) {
	if len(unknown) == 0 {
		return
	}
	msg := unknownWarnings(path.Base(file), unknown)
	_, _ = p.FdWrite(context.Background(), 2, [][]byte{[]byte(msg)})
}

func unknownWarnings(prog string, unknown []abi.UnknownImport) string {
	var b strings.Builder
	for _, u := range unknown {
		fate := "it fails with ENOSYS"
		if len(u.Results) != 1 || u.Results[0] != api.ValueTypeI32 {
			fate = "a call traps"
		}
		fmt.Fprintf(&b, "wasix: %s imports %s.%s, unknown here; %s\n", prog, u.Module, u.Name, fate)
	}
	return b.String()
}
