package kernel

import (
	"context"
	"strings"
	"sync"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/vfs"
)

// fileObj is a file, directory or device of the vfs.
type fileObj struct {
	f   vfs.File
	typ vfs.FileType

	// path is the absolute guest path, the anchor of path calls on a
	// directory. The vfs resolves by path, so the kernel moves the anchors
	// of open directories when a rename moves them (see dirRegistry).
	mu   sync.Mutex
	path string
	ns   *vfs.Namespace // the namespace path belongs to; set for directories
	k    *Kernel

	host *hostFDs // set when f holds a host descriptor (limits.go)
}

// countHost counts o's file against the runtime's host descriptors if it
// holds one, and reports false (closing nothing) past the limit.
func (k *Kernel) countHost(o *fileObj) bool {
	if !vfs.HostBacked(o.f) {
		return true
	}
	if !k.host.take() {
		return false
	}
	o.host = &k.host
	return true
}

func (o *fileObj) anchor() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.path
}

// newDirObj makes the object of an open directory and registers it so
// that renames keep its anchor right.
func (k *Kernel) newDirObj(f vfs.File, ns *vfs.Namespace, path string) *fileObj {
	o := &fileObj{f: f, typ: vfs.TypeDir, path: path, ns: ns, k: k}
	k.dirsMu.Lock()
	k.dirs[o] = struct{}{}
	k.dirsMu.Unlock()
	return o
}

// moved rewrites the anchors of the open directories of ns, and the
// working directories of its processes, at or below from to lie below to.
func (k *Kernel) moved(ns *vfs.Namespace, from, to string) {
	rebase := func(p string) (string, bool) {
		switch {
		case p == from:
			return to, true
		case strings.HasPrefix(p, from+"/"):
			return to + p[len(from):], true
		}
		return p, false
	}
	k.dirsMu.Lock()
	for o := range k.dirs {
		if o.ns == ns {
			o.mu.Lock()
			o.path, _ = rebase(o.path)
			o.mu.Unlock()
		}
	}
	k.dirsMu.Unlock()
	k.mu.Lock()
	procs := make([]*Process, 0, len(k.procs))
	for _, p := range k.procs {
		if p.ns == ns {
			procs = append(procs, p)
		}
	}
	k.mu.Unlock()
	for _, p := range procs {
		p.cwdMu.Lock()
		p.cwd, _ = rebase(p.cwd)
		p.cwdMu.Unlock()
	}
}

// vectored applies one transfer to each buffer in turn, as readv and
// writev do: it stops at the first short transfer, and an error after some
// bytes moved is reported as the count alone (the next call sees it).
// done is the number of bytes moved before the buffer, for offsets.
func vectored(bufs [][]byte, transfer func(b []byte, done int) (int, error)) (int, error) {
	n := 0
	for _, b := range bufs {
		if len(b) == 0 {
			continue
		}
		m, err := transfer(b, n)
		n += m
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		if m < len(b) {
			break
		}
	}
	return n, nil
}

// single is vectored's answer for one buffer: bytes moved hide an error.
func single(n int, err error) (int, error) {
	if err != nil && n > 0 {
		return n, nil
	}
	return n, err
}

func (o *fileObj) read(_ context.Context, bufs [][]byte, _ bool) (int, error) {
	if len(bufs) == 1 && len(bufs[0]) > 0 { // the usual call, without a closure
		return single(o.f.Read(bufs[0]))
	}
	return vectored(bufs, func(b []byte, _ int) (int, error) { return o.f.Read(b) })
}

func (o *fileObj) write(_ context.Context, bufs [][]byte, _ bool) (int, error) {
	if len(bufs) == 1 && len(bufs[0]) > 0 {
		return single(o.f.Write(bufs[0]))
	}
	return vectored(bufs, func(b []byte, _ int) (int, error) { return o.f.Write(b) })
}

func (o *fileObj) pread(bufs [][]byte, off int64) (int, error) {
	return vectored(bufs, func(b []byte, done int) (int, error) { return o.f.Pread(b, off+int64(done)) })
}

func (o *fileObj) pwrite(bufs [][]byte, off int64) (int, error) {
	return vectored(bufs, func(b []byte, done int) (int, error) { return o.f.Pwrite(b, off+int64(done)) })
}

func (o *fileObj) stat() (vfs.Stat, error) { return o.f.Stat() }

func (o *fileObj) filetype() wasix.Filetype { return FiletypeOf(o.typ) }

// poll: files are always ready; for reading, nbytes is what is left
// before the end of the file.
func (o *fileObj) poll(write bool) (bool, uint64, bool) {
	if write || o.typ != vfs.TypeRegular {
		return true, 0, false
	}
	st, err := o.f.Stat()
	if err != nil {
		return true, 0, false
	}
	off, err := o.f.Seek(0, vfs.SeekCurrent)
	if err != nil || off >= st.Size {
		return true, 0, false
	}
	return true, uint64(st.Size - off), false
}

func (o *fileObj) waiters() []*waitq { return nil }
func (o *fileObj) close() error {
	if o.k != nil {
		o.k.dirsMu.Lock()
		delete(o.k.dirs, o)
		o.k.dirsMu.Unlock()
	}
	if o.host != nil {
		o.host.put()
	}
	return o.f.Close()
}

// FiletypeOf converts a vfs type to the wasi one; wasi has no FIFO, which
// is reported as unknown.
func FiletypeOf(t vfs.FileType) wasix.Filetype {
	switch t {
	case vfs.TypeBlockDevice, vfs.TypeCharDevice, vfs.TypeDir, vfs.TypeRegular, vfs.TypeSocket, vfs.TypeSymlink:
		return wasix.Filetype(t)
	}
	return wasix.FiletypeUnknown
}
