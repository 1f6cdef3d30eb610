package host

import (
	"context"
	"errors"
	"strings"

	"github.com/tetratelabs/wazero"

	"github.com/wasix-go/wasix/internal/wasmbin"
)

// ErrLegacyExceptions is the error of compiling a program in the legacy
// encoding of wasm exception handling (try, catch, delegate, rethrow:
// clang's default for -fwasm-exceptions) that the runtime could not
// translate to the exnref encoding it runs (try_table, throw_ref). The
// translation handles what compilers emit; it gives up on a delegate
// whose exception would cross a try_table and on modules with GC types.
// The error's text says why and how to rebuild.
var ErrLegacyExceptions = errors.New("the program uses the legacy wasm exception-handling encoding " +
	"(try/catch/delegate), which the runtime could not translate to the exnref encoding; rebuild with " +
	"`-mllvm -wasm-use-legacy-eh=false` given to clang and wasm-ld, or translate the binary with " +
	"binaryen 116 or later: `wasm-opt --translate-to-exnref -all in.wasm -o out.wasm`")

// compileEH compiles code and, when wazero refuses it for a legacy
// exception instruction, translates it to exnref and compiles that. It
// returns the code compiled. Detection costs nothing: wazero validates
// before compiling and stops at the first legacy instruction, and a
// program without one never reaches the translator.
func compileEH(ctx context.Context, rt wazero.Runtime, code []byte) (wazero.CompiledModule, []byte, error) {
	compiled, err := compileModule(ctx, rt, code)
	if err == nil || !strings.Contains(err.Error(), "legacy exception handling instruction") {
		return compiled, code, err
	}
	translated, _, terr := wasmbin.TranslateLegacyEH(code)
	if terr != nil {
		return nil, nil, &legacyError{engine: err, reason: terr}
	}
	compiled, cerr := compileModule(ctx, rt, translated)
	if cerr != nil {
		// A translation wazero rejects is the translator's bug: say so,
		// with both errors.
		return nil, nil, &legacyError{engine: err, reason: errors.New("the translation is invalid: " + cerr.Error())}
	}
	return compiled, translated, nil
}

type legacyError struct{ engine, reason error }

func (e *legacyError) Error() string {
	return ErrLegacyExceptions.Error() + " (" + e.reason.Error() + "; " + e.engine.Error() + ")"
}

func (e *legacyError) Is(target error) bool { return target == ErrLegacyExceptions }

func (e *legacyError) Unwrap() []error { return []error{e.reason, e.engine} }
