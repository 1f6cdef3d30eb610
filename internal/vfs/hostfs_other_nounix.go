//go:build !unix

package vfs

import "io/fs"

// hostIdentity keeps the made-up identity: this platform's FileInfo has no
// portable inode number or link count.
func hostIdentity(fs.FileInfo, *Stat) {}
