package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasix-go/wasix/internal/wasmbin"
	"github.com/wasix-go/wasix/witx"
)

// root is the module root, where generation runs.
const root = "../.."

// TestGeneratedFilesAreFresh fails when a committed generated file differs
// from what the generator makes of spec/ now: run `go generate ./...`.
func TestGeneratedFilesAreFresh(t *testing.T) {
	dir := t.TempDir()
	if err := generateGuest(filepath.Join(root, "spec", "wasix-seed"), "wasix_32v1", "wasix", "wasix-seed", dir); err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	hostOut := filepath.Join(dir, "spec_gen.go")
	if err := generateHost(hostOut); err != nil {
		t.Fatal(err)
	}
	for gen, committed := range map[string]string{
		filepath.Join(dir, "types_gen.go"): "types_gen.go",
		filepath.Join(dir, "calls_gen.go"): "calls_gen.go",
		hostOut:                            filepath.Join("internal", "abi", "spec_gen.go"),
	} {
		want, _ := os.ReadFile(gen)
		got, err := os.ReadFile(committed)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run `go generate ./...`", committed)
		}
	}
}

func goTool(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds Go packages; skipped in -short mode")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	return goBin
}

func run(t *testing.T, dir string, env []string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s in %s: %v\n%s", name, strings.Join(args, " "), dir, err, out)
	}
}

// TestGeneratorIsGeneral generates bindings for every spec set, for the
// module each set names, and builds them for the host and for wasip1.
func TestGeneratorIsGeneral(t *testing.T) {
	goBin := goTool(t)
	for _, set := range hostSets {
		t.Run(set.dir, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			pkg := strings.ReplaceAll(set.dir, "-", "")
			if err := generateGuest(filepath.Join(root, "spec", set.dir), set.module, pkg, set.dir, dir); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/"+pkg+"\n\ngo 1.25\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			run(t, dir, nil, goBin, "vet", ".")
			run(t, dir, []string{"GOOS=wasip1", "GOARCH=wasm"}, goBin, "vet", ".")
			run(t, dir, []string{"GOARCH=386"}, goBin, "build", ".")
		})
	}
}

// TestBindingsImportExactly builds a guest that uses every wrapper of the
// root package and checks its import section: exactly the seed's 128 calls
// of wasix_32v1, each with the core signature of the ABI facts.
func TestBindingsImportExactly(t *testing.T) {
	goBin := goTool(t)
	doc, err := witx.LoadDir(filepath.Join(root, "spec", "wasix-seed"))
	if err != nil {
		t.Fatal(err)
	}
	var src strings.Builder
	src.WriteString("package main\n\nimport \"github.com/wasix-go/wasix\"\n\nvar all = []any{\n")
	for _, f := range doc.Module("wasix_32v1").Funcs {
		fmt.Fprintf(&src, "\twasix.%s,\n", exported(f.Name))
	}
	src.WriteString("}\n\nfunc main() {\n\tfor _, f := range all {\n\t\t_ = f\n\t}\n}\n")
	dir, err := os.MkdirTemp("testdata", "allcalls")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	wasm := filepath.Join(t.TempDir(), "allcalls.wasm")
	run(t, dir, []string{"GOOS=wasip1", "GOARCH=wasm"}, goBin, "build", "-o", wasm, ".")
	bin, err := os.ReadFile(wasm)
	if err != nil {
		t.Fatal(err)
	}
	imports, err := wasmbin.Imports(bin)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, imp := range imports {
		if imp.Module == "wasix_32v1" {
			got[imp.Name] = sigString(imp.Type)
		}
	}
	want := map[string]string{}
	facts, err := os.ReadFile(filepath.Join(root, "witx", "testdata", "abi", "wasix-seed.functions.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(facts)), "\n")[1:] {
		cols := strings.Split(line, "\t")
		want[cols[1]] = cols[4] + " -> " + cols[5]
	}
	if len(want) != 128 {
		t.Fatalf("the facts list %d seed calls, want 128", len(want))
	}
	for name, sig := range want {
		if got[name] != sig {
			t.Errorf("%s: imported as %q, facts say %q", name, got[name], sig)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("unexpected import wasix_32v1.%s", name)
		}
	}
}

func sigString(ft wasmbin.FuncType) string {
	var p, r []string
	for _, v := range ft.Params {
		p = append(p, v.String())
	}
	for _, v := range ft.Results {
		r = append(r, v.String())
	}
	return strings.Join(p, " ") + " -> " + strings.Join(r, " ")
}
