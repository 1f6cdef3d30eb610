package host

import (
	"context"
	"os"
	"reflect"
	"testing"

	"github.com/wasix-go/wasix/internal/abi"
	"github.com/wasix-go/wasix/internal/wasmbin"
)

// programImports reads from the binary what wazero's definitions of the
// compiled program say of its imported functions, those the atomics
// rewrite added left out.
func TestProgramImports(t *testing.T) {
	ctx := context.Background()
	r, err := NewRuntime(ctx, RuntimeConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(ctx)
	for _, file := range []string{"testdata/threadwait.wasm", "testdata/bench.wasm", "../testdata/guests/eh/bin/dyn.wasm"} {
		wasm, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		code, rewritten := r.rewriteAtomics(wasm)
		if !rewritten {
			code = wasm
		}
		c, err := r.rt.CompileModule(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(ctx)
		var want []abi.Import
		for _, fn := range c.ImportedFunctions() {
			if module, name, _ := fn.Import(); module != wasmbin.AtomicsModule {
				im := abi.Import{Module: module, Name: name}
				if len(fn.ParamTypes()) > 0 {
					im.Params = fn.ParamTypes()
				}
				if len(fn.ResultTypes()) > 0 {
					im.Results = fn.ResultTypes()
				}
				want = append(want, im)
			}
		}
		if got := programImports(code, c); len(want) == 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("%s (rewritten %v): %d imports read, wazero has %d:\n%v\n%v", file, rewritten, len(got), len(want), got, want)
		}
	}
}
