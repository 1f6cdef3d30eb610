package host

import "golang.org/x/sys/unix"

// adviseHuge asks for transparent huge pages where the system gives them
// on request.
func adviseHuge(b []byte) { _ = unix.Madvise(b, unix.MADV_HUGEPAGE) }
