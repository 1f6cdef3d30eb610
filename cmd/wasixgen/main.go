// Command wasixgen generates Go from the project's witx files.
//
// Run without flags from the module root (as `go generate ./...` does), it
// writes the guest bindings of the seed's snapshot into the root package and
// the ABI tables of every generation into internal/abi. With -spec it
// generates bindings for any spec set into any directory:
//
//	wasixgen -spec spec/wasix-current -module wasix_32v1 -pkg wasixcurrent -out /tmp/wasixcurrent
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/wasix-go/wasix/witx"
)

func main() {
	spec := flag.String("spec", "", "a directory of .witx files; empty means the project's defaults")
	module := flag.String("module", "wasix_32v1", "the module whose functions become calls")
	pkg := flag.String("pkg", "wasix", "the Go package name of the generated files")
	out := flag.String("out", ".", "the directory to write types_gen.go and calls_gen.go into")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: wasixgen [-spec DIR -module NAME -pkg NAME -out DIR]\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		fail(fmt.Errorf("unexpected argument %q: wasixgen takes only flags (see -h)", flag.Arg(0)))
	}
	if *spec == "" {
		fail(generateDefaults())
		return
	}
	fail(generateGuest(*spec, *module, *pkg, filepath.Base(*spec), *out))
}

func fail(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasixgen:", err)
		os.Exit(1)
	}
}

// generateDefaults writes the project's generated files, from the module root.
func generateDefaults() error {
	if err := generateGuest(filepath.Join("spec", "wasix-seed"), "wasix_32v1", "wasix", "wasix-seed", "."); err != nil {
		return err
	}
	return generateHost(filepath.Join("internal", "abi", "spec_gen.go"))
}

func generateGuest(specDir, module, pkg, snap, out string) error {
	doc, err := witx.LoadDir(specDir)
	if err != nil {
		return err
	}
	m := doc.Module(module)
	if m == nil {
		return fmt.Errorf("%s has no module %s", specDir, module)
	}
	g := &guestGen{doc: doc, module: m, pkg: pkg, snap: snap, used: map[string]string{}}
	types, err := g.typesFile()
	if err != nil {
		return err
	}
	calls, err := g.callsFile()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := writeIfChanged(filepath.Join(out, "types_gen.go"), types); err != nil {
		return err
	}
	return writeIfChanged(filepath.Join(out, "calls_gen.go"), calls)
}

// writeIfChanged leaves a file untouched when its content is already right,
// so that generation does not disturb build caches or timestamps.
func writeIfChanged(name string, data []byte) error {
	if old, err := os.ReadFile(name); err == nil && string(old) == string(data) {
		return nil
	}
	return os.WriteFile(name, data, 0o644)
}
