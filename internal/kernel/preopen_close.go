package kernel

import "github.com/wasix-go/wasix"

// Closing a preopen: WASIX programs (every generation) keep their
// preopens open across fd_close, as Wasmer does. wasix-libc resolves every
// path, relative ones through its own cwd, against the preopen descriptors
// it found at start, so a program that closes all its descriptors (as
// daemons and shells do) would otherwise lose the filesystem. Plain WASI
// programs close them.
func (p *Process) keepsPreopen(e fdEntry) bool {
	return e.isPreopen && p.rules().keepPreopens
}

// closePreopenKept reports whether fd_close of fd is to succeed without
// closing: fd is a preopen the program's generation keeps.
func (p *Process) closePreopenKept(fd wasix.Fd) bool {
	e, errno := p.fds.get(fd, 0)
	return errno == wasix.ErrnoSuccess && p.keepsPreopen(e)
}
