//go:build unix && !freebsd

package host

import "golang.org/x/sys/unix"

// mapNoReserve maps a memory's maximum without reserving swap for it.
const mapNoReserve = unix.MAP_NORESERVE
