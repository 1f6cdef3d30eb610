package hostnet

import "golang.org/x/sys/unix"

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
