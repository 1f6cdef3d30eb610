//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package compcache

import "os"

// isTerminal is false where the runtime cannot tell: no progress is shown.
func isTerminal(*os.File) bool { return false }
