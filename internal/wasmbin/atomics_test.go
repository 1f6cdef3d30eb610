package wasmbin_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/wasix-go/wasix/internal/wasmbin"
)

// TestRewriteAtomics rewrites the repository's threaded guests and checks
// that the result is valid, waits nowhere any more, imports the three
// functions, and that every export still names the same function (the
// renumbering of calls, exports, elements and names held).
func TestRewriteAtomics(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/guests/threads/bin/*.wasm")
	files = append(files, "../../host/testdata/threadwait.wasm")
	if len(files) < 2 {
		t.Skip("no threaded guests built")
	}
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().
		WithCoreFeatures(api.CoreFeaturesV2|experimental.CoreFeaturesThreads))
	defer rt.Close(ctx)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			wasm, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out, changed, err := wasmbin.RewriteAtomics(wasm)
			if err != nil || !changed {
				t.Fatalf("changed %v, %v", changed, err)
			}
			again, changed, err := wasmbin.RewriteAtomics(out)
			if err != nil || changed || len(again) != len(out) {
				t.Fatalf("a rewritten module still waits: changed %v, %v", changed, err)
			}
			before, err := rt.CompileModule(ctx, wasm)
			if err != nil {
				t.Fatal(err)
			}
			after, err := rt.CompileModule(ctx, out)
			if err != nil {
				t.Fatalf("the rewritten module does not compile: %v", err)
			}
			added := 0
			for _, fn := range after.ImportedFunctions() {
				if m, _, _ := fn.Import(); m == wasmbin.AtomicsModule {
					added++
				}
			}
			if added != 3 || len(after.ImportedFunctions()) != len(before.ImportedFunctions())+3 {
				t.Errorf("imports: %d added, %d -> %d", added, len(before.ImportedFunctions()), len(after.ImportedFunctions()))
			}
			for name, fn := range before.ExportedFunctions() {
				got := after.ExportedFunctions()[name]
				if got == nil || got.Name() != fn.Name() || got.Index() != fn.Index()+3 {
					t.Errorf("export %s: %v", name, got)
				}
			}
		})
	}
}

// TestRewriteAtomicsRejects checks that garbage is an error, never a panic,
// and that a module without waits is returned as it is.
func TestRewriteAtomicsRejects(t *testing.T) {
	if _, _, err := wasmbin.RewriteAtomics([]byte("nope")); err == nil {
		t.Error("garbage accepted")
	}
	plain := []byte("\x00asm\x01\x00\x00\x00")
	out, changed, err := wasmbin.RewriteAtomics(plain)
	if err != nil || changed || string(out) != string(plain) {
		t.Errorf("empty module: %v %v", changed, err)
	}
	wasm, err := os.ReadFile("../../host/testdata/threadwait.wasm")
	if err != nil {
		t.Skip(err)
	}
	for i := 8; i < len(wasm); i++ {
		b := append([]byte(nil), wasm[:i]...)
		_, _, _ = wasmbin.RewriteAtomics(b) // truncated: no panic
		b = append([]byte(nil), wasm...)
		b[i] ^= 0xff
		_, _, _ = wasmbin.RewriteAtomics(b)
	}
}

// FuzzRewriteAtomics feeds the rewriter arbitrary bytes.
func FuzzRewriteAtomics(f *testing.F) {
	if wasm, err := os.ReadFile("../../host/testdata/threadwait.wasm"); err == nil {
		f.Add(wasm)
	}
	f.Fuzz(func(t *testing.T, b []byte) { _, _, _ = wasmbin.RewriteAtomics(b) })
}

// BenchmarkRewriteAtomics rewrites a -pie program carrying all of libc
// (789 KB): what every start of a threaded program pays once per process.
func BenchmarkRewriteAtomics(b *testing.B) {
	wasm, err := os.ReadFile("../../testdata/guests/eh/bin/dlbench.wasm")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(wasm)))
	for b.Loop() {
		if _, changed, err := wasmbin.RewriteAtomics(wasm); err != nil || !changed {
			b.Fatal(changed, err)
		}
	}
}
