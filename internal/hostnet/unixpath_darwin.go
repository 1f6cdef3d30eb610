package hostnet

import (
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// openDirNoLinks opens the directory dir component by component with
// O_NOFOLLOW, failing with ELOOP at a symbolic link. Darwin has no
// /proc/self/fd, so viaFd then names the path itself: a link swapped in
// after the check is followed (a race this platform cannot close).
func openDirNoLinks(dir string) (int, error) {
	fd, err := unix.Open("/", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	for _, c := range strings.Split(dir, "/") {
		if c == "" || c == "." {
			continue
		}
		nfd, err := unix.Openat(fd, c, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		unix.Close(fd)
		if err != nil {
			return -1, err
		}
		fd = nfd
	}
	darwinDirs.Store(fd, dir)
	return fd, nil
}

func viaFd(dfd int, base string) string {
	dir, _ := darwinDirs.LoadAndDelete(dfd)
	s, _ := dir.(string)
	return s + base
}

// darwinDirs remembers the path of each directory openDirNoLinks opened.
var darwinDirs sync.Map

// socketFile refuses a link as the last component; Darwin cannot pin the
// file for the call, so a link swapped in afterwards is followed.
func socketFile(dfd int, base string) (string, func(), error) {
	var st unix.Stat_t
	if err := unix.Fstatat(dfd, base, &st, unix.AT_SYMLINK_NOFOLLOW); err == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK {
		return "", nil, errUnixPath
	}
	return "", nil, nil
}
