package wasmbin_test

import (
	"context"
	"os"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/wasix-go/wasix/internal/wasmbin"
)

// ehRuntime is a wazero runtime with what the project enables: exnref
// exception handling and threads.
func ehRuntime(t testing.TB) wazero.Runtime {
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().
		WithCoreFeatures(api.CoreFeaturesV2|experimental.CoreFeaturesThreads|experimental.CoreFeaturesExceptionHandling))
	t.Cleanup(func() { rt.Close(ctx) })
	return rt
}

// translate translates a legacy module and checks that the result has no
// legacy instruction left (a second translation changes nothing).
func translate(t testing.TB, wasm []byte) []byte {
	t.Helper()
	out, changed, err := wasmbin.TranslateLegacyEH(wasm)
	if err != nil || !changed {
		t.Fatalf("changed %v, %v", changed, err)
	}
	if again, changed, err := wasmbin.TranslateLegacyEH(out); err != nil || changed || len(again) != len(out) {
		t.Fatalf("the translation still has legacy instructions: changed %v, %v", changed, err)
	}
	return out
}

// TestTranslateLegacyEH runs the functions of testdata/legacyeh.wat,
// translated, and checks what they return against the legacy semantics
// (the figures V8, which runs the legacy encoding, gives too).
func TestTranslateLegacyEH(t *testing.T) {
	wasm, err := os.ReadFile("testdata/legacyeh.wasm")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rt := ehRuntime(t)
	if _, err := rt.CompileModule(ctx, wasm); err == nil {
		t.Fatal("wazero compiles the legacy encoding: this test proves nothing")
	}
	mod, err := rt.Instantiate(ctx, translate(t, wasm))
	if err != nil {
		t.Fatal(err)
	}
	const throws = -1 << 63 // the call ends in an uncaught exception
	for _, c := range []struct {
		fn        string
		arg, want int64
	}{
		{"catch_value", 5, 105},
		{"catch_multi", 0, 3040},
		{"catch_multi", 1, 9},
		{"catch_all", 0, 17},
		{"catch_all", 1, 2},
		{"catch_all", 2, 5},
		{"nested", 0, 1},
		{"nested", 3, 23},
		{"rethrow_outer", 4, 1004},
		{"rethrow_all", 6, 2006},
		{"delegate_outer", 5, 205},
		{"delegate_block", 5, 305},
		{"delegate_from_catch", 5, 405},
		{"delegate_caller", 5, 505},
		{"delegate_chain", 5, 605},
		{"try_params", 0, 707},
		{"try_params", 21, 42},
		{"branches", 0, 10},
		{"branches", 1, 22},
		{"branches", 2, 32},
		{"branches", 3, 44},
		{"loop_count", 5, 5},
		{"uncaught", 1, throws},
		{"mixed", 5, 806},
	} {
		res, err := mod.ExportedFunction(c.fn).Call(ctx, uint64(c.arg))
		got := int64(throws)
		if err == nil {
			got = int64(int32(res[0]))
			if c.fn == "catch_multi" {
				got = int64(res[0])
			}
		}
		if got != c.want {
			t.Errorf("%s(%d) = %d (%v), want %d", c.fn, c.arg, got, err, c.want)
		}
	}
}
