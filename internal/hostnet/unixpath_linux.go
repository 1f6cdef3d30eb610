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
