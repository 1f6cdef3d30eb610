//go:build linux || darwin

package hostnet

import (
	"strings"

	"golang.org/x/sys/unix"
)

// A unix socket path is a host path, outside every mount, which the policy
// allows by its text (a unix: rule). The host's kernel would then follow
// symbolic links on the way, and a guest that can write inside an allowed
// directory could plant one pointing anywhere: connect to any socket of
// the host, bind a socket file anywhere. So a path is resolved here
// without following links: its directory is opened with every link
// refused (openat2 RESOLVE_NO_SYMLINKS on Linux), the socket call goes
// through that descriptor (/proc/self/fd/N/NAME), and a link as the last
// component is refused for connect and send_to (bind never follows one:
// an existing name is EADDRINUSE). ".." is refused outright: the policy
// compared the cleaned text, the host would resolve the link before it.

// errUnixPath is the error of a unix path the runtime will not use; the
// kernel reports it as EACCES, as a policy refusal.
var errUnixPath = &DenyError{Op: OpConnect, Reason: "unix socket paths may not contain symbolic links or \"..\""}

// unixSockaddr returns the sockaddr for the unix socket path p and the
// function that releases what it holds once the call is over.
func unixSockaddr(p string, connect bool) (unix.Sockaddr, func(), error) {
	nop := func() {}
	if len(p) >= 108 {
		return nil, nop, unix.ENAMETOOLONG
	}
	if p == "" || p[0] == 0 { // unnamed or abstract: no file
		return &unix.SockaddrUnix{Name: p}, nop, nil
	}
	if !strings.HasPrefix(p, "/") {
		return nil, nop, errUnixPath // relative to the host's cwd: never
	}
	for _, c := range strings.Split(p, "/") {
		if c == ".." {
			return nil, nop, errUnixPath
		}
	}
	i := strings.LastIndexByte(strings.TrimRight(p, "/"), '/')
	dir, base := p[:i+1], strings.TrimRight(p[i+1:], "/")
	if base == "" || base == "." {
		return nil, nop, unix.EINVAL
	}
	dfd, err := openDirNoLinks(dir)
	if err != nil {
		if err == unix.ELOOP || err == unix.ENOTDIR {
			return nil, nop, errUnixPath
		}
		return nil, nop, err
	}
	release := func() { unix.Close(dfd) }
	name := viaFd(dfd, base)
	if connect {
		// The socket file itself, never a link in its place.
		n, done, err := socketFile(dfd, base)
		if err != nil {
			release()
			return nil, nop, err
		}
		if n != "" {
			name = n
			inner := release
			release = func() { done(); inner() }
		}
	}
	if len(name) >= 108 {
		release()
		return nil, nop, unix.ENAMETOOLONG
	}
	return &unix.SockaddrUnix{Name: name}, release, nil
}
