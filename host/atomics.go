package host

import (
	"crypto/sha256"

	"github.com/tetratelabs/wazero"

	"github.com/wasix-go/wasix/internal/abi"
	"github.com/wasix-go/wasix/internal/wasmbin"
)

// rewriteAtomics returns the program with its atomic waits and notifies
// turned into host calls (internal/abi/atomics.go), so that a trap, an
// exit from another thread, a fatal signal, a cancelled context or Close
// reach threads blocked in pthread_join or a mutex: wazero's own wait
// listens to nothing but a notify from the guest. A program the rewriter
// cannot read (an instruction it does not know) runs as it is, with waits
// that only a notify ends.
func (r *Runtime) rewriteAtomics(wasm []byte) ([]byte, bool) {
	if !rewriteAtomicWaits {
		return wasm, false
	}
	// The rewrite reads every instruction (~30 MB/s): a runtime running
	// the same programs again keeps the results of the last few.
	sum := sha256.Sum256(wasm)
	if v, ok := r.rewrites.Load(sum); ok {
		out := v.([]byte)
		return out, out != nil
	}
	out, ok := r.loadRewrite(sum)
	if !ok {
		var changed bool
		var err error
		out, changed, err = wasmbin.RewriteAtomics(wasm)
		if err != nil || !changed {
			out = nil
		}
		if err == nil {
			r.storeRewrite(sum, out)
		}
	}
	r.keepRewrite(sum, out)
	if out == nil {
		return wasm, false
	}
	return out, true
}

// keepRewrite keeps a rewrite in memory, under sum.
func (r *Runtime) keepRewrite(sum [32]byte, out []byte) {
	if r.rewriteCount.Add(1) > maxRewrites {
		r.rewrites.Clear()
		r.rewriteCount.Store(1)
	}
	r.rewrites.Store(sum, out)
}

// maxRewrites bounds the rewritten programs a Runtime keeps.
const maxRewrites = 32

// atomicsModule is the module the rewritten program imports.
const atomicsModule = wasmbin.AtomicsModule

// rewriteAtomicWaits is off only in the benchmark that measures the
// rewrite against wazero's own wait.
var rewriteAtomicWaits = true

// programImports returns the functions the program (code, compiled)
// itself imports, without those the rewrite added. They are read from the
// binary: wazero's ImportedFunctions would describe every function of
// the program first (4 ms for 800 KB of code, at each start).
func programImports(code []byte, compiled wazero.CompiledModule) []abi.Import {
	imps, err := wasmbin.Imports(code)
	if err == nil {
		return abi.FuncImports(imps, wasmbin.AtomicsModule)
	}
	// Types this reader does not know (wazero accepted them): ask wazero.
	var out []abi.Import
	for _, fn := range compiled.ImportedFunctions() {
		if module, name, _ := fn.Import(); module != wasmbin.AtomicsModule {
			out = append(out, abi.Import{Module: module, Name: name, Params: fn.ParamTypes(), Results: fn.ResultTypes()})
		}
	}
	return out
}
