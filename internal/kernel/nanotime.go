//go:build !windows

package kernel

import _ "unsafe" // for go:linkname

// nanotime is the runtime's monotonic clock: one vDSO call, where
// time.Since reads the wall clock too. wazero reads it the same way.
//
//go:linkname nanotime runtime.nanotime
func nanotime() int64
