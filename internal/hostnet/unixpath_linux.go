package hostnet

import (
	"strconv"

	"golang.org/x/sys/unix"
)

// openDirNoLinks opens the directory dir (absolute) for reference only,
// failing with ELOOP if any component of it is a symbolic link.
func openDirNoLinks(dir string) (int, error) {
	how := unix.OpenHow{
		Flags:   unix.O_PATH | unix.O_DIRECTORY | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	}
	return unix.Openat2(unix.AT_FDCWD, dir, &how)
}

// viaFd names base inside the directory open as dfd, for a socket call:
// the kernel resolves the descriptor itself, not the path it came from.
func viaFd(dfd int, base string) string {
	return "/proc/self/fd/" + strconv.Itoa(dfd) + "/" + base
}

// socketFile opens the last component base of a unix socket path in the
// directory dfd without following it, and returns a name that reaches
// that very file (/proc/self/fd/M, the descriptor pinning its inode), so
// that a link swapped in after the check is never followed. A link is
// refused; a name that does not exist, or is no socket, returns "" and
// the call fails on its own (ENOENT, ECONNREFUSED).
func socketFile(dfd int, base string) (string, func(), error) {
	fd, err := unix.Openat(dfd, base, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", nil, nil
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return "", nil, nil
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFLNK:
		unix.Close(fd)
		return "", nil, errUnixPath
	case unix.S_IFSOCK:
		return "/proc/self/fd/" + strconv.Itoa(fd), func() { unix.Close(fd) }, nil
	}
	unix.Close(fd)
	return "", nil, nil
}
