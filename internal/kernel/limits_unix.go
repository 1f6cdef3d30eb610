//go:build unix

package kernel

import "golang.org/x/sys/unix"

func rlimitNoFile() uint64 {
	var rl unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err != nil || rl.Cur == unix.RLIM_INFINITY {
		return 8192
	}
	return rl.Cur
}
