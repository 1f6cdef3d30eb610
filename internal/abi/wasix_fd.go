package abi

import (
	"context"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

func init() {
	wasixCalls["fd_dup"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		return putResult(m, uint32(s[1]), func() (wasix.Fd, wasix.Errno) { return p.FdDup(wasix.Fd(uint32(s[0]))) })
	}
	wasixCalls["fd_event"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		return putResult(m, uint32(s[2]), func() (wasix.Fd, wasix.Errno) {
			flags := uint32(s[1])
			if flags > 0xffff {
				return 0, wasix.ErrnoInval
			}
			return p.EventFD(s[0], wasix.Eventfdflags(flags))
		})
	}
	wasixCalls["fd_pipe"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		return fdPipe(p, m, s, p.PipeBidirectional())
	}
	genCalls[Wasix2022]["fd_pipe"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		return fdPipe(p, m, s, true) // pipes were two-way in 2022
	}

	cur := genCalls[WasixCurrent]
	cur["fd_event"] = fdEventCurrent
	cur["fd_dup2"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		return putResult(m, uint32(s[3]), func() (wasix.Fd, wasix.Errno) {
			return p.FdDup2(wasix.Fd(uint32(s[0])), wasix.Fd(uint32(s[1])), uint32(s[2])&0xff != 0)
		})
	}
	cur["fd_fdflags_get"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		flags, errno := p.FdFdflagsGet(wasix.Fd(uint32(s[0])))
		if errno != wasix.ErrnoSuccess {
			return errno
		}
		b, ok := span(m, uint32(s[1]), 2)
		if !ok {
			return wasix.ErrnoFault
		}
		le16(b, flags)
		return wasix.ErrnoSuccess
	}
	cur["fd_fdflags_set"] = func(_ context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
		flags := uint32(s[1])
		if flags > 0xffff {
			return wasix.ErrnoInval
		}
		return p.FdFdflagsSet(wasix.Fd(uint32(s[0])), uint16(flags))
	}
	cur["path_open2"] = func(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		ext := uint32(s[8])
		if ext > 0xffff {
			return wasix.ErrnoInval
		}
		return pathOpen(ctx, p, m, s, uint16(ext), 9)
	}
}

// fd_pipe(fd0*, fd1*): read end then write end, or two two-way ends.
func fdPipe(p *kernel.Process, m api.Memory, s []uint64, bidirectional bool) wasix.Errno {
	o0, o1 := uint32(s[0]), uint32(s[1])
	_, ok0 := span(m, o0, 4)
	_, ok1 := span(m, o1, 4)
	if !ok0 || !ok1 {
		return wasix.ErrnoFault
	}
	a, b, errno := p.Pipe(bidirectional)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	writeU32(m, o0, uint32(a))
	writeU32(m, o1, uint32(b))
	return wasix.ErrnoSuccess
}

// Linux's eventfd flags, as wasix-libc's eventfd passes them to fd_event
// unchanged: EFD_SEMAPHORE is the witx semaphore bit, EFD_NONBLOCK is
// O_NONBLOCK (fdflags nonblock) and EFD_CLOEXEC is O_CLOEXEC (fdflagsext
// cloexec shifted to bit 30).
const (
	efdNonblock = 1 << 2
	efdCloexec  = 1 << 30
)

// fd_event(initial, flags, ro_fd*) of today's WASIX: the witx flags plus
// the nonblock and close-on-exec bits of Linux's eventfd.
func fdEventCurrent(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	return putResult(m, uint32(s[2]), func() (wasix.Fd, wasix.Errno) {
		flags := uint32(s[1])
		var fdflags wasix.Fdflags
		if flags&efdNonblock != 0 {
			fdflags = wasix.FdflagsNonblock
		}
		return p.EventFDWith(s[0], wasix.Eventfdflags(flags&^(efdNonblock|efdCloexec)), fdflags, flags&efdCloexec != 0)
	})
}
