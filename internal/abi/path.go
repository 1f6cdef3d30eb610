package abi

import (
	"context"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

func init() {
	c := preview1Calls
	c["path_create_directory"] = fdPath((*kernel.Process).PathCreateDirectory)
	c["path_filestat_get"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		path, ok := guestString(m, uint32(s[2]), uint32(s[3]))
		if !ok {
			return wasix.ErrnoFault
		}
		if !knownLookup(s[1]) {
			return wasix.ErrnoInval
		}
		st, errno := p.PathFilestatGet(wasix.Fd(uint32(s[0])), follow(s[1]), path)
		if errno != wasix.ErrnoSuccess {
			return errno
		}
		return putFilestat(m, uint32(s[4]), st)
	}
	c["path_filestat_set_times"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		path, ok := guestString(m, uint32(s[2]), uint32(s[3]))
		if !ok {
			return wasix.ErrnoFault
		}
		fst := uint32(s[6])
		if fst > 0xffff || !knownLookup(s[1]) {
			return wasix.ErrnoInval
		}
		return p.PathFilestatSetTimes(wasix.Fd(uint32(s[0])), follow(s[1]), path, s[4], s[5], wasix.Fstflags(fst))
	}
	c["path_link"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		oldPath, ok1 := guestString(m, uint32(s[2]), uint32(s[3]))
		newPath, ok2 := guestString(m, uint32(s[5]), uint32(s[6]))
		if !ok1 || !ok2 {
			return wasix.ErrnoFault
		}
		if !knownLookup(s[1]) {
			return wasix.ErrnoInval
		}
		return p.PathLink(wasix.Fd(uint32(s[0])), follow(s[1]), oldPath, wasix.Fd(uint32(s[4])), newPath)
	}
	c["path_open"] = func(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		return pathOpen(ctx, p, m, s, 0, 8)
	}
	c["path_readlink"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		path, ok := guestString(m, uint32(s[1]), uint32(s[2]))
		if !ok {
			return wasix.ErrnoFault
		}
		buf, ok := span(m, uint32(s[3]), uint32(s[4]))
		if !ok {
			return wasix.ErrnoFault
		}
		if len(buf) == 0 {
			return wasix.ErrnoInval // no room for any of it, as readlink(2)
		}
		out := uint32(s[5])
		if _, ok := span(m, out, 4); !ok {
			return wasix.ErrnoFault
		}
		target, errno := p.PathReadlink(wasix.Fd(uint32(s[0])), path)
		if errno != wasix.ErrnoSuccess {
			return errno
		}
		return put32(m, out, uint32(copy(buf, target))) // cut to the buffer, as readlink(2)
	}
	c["path_remove_directory"] = fdPath((*kernel.Process).PathRemoveDirectory)
	c["path_rename"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		oldPath, ok1 := guestString(m, uint32(s[1]), uint32(s[2]))
		newPath, ok2 := guestString(m, uint32(s[4]), uint32(s[5]))
		if !ok1 || !ok2 {
			return wasix.ErrnoFault
		}
		return p.PathRename(wasix.Fd(uint32(s[0])), oldPath, wasix.Fd(uint32(s[3])), newPath)
	}
	c["path_symlink"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		target, ok1 := guestString(m, uint32(s[0]), uint32(s[1]))
		path, ok2 := guestString(m, uint32(s[3]), uint32(s[4]))
		if !ok1 || !ok2 {
			return wasix.ErrnoFault
		}
		return p.PathSymlink(target, wasix.Fd(uint32(s[2])), path)
	}
	c["path_unlink_file"] = fdPath((*kernel.Process).PathUnlinkFile)
}

// fdPath makes the call (fd, path.ptr, path.len) of a kernel call on a
// directory fd and a path.
func fdPath(f func(*kernel.Process, wasix.Fd, string) wasix.Errno) call {
	return func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		path, ok := guestString(m, uint32(s[1]), uint32(s[2]))
		if !ok {
			return wasix.ErrnoFault
		}
		return f(p, wasix.Fd(uint32(s[0])), path)
	}
}

// follow decodes lookupflags.
func follow(v uint64) bool { return wasix.Lookupflags(v)&wasix.LookupflagsSymlinkFollow != 0 }

// knownLookup says lookupflags has no bit but symlink_follow: the calls
// after fstatat, utimensat and linkat refuse others with EINVAL as those
// do. (path_open's dirflags stay lenient, as open(2) ignores unknown flags.)
func knownLookup(v uint64) bool { return uint32(v)&^uint32(wasix.LookupflagsSymlinkFollow) == 0 }

// pathOpen decodes path_open(fd, dirflags, path.ptr, path.len, oflags,
// base, inheriting, fdflags, fd*) and path_open2, which has fdflagsext
// before the out-pointer: ext is its cloexec flags, out the index of the
// out-pointer.
func pathOpen(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64, ext uint16, out int) wasix.Errno {
	path, ok := guestString(m, uint32(s[2]), uint32(s[3]))
	if !ok {
		return wasix.ErrnoFault
	}
	outPtr := uint32(s[out])
	if _, ok := span(m, outPtr, 4); !ok {
		return wasix.ErrnoFault
	}
	oflags, fdflags := uint32(s[4]), uint32(s[7])
	if oflags > 0xffff || fdflags > 0xffff || ext&^kernel.FdflagsextCloexec != 0 {
		return wasix.ErrnoInval
	}
	fd, errno := p.PathOpen(ctx, wasix.Fd(uint32(s[0])), kernel.OpenRequest{
		Follow:  follow(s[1]),
		Path:    path,
		Oflags:  wasix.Oflags(oflags),
		Base:    wasix.Rights(s[5]),
		Inh:     wasix.Rights(s[6]),
		Fdflags: wasix.Fdflags(fdflags),
		Cloexec: ext&kernel.FdflagsextCloexec != 0,
	})
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	return put32(m, outPtr, uint32(fd))
}
