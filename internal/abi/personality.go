package abi

import "github.com/wasix-go/wasix/internal/kernel"

// PersonalityOf returns what programs of generation g expect where the
// generations differ in behaviour rather than in layout.
//
// WASIX programs (every generation) keep their preopens open across
// fd_close, as under Wasmer. SIGPIPE is raised by a write without reader
// for the current generation only: the seed's docs give it the action
// "Ignored", and 2022 programs predate wasix-libc's signal table.
func PersonalityOf(g Generation) kernel.Personality {
	return kernel.Personality{
		KeepPreopens: g != Preview1,
		RaiseSigpipe: g == WasixCurrent,
	}
}
