package hostnet

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// sendFlags keeps a send to a closed peer from raising SIGPIPE.
const sendFlags = unix.MSG_NOSIGNAL

func socketNB(domain, typ, proto int) (int, error) {
	return unix.Socket(domain, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, proto)
}

func socketpairNB(typ int) ([2]int, error) {
	return unix.Socketpair(unix.AF_UNIX, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
}

func acceptNB(fd int) (int, unix.Sockaddr, error) {
	return unix.Accept4(fd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
}

// fionread asks how many bytes are queued for reading.
const fionread = unix.TIOCINQ

// readNB and writeNB are read(2) and write(2) of a socket's descriptor,
// which is always non-blocking, as raw system calls: Go's scheduler is
// not told of them. A guest thread moving data through sockets makes one
// such call after another; told of each, Go's monitor took the thread's P
// away during every long copy and the thread waited for one on return,
// which left a CPU idle while the guest, single-threaded as Go guests are,
// had work (16 echo connections: about a tenth more throughput raw). A
// non-blocking call cannot wait, so the P is held only for the copy.
func readNB(fd int, b []byte) (int, error) { return rawNB(unix.SYS_READ, fd, b) }

func writeNB(fd int, b []byte) (int, error) { return rawNB(unix.SYS_WRITE, fd, b) }

func rawNB(trap uintptr, fd int, b []byte) (int, error) {
	var p unsafe.Pointer
	if len(b) > 0 {
		p = unsafe.Pointer(&b[0])
	}
	for {
		n, _, e := unix.RawSyscall(trap, uintptr(fd), uintptr(p), uintptr(len(b)))
		switch e {
		case 0:
			return int(n), nil
		case unix.EINTR:
			continue
		}
		return 0, e
	}
}
