package host

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"strings"
	"testing"

	"github.com/wasix-go/wasix/internal/linker"
)

// cachedRuntimes returns a function making runtimes that share one cache
// directory: each a later process of the CLI.
func cachedRuntimes(t *testing.T) func() *Runtime {
	dir := t.TempDir()
	return func() *Runtime {
		ctx := context.Background()
		r, err := NewRuntime(ctx, RuntimeConfig{CacheDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close(ctx) })
		return r
	}
}

// A runtime with a cache directory keeps the atomics rewrite of a
// program there, and a later runtime (a later process of the CLI) takes
// it from there instead of rewriting; a kept file that fails its check is
// rewritten; a program without waits is kept as such.
func TestRewriteCache(t *testing.T) {
	newRT := cachedRuntimes(t)
	wasm, err := os.ReadFile("testdata/threadwait.wasm")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(wasm)
	want, rewritten := newRT().rewriteAtomics(wasm)
	if !rewritten {
		t.Fatal("threadwait.wasm not rewritten")
	}
	r := newRT()
	if got, ok := r.loadRewrite(sum); !ok || !bytes.Equal(got, want) {
		t.Fatalf("the kept rewrite: found %v, the same %v", ok, bytes.Equal(got, want))
	}

	// What is kept is what a start uses: another binary kept under the
	// program's sum comes back.
	other := append(append([]byte(nil), want...), 0, 9, 4, 'n', 'o', 'n', 'e') // a custom section more
	r.storeRewrite(sum, other)
	if got, _ := newRT().rewriteAtomics(wasm); !bytes.Equal(got, other) {
		t.Fatal("a start did not take the rewrite kept in the cache")
	}

	// A damaged file is not used, and is written anew.
	p := r.rewritePath(sum)
	b, _ := os.ReadFile(p)
	b[len(b)-3] ^= 0x40
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, _ := newRT().rewriteAtomics(wasm); !bytes.Equal(got, want) {
		t.Fatal("a damaged kept rewrite was used")
	}
	if got, ok := newRT().loadRewrite(sum); !ok || !bytes.Equal(got, want) {
		t.Fatal("a damaged kept rewrite was not written anew")
	}
	if err := os.WriteFile(p, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if got, _ := newRT().rewriteAtomics(wasm); !bytes.Equal(got, want) {
		t.Fatal("a truncated kept rewrite was used")
	}

	// A program with nothing to rewrite is kept as such.
	plain, err := os.ReadFile("testdata/spin.wasm")
	if err != nil {
		t.Fatal(err)
	}
	if _, rewritten := newRT().rewriteAtomics(plain); rewritten {
		t.Fatal("spin.wasm rewritten")
	}
	if got, ok := newRT().loadRewrite(sha256.Sum256(plain)); !ok || got != nil {
		t.Fatalf("a program without waits: kept %v, %d bytes", ok, len(got))
	}
}

// A -pie program's prepared code (linker.PrepareMain, over the atomics
// rewrite) is kept in the cache directory too, with whether the waits were
// rewritten: a later runtime compiles what it reads back, and the program
// runs (its linker told what was hidden).
func TestPrepareMainCache(t *testing.T) {
	ctx := context.Background()
	newRT := cachedRuntimes(t)
	wasm, err := os.ReadFile("../testdata/guests/eh/bin/dyn.wasm")
	if err != nil {
		t.Fatal(err)
	}
	bin := linker.ParseDynamic(wasm)
	want, rewritten, prepared := newRT().prepareMain(bin, wasm, true)
	if !rewritten || !prepared {
		t.Fatalf("dyn.wasm: rewritten %v, prepared %v", rewritten, prepared)
	}
	// What is kept is what a start uses: another binary kept under the
	// program's key comes back.
	r := newRT()
	sum := prepareKey(wasm, true)
	other := append(append([]byte{1}, want...), 0, 9, 4, 'n', 'o', 'n', 'e') // a custom section more
	r.storeRewrite(sum, other)
	got, rewritten, prepared := newRT().prepareMain(linker.ParseDynamic(wasm), wasm, true)
	if !rewritten || !prepared || !bytes.Equal(got, other[1:]) {
		t.Fatalf("kept: rewritten %v, prepared %v, the same %v", rewritten, prepared, bytes.Equal(got, other[1:]))
	}
	r = newRT()
	m, err := r.Compile(ctx, wasm)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close(ctx)
	var out bytes.Buffer
	code, err := r.RunModule(ctx, m, Config{Args: []string{"dyn"}, Stdout: &out, Origin: DirFS("../testdata/guests/eh/bin")})
	if err != nil || code != 0 || !strings.Contains(out.String(), "ok - a signal handler runs in a -pie program") {
		t.Fatalf("exit %d, %v:\n%s", code, err, out.String())
	}
}
