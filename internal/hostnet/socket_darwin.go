package hostnet

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// sendFlags is empty: SO_NOSIGPIPE, set on every socket, keeps a send to a
// closed peer from raising SIGPIPE.
const sendFlags = 0

func prepare(fd int) (int, error) {
	syscall.ForkLock.RLock()
	unix.CloseOnExec(fd)
	syscall.ForkLock.RUnlock()
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return -1, err
	}
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_NOSIGPIPE, 1)
	return fd, nil
}

func socketNB(domain, typ, proto int) (int, error) {
	fd, err := unix.Socket(domain, typ, proto)
	if err != nil {
		return -1, err
	}
	return prepare(fd)
}

func socketpairNB(typ int) ([2]int, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, typ, 0)
	if err != nil {
		return fds, err
	}
	if _, err := prepare(fds[0]); err != nil {
		unix.Close(fds[1])
		return fds, err
	}
	if _, err := prepare(fds[1]); err != nil {
		unix.Close(fds[0])
		return fds, err
	}
	return fds, nil
}

func acceptNB(fd int) (int, unix.Sockaddr, error) {
	nfd, sa, err := unix.Accept(fd)
	if err != nil {
		return -1, nil, err
	}
	nfd, err = prepare(nfd)
	return nfd, sa, err
}

// fionread asks how many bytes are queued for reading.
const fionread = 0x4004667f // FIONREAD

// readNB and writeNB are read(2) and write(2) of a socket's non-blocking
// descriptor (raw on Linux: see socket_linux.go).
func readNB(fd int, b []byte) (int, error) { return unix.Read(fd, b) }

func writeNB(fd int, b []byte) (int, error) { return unix.Write(fd, b) }
