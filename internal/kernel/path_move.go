package kernel

import (
	"errors"
	"io"
	"path"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/wasix-go/wasix/internal/vfs"
)

// moveSeq makes the temporary names of moves unique within the runtime.
var moveSeq atomic.Uint64

// moveAcross does what rename cannot between two mounts (the in-memory
// /tmp and a host directory, say): it moves a regular file or a symlink,
// as Wasmer and mv(1) do. The source is first renamed aside within its
// own mount, so that it leaves its name at once and a read-only source
// fails before anything is written; the copy is made under a temporary
// name beside the target and renamed over it, so that the target is
// replaced whole. A failure puts the source back. Directories and special
// files still give EXDEV. from and to are the resolved (absolute) paths.
func (p *Process) moveAcross(from, to string, fromSlash, toSlash bool) error {
	ns := p.ns
	st, err := ns.Stat("/", from, false)
	if err != nil {
		return err
	}
	if st.Type != vfs.TypeRegular && st.Type != vfs.TypeSymlink {
		return syscall.EXDEV
	}
	if fromSlash || toSlash {
		return syscall.ENOTDIR
	}
	if tst, err := ns.Stat("/", to, false); err == nil && tst.Type == vfs.TypeDir {
		return syscall.EISDIR
	}
	seq := strconv.FormatUint(moveSeq.Add(1), 36)
	aside := path.Join(path.Dir(from), ".wasix-move-"+seq+"-"+path.Base(from))
	if err := ns.Rename("/", from, "/", aside); err != nil {
		return err
	}
	tmp := path.Join(path.Dir(to), ".wasix-move-"+seq+"-"+path.Base(to))
	err = copyObject(ns, aside, tmp, st)
	if err == nil {
		err = ns.Rename("/", tmp, "/", to)
	}
	if err != nil {
		ns.Unlink("/", tmp)
		if err2 := ns.Rename("/", aside, "/", from); err2 != nil {
			return errors.Join(err, err2)
		}
		return err
	}
	ns.Unlink("/", aside)
	return nil
}

// copyObject makes dst (which must not exist) a copy of the regular file
// or symlink src, with its permission bits and times.
func copyObject(ns *vfs.Namespace, src, dst string, st vfs.Stat) error {
	if st.Type == vfs.TypeSymlink {
		target, err := ns.Readlink("/", src)
		if err != nil {
			return err
		}
		return ns.Symlink(target, "/", dst)
	}
	in, _, err := ns.Open("/", src, vfs.ORead|vfs.ONoFollow, 0)
	if err != nil {
		return err
	}
	defer in.Close()
	out, _, err := ns.Open("/", dst, vfs.OWrite|vfs.OCreate|vfs.OExcl|vfs.ONoFollow, st.Mode)
	if err != nil {
		return err
	}
	_, err = io.Copy(writerOf{out}, readerOf{in})
	if err2 := out.Close(); err == nil {
		err = err2
	}
	if err == nil {
		atim, mtim := st.Atim, st.Mtim
		err = ns.SetTimes("/", dst, &atim, &mtim, false)
	}
	return err
}

// writerOf adapts a vfs.File to io.Writer (readerOf is in exec.go); with
// nothing but Read and Write, io.Copy goes through a buffer of its own.
type writerOf struct{ f vfs.File }

func (w writerOf) Write(b []byte) (int, error) { return w.f.Write(b) }

// hasTrailingSlash reports whether a path names a directory by its form.
func hasTrailingSlash(p string) bool { return len(p) > 1 && strings.HasSuffix(p, "/") }
