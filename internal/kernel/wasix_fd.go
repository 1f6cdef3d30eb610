package kernel

import (
	"github.com/wasix-go/wasix"
)

// FdflagsextCloexec is the cloexec bit of WASIX's fdflagsext.
const FdflagsextCloexec uint16 = 1

// FdDup makes the lowest free descriptor refer to the description of fd,
// with the same rights and cloexec clear (fd_dup).
func (p *Process) FdDup(fd wasix.Fd) (wasix.Fd, wasix.Errno) {
	return p.FdDup2(fd, 0, false)
}

// FdDup2 is FdDup choosing the lowest free descriptor not below min and
// setting cloexec as asked (current fd_dup2, like F_DUPFD(_CLOEXEC)).
func (p *Process) FdDup2(fd, min wasix.Fd, cloexec bool) (wasix.Fd, wasix.Errno) {
	e, errno := p.fds.get(fd, 0)
	if errno != wasix.ErrnoSuccess {
		return 0, errno
	}
	if uint64(min) >= uint64(p.fds.max) {
		return 0, wasix.ErrnoInval
	}
	e.of.retain()
	nfd, errno := p.fds.insert(&fdEntry{of: e.of, base: e.base, inh: e.inh, cloexec: cloexec}, int(min))
	if errno != wasix.ErrnoSuccess {
		e.of.release()
	}
	return nfd, errno
}

// FdFdflagsGet returns the fdflagsext of a descriptor (fd_fdflags_get).
func (p *Process) FdFdflagsGet(fd wasix.Fd) (uint16, wasix.Errno) {
	e, errno := p.fds.get(fd, 0)
	if errno != wasix.ErrnoSuccess {
		return 0, errno
	}
	if e.cloexec {
		return FdflagsextCloexec, wasix.ErrnoSuccess
	}
	return 0, wasix.ErrnoSuccess
}

// FdFdflagsSet replaces the fdflagsext of a descriptor (fd_fdflags_set);
// unknown bits give EINVAL.
func (p *Process) FdFdflagsSet(fd wasix.Fd, flags uint16) wasix.Errno {
	if flags&^FdflagsextCloexec != 0 {
		return wasix.ErrnoInval
	}
	return p.fds.update(fd, func(e *fdEntry) wasix.Errno {
		e.cloexec = flags&FdflagsextCloexec != 0
		return wasix.ErrnoSuccess
	})
}

// Pipe makes a pipe and returns its ends (fd_pipe): the read end first,
// then the write end, unless bidirectional, when both read and write. Each
// direction buffers 64 KiB; writers block when it is full, readers get end
// of file once every write end is closed and writers EPIPE once every read
// end is.
func (p *Process) Pipe(bidirectional bool) (wasix.Fd, wasix.Fd, wasix.Errno) {
	a, b := newPipe(bidirectional)
	ra, rb := rightsStream&^wasix.RightsFdWrite, rightsStream&^wasix.RightsFdRead
	if bidirectional {
		ra, rb = rightsStream, rightsStream
	}
	fa, errno := p.add(newOpenFile(a, 0), ra, 0, false)
	if errno != wasix.ErrnoSuccess {
		b.close()
		return 0, 0, errno
	}
	fb, errno := p.add(newOpenFile(b, 0), rb, 0, false)
	if errno != wasix.ErrnoSuccess {
		p.FdClose(fa)
		return 0, 0, errno
	}
	return fa, fb, wasix.ErrnoSuccess
}

// PipeBidirectional reports whether fd_pipe makes two-way pipes for this
// process by default: for 2022 programs, or as ProcConfig.BidirectionalPipes
// says.
func (p *Process) PipeBidirectional() bool { return p.rules().bidirectionalPipes }

// EventFD makes an event counter starting at initial (fd_event); with the
// semaphore flag a read takes one at a time. It is made non-blocking with
// fd_fdstat_set_flags. Unknown flags are EINVAL, except for 2022 programs:
// 2022 Wasmer looked at the semaphore bit alone, and that libc's eventfd()
// passes its EFD_NONBLOCK (fdflags' nonblock, 4) along, which is honoured.
func (p *Process) EventFD(initial uint64, flags wasix.Eventfdflags) (wasix.Fd, wasix.Errno) {
	var fdflags wasix.Fdflags
	if p.rules().lenientEventFlags {
		if flags&eventfdNonblock2022 != 0 {
			fdflags = wasix.FdflagsNonblock
		}
		flags &= wasix.EventfdflagsSemaphore
	}
	return p.EventFDWith(initial, flags, fdflags, false)
}

// EventFDWith is EventFD with the descriptor's flags (nonblock) and
// close-on-exec set at once, as Linux's eventfd(2) takes them.
func (p *Process) EventFDWith(initial uint64, flags wasix.Eventfdflags, fdflags wasix.Fdflags, cloexec bool) (wasix.Fd, wasix.Errno) {
	if flags&^wasix.EventfdflagsSemaphore != 0 || initial > eventMax || fdflags&^wasix.FdflagsNonblock != 0 {
		return 0, wasix.ErrnoInval
	}
	ev := &eventFD{val: initial, semaphore: flags&wasix.EventfdflagsSemaphore != 0, ino: nextPipeIno()}
	return p.add(newOpenFile(ev, fdflags), rightsStream, 0, cloexec)
}

// eventfdNonblock2022 is EFD_NONBLOCK as the 2022 libc passed it.
const eventfdNonblock2022 wasix.Eventfdflags = 4
