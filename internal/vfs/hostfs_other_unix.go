//go:build unix && !linux

package vfs

import (
	"io/fs"
	"syscall"
)

// hostIdentity fills in the device, inode and link count that the
// portable HostFS cannot get from fs.FileInfo alone.
func hostIdentity(fi fs.FileInfo, st *Stat) {
	if s, ok := fi.Sys().(*syscall.Stat_t); ok {
		st.Dev, st.Ino, st.Nlink = uint64(s.Dev), uint64(s.Ino), uint64(s.Nlink)
	}
}
