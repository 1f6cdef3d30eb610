package vfs

import (
	"cmp"
	"path"
	"slices"
	"strings"
	"sync"
	"syscall"
)

// maxSymlinks bounds the symlinks one resolution may follow, as Linux does.
const maxSymlinks = 40

// pathMax bounds the length of a path handed to Resolve, as PATH_MAX does.
const pathMax = 4096

// Namespace is a process's view of the filesystems: a mount table mapping
// absolute guest paths to FS values. Clone gives a child process its own
// table that shares the same FS objects, so every process of a runtime sees
// the same files. A Namespace is safe for concurrent use.
type Namespace struct {
	mu     sync.RWMutex
	mounts []mount // longest path first; replaced, never modified in place
}

type mount struct {
	path string // absolute, clean guest path
	fs   FS     // wrapped by ReadOnly if ro
	ro   bool
}

// MountInfo describes one entry of the mount table.
type MountInfo struct {
	Path     string // absolute guest path of the mount point
	FS       FS     // the filesystem as mounted (a ReadOnly wrapper if read-only)
	ReadOnly bool
}

// Resolved is the outcome of a path walk.
type Resolved struct {
	FS        FS     // filesystem holding the final component
	Name      string // name within FS ("." for its root)
	Path      string // absolute clean guest path
	Mount     string // guest path of the mount holding it
	ReadOnly  bool   // the mount is read-only
	MustBeDir bool   // the path ended in "/", "." or "..": only a directory will do
	// Synthetic reports a directory that exists only because a mount lies
	// at or below it, absent from the filesystem beneath.
	Synthetic bool

	stat *Stat // Lstat of the final component, if the walk made one
}

// NewNamespace returns a namespace with root mounted at "/", writable.
func NewNamespace(root FS) *Namespace {
	return &Namespace{mounts: []mount{{path: "/", fs: root}}}
}

// Mount attaches fs at the absolute guest path, replacing an earlier mount
// at the same path. The path need not exist in the parent filesystem: it,
// and any missing ancestors, appear as directories. With readOnly every
// change through this mount fails with EROFS.
func (ns *Namespace) Mount(guestPath string, fs FS, readOnly bool) error {
	if fs == nil || !strings.HasPrefix(guestPath, "/") {
		return syscall.EINVAL
	}
	p := path.Clean(guestPath)
	if readOnly {
		fs = ReadOnly(fs)
	}
	ns.mu.Lock()
	defer ns.mu.Unlock()
	ms := slices.DeleteFunc(slices.Clone(ns.mounts), func(m mount) bool { return m.path == p })
	ms = append(ms, mount{path: p, fs: fs, ro: readOnly})
	slices.SortFunc(ms, func(a, b mount) int {
		return cmp.Or(cmp.Compare(len(b.path), len(a.path)), strings.Compare(a.path, b.path))
	})
	ns.mounts = ms
	return nil
}

// Mounts lists the mount table, shortest path first.
func (ns *Namespace) Mounts() []MountInfo {
	ms := ns.snapshot()
	out := make([]MountInfo, len(ms))
	for i, m := range ms {
		out[len(ms)-1-i] = MountInfo{Path: m.path, FS: m.fs, ReadOnly: m.ro}
	}
	return out
}

// Clone returns an independent copy of the mount table sharing the FS
// objects; later mounts in either do not affect the other.
func (ns *Namespace) Clone() *Namespace {
	return &Namespace{mounts: ns.snapshot()}
}

func (ns *Namespace) snapshot() []mount {
	ns.mu.RLock()
	defer ns.mu.RUnlock()
	return ns.mounts
}

// table is one consistent view of the mounts, used for a whole operation.
type table []mount

// find returns the mount holding the absolute clean path p and the name of
// p within it.
func (t table) find(p string) (mount, string) {
	for _, m := range t {
		switch {
		case m.path == p:
			return m, "."
		case m.path == "/":
			return m, p[1:]
		case strings.HasPrefix(p, m.path) && p[len(m.path)] == '/':
			return m, p[len(m.path)+1:]
		}
	}
	panic("vfs: namespace without a root mount")
}

// covers reports whether p is a mount point other than "/" or an ancestor of
// one: such a path is a directory whatever the filesystem beneath says.
func (t table) covers(p string) bool {
	for _, m := range t {
		if m.path != "/" && (m.path == p || isBelow(m.path, p)) {
			return true
		}
	}
	return false
}

// children lists the names directly below directory p that mounts occupy.
func (t table) children(p string) []string {
	var names []string
	for _, m := range t {
		if m.path != "/" && isBelow(m.path, p) {
			rest := strings.TrimPrefix(m.path[len(p):], "/")
			name, _, _ := strings.Cut(rest, "/")
			if !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
	}
	slices.Sort(names)
	return names
}

// isBelow reports whether p lies strictly under dir.
func isBelow(p, dir string) bool {
	if dir == "/" {
		return p != "/"
	}
	return strings.HasPrefix(p, dir) && len(p) > len(dir) && p[len(dir)] == '/'
}

// Resolve walks path (absolute, or relative to anchor, the absolute clean
// guest path of a directory) one component at a time. Symlinks in
// intermediate components are always followed, the final one only if
// followFinal or the path ends in "/"; after 40 symlinks it gives ELOOP.
// Absolute symlink targets restart at "/", ".." never climbs above "/", and
// when anchor is not "/" a ".." or a relative symlink target that climbs
// above anchor gives ErrNotCapable. A missing final component is not an
// error (the caller may be about to create it); a missing intermediate one
// gives ENOENT, and a non-directory one ENOTDIR.
func (ns *Namespace) Resolve(anchor, path string, followFinal bool) (Resolved, error) {
	return ns.resolve(table(ns.snapshot()), anchor, path, followFinal)
}

func (ns *Namespace) resolve(t table, anchor, p string, followFinal bool) (Resolved, error) {
	switch {
	case p == "":
		return Resolved{}, syscall.ENOENT
	case len(p) > pathMax:
		return Resolved{}, syscall.ENAMETOOLONG
	case strings.IndexByte(p, 0) >= 0:
		return Resolved{}, syscall.EINVAL
	}
	var stack []string // components of the directory reached so far
	floor := 0         // len(stack) may not drop below this
	if p[0] != '/' {
		if !strings.HasPrefix(anchor, "/") {
			return Resolved{}, syscall.EINVAL
		}
		for c := range strings.SplitSeq(anchor, "/") {
			if c != "" && c != "." {
				stack = append(stack, c)
			}
		}
		floor = len(stack)
	}

	rest := p // what is left to walk; begins with "/" after the first step
	links := 0
	mustDir := false
	fresh := true // rest has not been offered to skipDirs yet
	var final *Stat
	for {
		if fresh {
			stack, rest = t.skipDirs(stack, rest)
			fresh = false
		}
		rest = strings.TrimLeft(rest, "/")
		if rest == "" {
			break
		}
		c, after, _ := strings.Cut(rest, "/")
		rest = rest[len(c):]
		last := strings.TrimLeft(after, "/") == ""
		trailing := last && rest != ""
		switch c {
		case ".":
			mustDir = mustDir || last
			continue
		case "..":
			mustDir = mustDir || last
			if len(stack) == floor {
				if floor > 0 {
					return Resolved{}, ErrNotCapable
				}
				continue
			}
			stack = stack[:len(stack)-1]
			continue
		}
		if len(c) > nameMax {
			return Resolved{}, syscall.ENAMETOOLONG
		}
		stack = append(stack, c)
		if last {
			mustDir = trailing
			if !followFinal && !trailing {
				break
			}
		}
		gp := "/" + strings.Join(stack, "/")
		if t.covers(gp) {
			continue
		}
		m, name := t.find(gp)
		st, err := m.fs.Lstat(name)
		if err != nil {
			if err == syscall.ENOENT && last {
				break
			}
			return Resolved{}, err
		}
		if last {
			final = &st
		}
		switch st.Type {
		case TypeDir:
		case TypeSymlink:
			final = nil
			if links++; links > maxSymlinks {
				return Resolved{}, syscall.ELOOP
			}
			target, err := m.fs.Readlink(name)
			if err != nil {
				return Resolved{}, err
			}
			if target == "" {
				return Resolved{}, syscall.ENOENT
			}
			stack = stack[:len(stack)-1]
			if target[0] == '/' {
				stack, floor = stack[:0], 0
			}
			rest = target + rest
			fresh = true
			if len(rest) > pathMax {
				return Resolved{}, syscall.ENAMETOOLONG
			}
		default:
			if !last || trailing {
				return Resolved{}, syscall.ENOTDIR
			}
		}
	}

	gp := "/" + strings.Join(stack, "/")
	m, name := t.find(gp)
	r := Resolved{FS: m.fs, Name: name, Path: gp, Mount: m.path, ReadOnly: m.ro, MustBeDir: mustDir, stat: final}
	if name != "." && t.covers(gp) {
		if st, err := m.fs.Lstat(name); err != nil || st.Type != TypeDir {
			r.Synthetic = true
		}
	}
	return r, nil
}

// strictLstater is implemented by filesystems whose Lstat fails with ELOOP
// when a component before the last is a symlink, instead of following it.
// For them one Lstat can vouch that a whole chain of components consists of
// real directories.
type strictLstater interface{ strictLstat() bool }

// skipDirs is the fast path of the walk: it checks the leading plain
// components of rest, all but the last, with a single Lstat when they lie
// in one strict filesystem, and on success moves them onto stack. On any
// failure it changes nothing and the walk goes one component at a time.
func (t table) skipDirs(stack []string, rest string) ([]string, string) {
	var comps []string
	r := rest
	for {
		s := strings.TrimLeft(r, "/")
		c, after, found := strings.Cut(s, "/")
		if !found || strings.TrimLeft(after, "/") == "" || c == "" || c == "." || c == ".." || len(c) > nameMax {
			break
		}
		comps = append(comps, c)
		r = s[len(c):]
	}
	if len(comps) < 2 {
		return stack, rest // one component costs one Lstat either way
	}
	dir := "/" + strings.Join(stack, "/")
	from, _ := t.find(dir)
	gp := dir
	for _, c := range comps {
		gp = path.Join(gp, c)
		if t.covers(gp) {
			return stack, rest
		}
	}
	m, name := t.find(gp)
	if s, ok := m.fs.(strictLstater); m.path != from.path || !ok || !s.strictLstat() {
		return stack, rest
	}
	if st, err := m.fs.Lstat(name); err != nil || st.Type != TypeDir {
		return stack, rest
	}
	return append(stack, comps...), r
}

// lastElem returns the last component written in p, ignoring trailing
// slashes, and whether p had any.
func lastElem(p string) (elem string, trailing bool) {
	q := strings.TrimRight(p, "/")
	if q == "" {
		return "/", false
	}
	return q[strings.LastIndexByte(q, '/')+1:], len(q) < len(p)
}

// stripSlash removes trailing slashes from p, keeping a lone "/".
func stripSlash(p string) string {
	if q := strings.TrimRight(p, "/"); q != "" {
		return q
	}
	if p == "" {
		return p
	}
	return "/"
}

// Open opens path relative to anchor (see Resolve), following a final
// symlink unless flags has ONoFollow (or OCreate|OExcl, which never
// follows), and returns the file with its absolute guest path, to be used
// as the anchor of later calls if it is a directory. Listings of a directory
// include the mount points directly below it.
func (ns *Namespace) Open(anchor, path string, flags OpenFlags, perm uint32) (File, string, error) {
	t := table(ns.snapshot())
	follow := flags&ONoFollow == 0 && flags&(OCreate|OExcl) != OCreate|OExcl
	r, err := ns.resolve(t, anchor, path, follow)
	if err != nil {
		return nil, "", err
	}
	if r.MustBeDir {
		if flags&OCreate != 0 {
			return nil, "", syscall.EISDIR
		}
		flags |= ODirectory
	}
	var f File
	if r.Synthetic {
		switch {
		case flags&(OCreate|OExcl) == OCreate|OExcl:
			return nil, "", syscall.EEXIST
		case flags&(OWrite|OTrunc|OCreate) != 0:
			return nil, "", syscall.EISDIR
		}
		f = &synthDir{path: r.Path}
	} else if f, err = r.FS.Open(r.Name, flags, perm); err != nil {
		return nil, "", err
	}
	if kids := t.children(r.Path); len(kids) > 0 {
		f = &mergeDir{File: f, kids: kids, base: r.Path}
	}
	return f, r.Path, nil
}

// Stat describes the object at path, following a final symlink if follow.
// A path ending in "/" must name a directory (ENOTDIR otherwise).
func (ns *Namespace) Stat(anchor, path string, follow bool) (Stat, error) {
	r, err := ns.Resolve(anchor, path, follow)
	if err != nil {
		return Stat{}, err
	}
	if r.Synthetic {
		return synthStat(r.Path), nil
	}
	var st Stat
	if r.stat != nil {
		st = *r.stat
	} else {
		st, err = r.FS.Lstat(r.Name)
	}
	if err == nil && r.MustBeDir && st.Type != TypeDir {
		return Stat{}, syscall.ENOTDIR
	}
	return st, err
}

// Mkdir creates a directory at path; a trailing "/" is allowed.
func (ns *Namespace) Mkdir(anchor, path string, perm uint32) error {
	r, err := ns.resolveNew(anchor, path)
	if err != nil {
		return err
	}
	return r.FS.Mkdir(r.Name, perm)
}

// resolveNew resolves path for Mkdir and Symlink, which add an entry
// there: EEXIST where the namespace already has one.
func (ns *Namespace) resolveNew(anchor, path string) (Resolved, error) {
	if e, _ := lastElem(path); notEntry(e) {
		return Resolved{}, ns.badEntry(anchor, path, syscall.EEXIST)
	}
	r, err := ns.Resolve(anchor, stripSlash(path), false)
	if err != nil {
		return Resolved{}, err
	}
	if r.Name == "." || r.Synthetic {
		return Resolved{}, syscall.EEXIST
	}
	return r, nil
}

// notEntry reports whether e, a lastElem, is ".", ".." or "/", which
// name no entry that could be added or removed.
func notEntry(e string) bool { return e == "." || e == ".." || e == "/" }

// badEntry is the error of a call that would add or remove the notEntry
// path ends in: the error of walking to it if any (ENOTDIR for "file/.",
// ENOENT for "missing/..", as Linux walks the path before it looks at the
// last part), else want.
func (ns *Namespace) badEntry(anchor, path string, want error) error {
	if _, err := ns.Resolve(anchor, path, false); err != nil {
		return err
	}
	return want
}

// Rmdir removes the empty directory at path. Mount points and the
// directories leading to them give EBUSY.
func (ns *Namespace) Rmdir(anchor, path string) error {
	switch e, _ := lastElem(path); e {
	case ".":
		return ns.badEntry(anchor, path, syscall.EINVAL)
	case "..":
		return ns.badEntry(anchor, path, syscall.ENOTEMPTY)
	case "/":
		return syscall.EBUSY
	}
	t := table(ns.snapshot())
	r, err := ns.resolve(t, anchor, stripSlash(path), false)
	if err != nil {
		return err
	}
	if r.Name == "." || t.covers(r.Path) {
		return syscall.EBUSY
	}
	return r.FS.Rmdir(r.Name)
}

// Unlink removes the non-directory at path: EISDIR for a directory, and
// ENOTDIR for a non-directory named with a trailing "/".
func (ns *Namespace) Unlink(anchor, path string) error {
	e, trailing := lastElem(path)
	if notEntry(e) {
		return ns.badEntry(anchor, path, syscall.EISDIR)
	}
	r, err := ns.Resolve(anchor, path, false)
	if err != nil {
		return err
	}
	if r.Name == "." || r.Synthetic {
		return syscall.EISDIR
	}
	if trailing {
		st, err := r.FS.Lstat(r.Name)
		switch {
		case err != nil:
			return err
		case st.Type == TypeDir:
			return syscall.EISDIR
		}
		return syscall.ENOTDIR
	}
	return r.FS.Unlink(r.Name)
}

// Rename moves oldPath (relative to oldAnchor) to newPath (relative to
// newAnchor) as rename(2) does; EXDEV if they lie on different mounts, EBUSY
// for a mount point.
func (ns *Namespace) Rename(oldAnchor, oldPath, newAnchor, newPath string) error {
	oe, otr := lastElem(oldPath)
	ne, ntr := lastElem(newPath)
	if notEntry(oe) {
		return ns.badEntry(oldAnchor, oldPath, syscall.EBUSY)
	}
	if notEntry(ne) {
		return ns.badEntry(newAnchor, newPath, syscall.EBUSY)
	}
	t := table(ns.snapshot())
	from, err := ns.resolve(t, oldAnchor, stripSlash(oldPath), false)
	if err != nil {
		return err
	}
	to, err := ns.resolve(t, newAnchor, stripSlash(newPath), false)
	if err != nil {
		return err
	}
	if from.Name == "." || to.Name == "." || t.covers(from.Path) || t.covers(to.Path) {
		return syscall.EBUSY
	}
	if from.Mount != to.Mount {
		return syscall.EXDEV
	}
	if otr || ntr {
		st, err := from.FS.Lstat(from.Name)
		if err != nil {
			return err
		}
		if st.Type != TypeDir {
			return syscall.ENOTDIR
		}
	}
	return from.FS.Rename(from.Name, to.Name)
}

// Link creates newPath as a hard link to oldPath, following a final symlink
// of oldPath if follow; EXDEV across mounts.
func (ns *Namespace) Link(oldAnchor, oldPath string, follow bool, newAnchor, newPath string) error {
	if e, _ := lastElem(newPath); notEntry(e) {
		return ns.badEntry(newAnchor, newPath, syscall.EEXIST)
	}
	t := table(ns.snapshot())
	from, err := ns.resolve(t, oldAnchor, oldPath, follow)
	if err != nil {
		return err
	}
	to, err := ns.resolve(t, newAnchor, stripSlash(newPath), false)
	if err != nil {
		return err
	}
	switch {
	case from.Synthetic || from.Name == ".":
		return syscall.EPERM // a directory
	case to.Synthetic || to.Name == ".":
		return syscall.EEXIST
	case from.Mount != to.Mount:
		return syscall.EXDEV
	}
	return from.FS.Link(from.Name, to.Name)
}

// Symlink creates a symlink at path with the given target, which is stored
// as is and interpreted only when the link is followed.
func (ns *Namespace) Symlink(target, anchor, path string) error {
	r, err := ns.resolveNew(anchor, path)
	if err != nil {
		return err
	}
	return r.FS.Symlink(target, r.Name)
}

// Readlink returns the target of the symlink at path; EINVAL if it is not a
// symlink.
func (ns *Namespace) Readlink(anchor, path string) (string, error) {
	r, err := ns.Resolve(anchor, path, false)
	if err != nil {
		return "", err
	}
	if r.Name == "." || r.Synthetic {
		return "", syscall.EINVAL
	}
	return r.FS.Readlink(r.Name)
}

// SetTimes sets the times of the object at path, following a final symlink
// if follow. A nil time is left alone; TimeNow means the current time.
func (ns *Namespace) SetTimes(anchor, path string, atim, mtim *int64, follow bool) error {
	r, err := ns.Resolve(anchor, path, follow)
	if err != nil {
		return err
	}
	if r.Synthetic {
		return syscall.EROFS
	}
	return r.FS.SetTimes(r.Name, atim, mtim)
}

// synthDev is the device id of the synthetic directories.
var synthDev = newDev()

func synthStat(p string) Stat {
	return Stat{Dev: synthDev, Ino: nameIno(p), Type: TypeDir, Nlink: 2, Mode: 0o555}
}

// synthDir is an open synthetic directory: it lists only mount points, which
// mergeDir adds.
type synthDir struct {
	path   string
	mu     sync.Mutex
	closed bool
}

func (d *synthDir) alive() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return syscall.EBADF
	}
	return nil
}

func (d *synthDir) Read([]byte) (int, error)          { return 0, syscall.EISDIR }
func (d *synthDir) Write([]byte) (int, error)         { return 0, syscall.EBADF }
func (d *synthDir) Pread([]byte, int64) (int, error)  { return 0, syscall.EISDIR }
func (d *synthDir) Pwrite([]byte, int64) (int, error) { return 0, syscall.EBADF }
func (d *synthDir) Seek(int64, int) (int64, error)    { return 0, d.alive() }
func (d *synthDir) Stat() (Stat, error)               { return synthStat(d.path), d.alive() }
func (d *synthDir) Truncate(int64) error              { return syscall.EINVAL }
func (d *synthDir) Sync() error                       { return d.alive() }
func (d *synthDir) Datasync() error                   { return d.alive() }
func (d *synthDir) Allocate(int64, int64) error       { return syscall.EBADF }
func (d *synthDir) Advise(int64, int64, int) error    { return d.alive() }
func (d *synthDir) ReadDir() ([]Dirent, error)        { return nil, d.alive() }
func (d *synthDir) SetTimes(atim, mtim *int64) error  { return syscall.EROFS }
func (d *synthDir) SetAppend(bool) error              { return d.alive() }
func (d *synthDir) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return syscall.EBADF
	}
	d.closed = true
	return nil
}

// mergeDir is a directory with mount points below it: its listing shows the
// mounts, as directories, in place of whatever the filesystem has there.
type mergeDir struct {
	File
	kids []string
	base string
}

func (d *mergeDir) ReadDir() ([]Dirent, error) {
	ents, err := d.File.ReadDir()
	if err != nil {
		return nil, err
	}
	ents = slices.DeleteFunc(ents, func(e Dirent) bool { return slices.Contains(d.kids, e.Name) })
	for _, k := range d.kids {
		ents = append(ents, Dirent{Name: k, Ino: synthStat(path.Join(d.base, k)).Ino, Type: TypeDir})
	}
	slices.SortFunc(ents, func(a, b Dirent) int { return strings.Compare(a.Name, b.Name) })
	return ents, nil
}
