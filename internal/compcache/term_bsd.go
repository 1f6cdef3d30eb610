//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package compcache

import "golang.org/x/sys/unix"

const ioctlGetTermios = unix.TIOCGETA
