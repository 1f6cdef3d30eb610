package host

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"testing"
)

// A runtime with a cache directory keeps the atomics rewrite of a
// program there, and a later runtime (a later process of the CLI) takes
// it from there instead of rewriting; a kept file that fails its check is
// rewritten; a program without waits is kept as such.
func TestRewriteCache(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	newRT := func() *Runtime {
		r, err := NewRuntime(ctx, RuntimeConfig{CacheDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close(ctx) })
		return r
	}
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
