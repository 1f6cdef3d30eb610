package kernel

import (
	"syscall"

	"github.com/wasix-go/wasix"
)

// errnoOf maps a host errno to the wasi one by meaning; the numbering of
// the two differs.
func errnoOf(e syscall.Errno) (wasix.Errno, bool) {
	switch e {
	case 0:
		return wasix.ErrnoSuccess, true
	case syscall.E2BIG:
		return wasix.Errno2big, true
	case syscall.EACCES:
		return wasix.ErrnoAcces, true
	case syscall.EADDRINUSE:
		return wasix.ErrnoAddrinuse, true
	case syscall.EADDRNOTAVAIL:
		return wasix.ErrnoAddrnotavail, true
	case syscall.EAFNOSUPPORT:
		return wasix.ErrnoAfnosupport, true
	case syscall.EAGAIN:
		return wasix.ErrnoAgain, true
	case syscall.EALREADY:
		return wasix.ErrnoAlready, true
	case syscall.EBADF:
		return wasix.ErrnoBadf, true
	case syscall.EBUSY:
		return wasix.ErrnoBusy, true
	case syscall.ECANCELED:
		return wasix.ErrnoCanceled, true
	case syscall.ECHILD:
		return wasix.ErrnoChild, true
	case syscall.ECONNABORTED:
		return wasix.ErrnoConnaborted, true
	case syscall.ECONNREFUSED:
		return wasix.ErrnoConnrefused, true
	case syscall.ECONNRESET:
		return wasix.ErrnoConnreset, true
	case syscall.EDEADLK:
		return wasix.ErrnoDeadlk, true
	case syscall.EDESTADDRREQ:
		return wasix.ErrnoDestaddrreq, true
	case syscall.EDOM:
		return wasix.ErrnoDom, true
	case syscall.EEXIST:
		return wasix.ErrnoExist, true
	case syscall.EFAULT:
		return wasix.ErrnoFault, true
	case syscall.EFBIG:
		return wasix.ErrnoFbig, true
	case syscall.EHOSTUNREACH:
		return wasix.ErrnoHostunreach, true
	case syscall.EILSEQ:
		return wasix.ErrnoIlseq, true
	case syscall.EINPROGRESS:
		return wasix.ErrnoInprogress, true
	case syscall.EINTR:
		return wasix.ErrnoIntr, true
	case syscall.EINVAL:
		return wasix.ErrnoInval, true
	case syscall.EIO:
		return wasix.ErrnoIo, true
	case syscall.EISCONN:
		return wasix.ErrnoIsconn, true
	case syscall.EISDIR:
		return wasix.ErrnoIsdir, true
	case syscall.ELOOP:
		return wasix.ErrnoLoop, true
	case syscall.EMFILE:
		return wasix.ErrnoMfile, true
	case syscall.EMLINK:
		return wasix.ErrnoMlink, true
	case syscall.EMSGSIZE:
		return wasix.ErrnoMsgsize, true
	case syscall.ENAMETOOLONG:
		return wasix.ErrnoNametoolong, true
	case syscall.ENETDOWN:
		return wasix.ErrnoNetdown, true
	case syscall.ENETRESET:
		return wasix.ErrnoNetreset, true
	case syscall.ENETUNREACH:
		return wasix.ErrnoNetunreach, true
	case syscall.ENFILE:
		return wasix.ErrnoNfile, true
	case syscall.ENOBUFS:
		return wasix.ErrnoNobufs, true
	case syscall.ENODEV:
		return wasix.ErrnoNodev, true
	case syscall.ENOENT:
		return wasix.ErrnoNoent, true
	case syscall.ENOEXEC:
		return wasix.ErrnoNoexec, true
	case syscall.ENOLCK:
		return wasix.ErrnoNolck, true
	case syscall.ENOMEM:
		return wasix.ErrnoNomem, true
	case syscall.ENOPROTOOPT:
		return wasix.ErrnoNoprotoopt, true
	case syscall.ENOSPC:
		return wasix.ErrnoNospc, true
	case syscall.ENOSYS:
		return wasix.ErrnoNosys, true
	case syscall.ENOTCONN:
		return wasix.ErrnoNotconn, true
	case syscall.ENOTDIR:
		return wasix.ErrnoNotdir, true
	case syscall.ENOTEMPTY:
		return wasix.ErrnoNotempty, true
	case syscall.ENOTSOCK:
		return wasix.ErrnoNotsock, true
	case syscall.ENOTSUP:
		return wasix.ErrnoNotsup, true
	case syscall.ENOTTY:
		return wasix.ErrnoNotty, true
	case syscall.ENXIO:
		return wasix.ErrnoNxio, true
	case syscall.EOVERFLOW:
		return wasix.ErrnoOverflow, true
	case syscall.EPERM:
		return wasix.ErrnoPerm, true
	case syscall.EPIPE:
		return wasix.ErrnoPipe, true
	case syscall.EPROTONOSUPPORT:
		return wasix.ErrnoProtonosupport, true
	case syscall.EPROTOTYPE:
		return wasix.ErrnoPrototype, true
	case syscall.ERANGE:
		return wasix.ErrnoRange, true
	case syscall.EROFS:
		return wasix.ErrnoRofs, true
	case syscall.ESPIPE:
		return wasix.ErrnoSpipe, true
	case syscall.ESRCH:
		return wasix.ErrnoSrch, true
	case syscall.ETIMEDOUT:
		return wasix.ErrnoTimedout, true
	case syscall.ETXTBSY:
		return wasix.ErrnoTxtbsy, true
	case syscall.EXDEV:
		return wasix.ErrnoXdev, true
	}
	return 0, false
}
