//go:build unix

package kernel

import "golang.org/x/sys/unix"

func rlimitNoFile() uint64 {
	var rl unix.Rlimit
	// Cur is signed on some systems (FreeBSD), unsigned on others.
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err != nil || rl.Cur == unix.RLIM_INFINITY {
		return 8192
	}
	return uint64(rl.Cur)
}
