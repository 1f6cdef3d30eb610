package host

import (
	"errors"
	"strings"
)

// ErrLegacyExceptions is the error of compiling a program that uses the
// legacy encoding of wasm exception handling (try, catch, delegate,
// rethrow): clang's default for -fwasm-exceptions. The runtime runs the
// standard exnref encoding (try_table, throw_ref) and refuses these
// programs rather than fail with an engine message; RATIONALE.md says why
// it does not translate them.
var ErrLegacyExceptions = errors.New("the program uses the legacy wasm exception-handling encoding " +
	"(try/catch/delegate); this runtime runs the exnref encoding: rebuild with " +
	"`-mllvm -wasm-use-legacy-eh=false` given to clang and wasm-ld, or translate the binary with " +
	"binaryen 116 or later: `wasm-opt --translate-to-exnref -all in.wasm -o out.wasm`")

// compileError turns wazero's refusal of a legacy exception instruction
// into ErrLegacyExceptions, keeping wazero's message (which names the
// function) as detail.
func compileError(err error) error {
	if err != nil && strings.Contains(err.Error(), "legacy exception handling instruction") {
		return &legacyError{err}
	}
	return err
}

type legacyError struct{ engine error }

func (e *legacyError) Error() string {
	return ErrLegacyExceptions.Error() + " (" + e.engine.Error() + ")"
}

func (e *legacyError) Is(target error) bool { return target == ErrLegacyExceptions }

func (e *legacyError) Unwrap() error { return e.engine }
