//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package kernel

import "golang.org/x/sys/unix"

func fdIsTerminal(fd int) bool {
	_, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	return err == nil
}

func termSize(fd int) (cols, rows, width, height uint32, ok bool) {
	ws, err := unix.IoctlGetWinsize(fd, unix.TIOCGWINSZ)
	if err != nil || ws.Col == 0 {
		return 0, 0, 0, 0, false
	}
	return uint32(ws.Col), uint32(ws.Row), uint32(ws.Xpixel), uint32(ws.Ypixel), true
}

func termModes(fd int) (echo, line, ok bool) {
	t, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return false, false, false
	}
	return t.Lflag&unix.ECHO != 0, t.Lflag&unix.ICANON != 0, true
}

func termSave(fd int) (any, bool) {
	t, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return nil, false
	}
	return *t, true
}

func termSetModes(fd int, echo, line bool) bool {
	t, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return false
	}
	if echo {
		t.Lflag |= unix.ECHO
	} else {
		t.Lflag &^= unix.ECHO
	}
	if line {
		t.Lflag |= unix.ICANON
	} else {
		t.Lflag &^= unix.ICANON
	}
	if !line {
		t.Cc[unix.VMIN], t.Cc[unix.VTIME] = 1, 0
	}
	return unix.IoctlSetTermios(fd, ioctlSetTermios, t) == nil
}

func termRestore(fd int, saved any) {
	if t, ok := saved.(unix.Termios); ok {
		_ = unix.IoctlSetTermios(fd, ioctlSetTermios, &t)
	}
}
