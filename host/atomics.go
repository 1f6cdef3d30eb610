package host

import (
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/wasix-go/wasix/internal/wasmbin"
)

// rewriteAtomics returns the program with its atomic waits and notifies
// turned into host calls (internal/abi/atomics.go), so that a trap, an
// exit from another thread, a fatal signal, a cancelled context or Close
// reach threads blocked in pthread_join or a mutex: wazero's own wait
// listens to nothing but a notify from the guest. A program the rewriter
// cannot read (an instruction it does not know) runs as it is, with waits
// that only a notify ends.
func rewriteAtomics(wasm []byte) ([]byte, bool) {
	if !rewriteAtomicWaits {
		return wasm, false
	}
	out, changed, err := wasmbin.RewriteAtomics(wasm)
	if err != nil || !changed {
		return wasm, false
	}
	return out, true
}

// rewriteAtomicWaits is off only in the benchmark that measures the
// rewrite against wazero's own wait.
var rewriteAtomicWaits = true

// programImports returns the functions the program itself imports,
// without those the rewrite added.
func programImports(c wazero.CompiledModule) []api.FunctionDefinition {
	all := c.ImportedFunctions()
	out := all[:0:0]
	for _, fn := range all {
		if module, _, _ := fn.Import(); module != wasmbin.AtomicsModule {
			out = append(out, fn)
		}
	}
	return out
}
