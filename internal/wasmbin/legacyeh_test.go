package wasmbin_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"strings"
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

// section encodes a section of a module.
func section(id byte, body ...byte) []byte {
	return append(wasmbin.AppendULEB([]byte{id}, uint64(len(body))), body...)
}

// ehModule assembles a module with types ()->i32, (i32)->() and ()->(),
// tags $e0 () and $e1 (i32), and one function of type ()->i32 exported
// as "f" whose body (locals and code) is body.
func ehModule(body ...byte) []byte {
	m := []byte("\x00asm\x01\x00\x00\x00")
	m = append(m, section(1, 3, 0x60, 0, 1, 0x7f, 0x60, 1, 0x7f, 0, 0x60, 0, 0)...)
	m = append(m, section(3, 1, 0)...)
	m = append(m, section(13, 2, 0, 2, 0, 1)...)
	m = append(m, section(7, 1, 1, 'f', 0, 0)...)
	fn := wasmbin.AppendULEB(nil, uint64(len(body)))
	return append(m, section(10, append([]byte{1}, append(fn, body...)...)...)...)
}

// TestTranslateLegacyEHTryTable: a try_table inside a legacy catch keeps
// its catch clause's target (a block outside the try), whose depth the
// translation changes.
func TestTranslateLegacyEHTryTable(t *testing.T) {
	wasm := ehModule(
		0,          // no locals
		0x02, 0x7f, // block $b (result i32)
		0x06, 0x7f, // try (result i32)
		0x08, 0, // throw $e0
		0x07, 0, // catch $e0
		0x1f, 0x40, 1, 0, 1, 1, // try_table (catch $e1 $b)
		0x41, 42, 0x08, 1, // throw $e1 (42)
		0x0b,       // end
		0x41, 0x7f, // i32.const -1
		0x19,       // catch_all
		0x41, 0x7e, // i32.const -2
		0x0b, 0x0b, 0x0b, // end try, block, function
	)
	ctx := context.Background()
	mod, err := ehRuntime(t).Instantiate(ctx, translate(t, wasm))
	if err != nil {
		t.Fatal(err)
	}
	if res, err := mod.ExportedFunction("f").Call(ctx); err != nil || int32(res[0]) != 42 {
		t.Fatalf("f() = %v, %v; want 42", res, err)
	}
}

// TestTranslateLegacyEHErrors: bodies the translator cannot read or
// handle give an error that says which function and what, never a panic
// nor a module.
func TestTranslateLegacyEHErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		body []byte
		want string
	}{
		{"catch outside a try", []byte{0, 0x41, 1, 0x07, 0, 0x0b}, "catch outside a try"},
		{"catch after catch_all", []byte{0, 0x06, 0x7f, 0x41, 1, 0x19, 0x41, 2, 0x07, 0, 0x0b, 0x0b}, "catch after catch_all"},
		{"rethrow outside a catch", []byte{0, 0x06, 0x7f, 0x09, 0, 0x0b, 0x0b}, "rethrow 0 names no catch"},
		{"delegate past the labels", []byte{0, 0x06, 0x7f, 0x41, 1, 0x18, 1, 0x0b}, "delegate 1 past"},
		{"delegate after catch", []byte{0, 0x06, 0x7f, 0x41, 1, 0x19, 0x41, 2, 0x18, 0, 0x0b}, "delegate ends no try"},
		{"catch of an unknown tag", []byte{0, 0x06, 0x7f, 0x41, 1, 0x07, 9, 0x0b, 0x0b}, "tag 9 of 2"},
		{"try of an unknown type", []byte{0, 0x06, 0x20, 0x41, 1, 0x0b, 0x0b}, "block type 32 of 3"},
		{"unknown instruction", []byte{0, 0x06, 0x7f, 0xff, 0x0b, 0x0b}, "unknown instruction"},
		{"truncated", []byte{0, 0x06, 0x7f, 0x41}, "malformed"},
		{"bytes after the end", []byte{0, 0x06, 0x40, 0x0b, 0x41, 1, 0x0b, 0x01}, "bytes after the end"},
		{"delegate across a try_table", []byte{0, 0x1f, 0x40, 0, 0x06, 0x40, 0x18, 0, 0x0b, 0x41, 1, 0x0b}, "across a try_table"},
	} {
		out, _, err := wasmbin.TranslateLegacyEH(ehModule(c.body...))
		if err == nil || out != nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "function 0") {
			t.Errorf("%s: error %q, want one saying %q of function 0", c.name, err, c.want)
		}
	}
	_, _, err := wasmbin.TranslateLegacyEH(ehModule(0, 0x1f, 0x40, 0, 0x06, 0x40, 0x18, 0, 0x0b, 0x41, 1, 0x0b))
	if !errors.Is(err, wasmbin.ErrUntranslatable) {
		t.Errorf("a delegate across a try_table: %v, want ErrUntranslatable", err)
	}
}

// TestTranslateLegacyEHDamaged translates every truncation of the test
// module and every one-byte change of it: an error or a module, never a
// panic. A truncation that is still a module (cut between sections)
// translates to one wazero compiles.
func TestTranslateLegacyEHDamaged(t *testing.T) {
	wasm, err := os.ReadFile("testdata/legacyeh.wasm")
	if err != nil {
		t.Fatal(err)
	}
	rt := ehRuntime(t)
	for n := range len(wasm) {
		out, changed, err := wasmbin.TranslateLegacyEH(wasm[:n])
		if err == nil && changed {
			if _, err := rt.CompileModule(context.Background(), out); err != nil {
				t.Errorf("truncated to %d bytes: the translation does not compile: %v", n, err)
			}
		}
	}
	b := bytes.Clone(wasm)
	for i := 8; i < len(b); i++ {
		for _, v := range []byte{0x00, 0x06, 0x07, 0x09, 0x0b, 0x18, 0x19, 0x7f, 0x80, 0xff} {
			old := b[i]
			b[i] = v
			wasmbin.TranslateLegacyEH(b)
			b[i] = old
		}
	}
}

// FuzzTranslateLegacyEH: whatever the bytes, an error or a module.
func FuzzTranslateLegacyEH(f *testing.F) {
	if wasm, err := os.ReadFile("testdata/legacyeh.wasm"); err == nil {
		f.Add(wasm)
	}
	f.Add(ehModule(0, 0x06, 0x7f, 0x41, 1, 0x07, 0, 0x09, 0, 0x0b, 0x0b))
	f.Fuzz(func(t *testing.T, b []byte) {
		wasmbin.TranslateLegacyEH(b)
	})
}

// TestLegacyEHWatFresh holds testdata/legacyeh.wasm to its source: the
// hash of the .wat it was built from is recorded beside it.
func TestLegacyEHWatFresh(t *testing.T) {
	src, err := os.ReadFile("testdata/legacyeh.wat")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/legacyeh.wat.sha256")
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%x", sha256.Sum256(src)); got != strings.TrimSpace(string(want)) {
		t.Errorf("testdata/legacyeh.wasm is stale: rebuild it as legacyeh.wat says")
	}
}

// BenchmarkTranslateLegacyEH translates sjlj_legacy.wasm, setjmp/longjmp
// built with clang's legacy encoding (the bytes per second are the
// module's size).
func BenchmarkTranslateLegacyEH(b *testing.B) {
	wasm, err := os.ReadFile("../../testdata/guests/eh/bin/sjlj_legacy.wasm")
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(wasm)))
	for range b.N {
		if _, _, err := wasmbin.TranslateLegacyEH(wasm); err != nil {
			b.Fatal(err)
		}
	}
}
