//go:build unix

package tlsproc

import (
	"os"
	"syscall"
)

// socketPair is a connected pair of stream sockets, neither inherited by
// other children.
func socketPair() (ours, theirs *os.File, err error) {
	syscall.ForkLock.RLock()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err == nil {
		syscall.CloseOnExec(fds[0])
		syscall.CloseOnExec(fds[1])
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return nil, nil, os.NewSyscallError("socketpair", err)
	}
	return os.NewFile(uintptr(fds[0]), "tls-plain"), os.NewFile(uintptr(fds[1]), "tls-helper"), nil
}
