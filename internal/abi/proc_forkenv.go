package abi

import (
	"context"

	"github.com/tetratelabs/wazero/api"
)

// The calls of wasix-libc's asyncify-free process model (2025-12):
// proc_exit2 is the exit every program built with it imports (its _Exit).

func init() {
	genRawCalls[WasixCurrent]["proc_exit2"] = procExit2
}

// proc_exit2(rval): ends the process as proc_exit does.
func procExit2(ctx context.Context, mod api.Module, stack []uint64) {
	exit(ctx, mod, uint32(stack[0]))
}
