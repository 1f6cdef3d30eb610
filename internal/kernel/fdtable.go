package kernel

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/vfs"
)

// Rights sets given to descriptors by kind. They follow what each kind of
// object can do, so that fd_fdstat_get tells the truth.
const (
	rightsFileBase = wasix.RightsFdDatasync | wasix.RightsFdRead | wasix.RightsFdSeek |
		wasix.RightsFdFdstatSetFlags | wasix.RightsFdSync | wasix.RightsFdTell | wasix.RightsFdWrite |
		wasix.RightsFdAdvise | wasix.RightsFdAllocate | wasix.RightsFdFilestatGet |
		wasix.RightsFdFilestatSetSize | wasix.RightsFdFilestatSetTimes | wasix.RightsPollFdReadwrite

	rightsDirBase = wasix.RightsFdFdstatSetFlags | wasix.RightsFdSync | wasix.RightsFdDatasync | wasix.RightsFdAdvise |
		wasix.RightsPathCreateDirectory | wasix.RightsPathCreateFile | wasix.RightsPathLinkSource |
		wasix.RightsPathLinkTarget | wasix.RightsPathOpen | wasix.RightsFdReaddir |
		wasix.RightsPathReadlink | wasix.RightsPathRenameSource | wasix.RightsPathRenameTarget |
		wasix.RightsPathFilestatGet | wasix.RightsPathFilestatSetSize | wasix.RightsPathFilestatSetTimes |
		wasix.RightsFdFilestatGet | wasix.RightsFdFilestatSetTimes | wasix.RightsPathSymlink |
		wasix.RightsPathRemoveDirectory | wasix.RightsPathUnlinkFile

	// rightsStream covers stdio, pipes, event counters and terminals.
	rightsStream = wasix.RightsFdRead | wasix.RightsFdWrite | wasix.RightsFdFdstatSetFlags |
		wasix.RightsFdFilestatGet | wasix.RightsPollFdReadwrite | wasix.RightsFdSync | wasix.RightsFdDatasync
)

// object is what a descriptor refers to: a file of the vfs, a stream of
// the process, a pipe end or an event counter.
type object interface {
	// read fills bufs in order; a stream may stop after the first buffer
	// it fills partly. It blocks unless nonblock (EAGAIN then).
	read(ctx context.Context, bufs [][]byte, nonblock bool) (int, error)
	// write writes bufs in order.
	write(ctx context.Context, bufs [][]byte, nonblock bool) (int, error)
	// stat describes the object for fd_filestat_get.
	stat() (vfs.Stat, error)
	// filetype is the wasi type reported by fd_fdstat_get.
	filetype() wasix.Filetype
	// poll reports readiness for reading (or writing): whether a call
	// would not block, how many bytes are available, and whether the
	// other end is gone.
	poll(write bool) (ready bool, nbytes uint64, hangup bool)
	// waiters returns the queues notified when readiness may have
	// changed; none if the object is always ready.
	waiters() []*waitq
	// close releases the object once no descriptor refers to it.
	close() error
}

// openFile is an open file description: shared by descriptors made with
// fd_dup, it holds the status flags and the directory listing cursor.
type openFile struct {
	obj object

	mu    sync.Mutex
	refs  int
	flags atomic.Uint32 // wasix.Fdflags: read by every read and write, without the lock

	// dirents caches the listing of a directory between fd_readdir calls.
	dirents []vfs.Dirent
}

func newOpenFile(obj object, flags wasix.Fdflags) *openFile {
	of := &openFile{obj: obj, refs: 1}
	of.flags.Store(uint32(flags))
	return of
}

func (of *openFile) retain() {
	of.mu.Lock()
	of.refs++
	of.mu.Unlock()
}

// release drops one reference and closes the object with the last.
func (of *openFile) release() error {
	of.mu.Lock()
	of.refs--
	last := of.refs == 0
	of.mu.Unlock()
	if last {
		return of.obj.close()
	}
	return nil
}

func (of *openFile) fdflags() wasix.Fdflags { return wasix.Fdflags(of.flags.Load()) }

func (of *openFile) nonblock() bool { return of.fdflags()&wasix.FdflagsNonblock != 0 }

// fdEntry is one slot of a descriptor table.
type fdEntry struct {
	of        *openFile
	base, inh wasix.Rights
	cloexec   bool
	isPreopen bool
	preopen   string
}

// fdTable maps descriptor numbers to entries; nil entries are free.
type fdTable struct {
	mu      sync.RWMutex
	entries []*fdEntry
	count   int
	max     int
}

// install puts of at fd, which must be free.
func (t *fdTable) install(fd int, of *openFile, base, inh wasix.Rights) {
	t.installEntry(fd, &fdEntry{of: of, base: base, inh: inh})
}

// installEntry puts e at fd, which must be free.
func (t *fdTable) installEntry(fd int, e *fdEntry) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for len(t.entries) <= fd {
		t.entries = append(t.entries, nil)
	}
	t.entries[fd] = e
	t.count++
}

// insert puts e at the lowest free descriptor not below min.
func (t *fdTable) insert(e *fdEntry, min int) (wasix.Fd, wasix.Errno) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.count >= t.max {
		return 0, wasix.ErrnoMfile
	}
	if min >= t.max {
		return 0, wasix.ErrnoInval
	}
	fd := min
	for fd < len(t.entries) && t.entries[fd] != nil {
		fd++
	}
	if fd >= t.max {
		return 0, wasix.ErrnoMfile
	}
	for len(t.entries) <= fd {
		t.entries = append(t.entries, nil)
	}
	t.entries[fd] = e
	t.count++
	return wasix.Fd(fd), wasix.ErrnoSuccess
}

// get returns a copy of the entry at fd after checking that it holds the
// rights need: EBADF if fd is not open, ENOTCAPABLE if a right is missing.
func (t *fdTable) get(fd wasix.Fd, need wasix.Rights) (fdEntry, wasix.Errno) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if uint64(fd) >= uint64(len(t.entries)) || t.entries[fd] == nil {
		return fdEntry{}, wasix.ErrnoBadf
	}
	e := *t.entries[fd]
	if e.base&need != need {
		return fdEntry{}, wasix.ErrnoNotcapable
	}
	return e, wasix.ErrnoSuccess
}

// openFile is get for the calls that need only the open file (fd_read,
// fd_write): no copy of the entry, no deferred unlock.
func (t *fdTable) openFile(fd wasix.Fd, need wasix.Rights) (*openFile, wasix.Errno) {
	var e *fdEntry
	t.mu.RLock()
	if uint64(fd) < uint64(len(t.entries)) {
		e = t.entries[fd]
	}
	t.mu.RUnlock()
	switch {
	case e == nil:
		return nil, wasix.ErrnoBadf
	case e.base&need != need:
		return nil, wasix.ErrnoNotcapable
	}
	return e.of, wasix.ErrnoSuccess
}

// update runs fn on a copy of the entry at fd under the table lock, and
// puts the copy in its place if fn succeeds: a failure changes nothing.
func (t *fdTable) update(fd wasix.Fd, fn func(e *fdEntry) wasix.Errno) wasix.Errno {
	t.mu.Lock()
	defer t.mu.Unlock()
	if uint64(fd) >= uint64(len(t.entries)) || t.entries[fd] == nil {
		return wasix.ErrnoBadf
	}
	c := *t.entries[fd]
	if errno := fn(&c); errno != wasix.ErrnoSuccess {
		return errno
	}
	t.entries[fd] = &c
	return wasix.ErrnoSuccess
}

// remove takes the entry at fd out of the table.
func (t *fdTable) remove(fd wasix.Fd) (*fdEntry, wasix.Errno) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if uint64(fd) >= uint64(len(t.entries)) || t.entries[fd] == nil {
		return nil, wasix.ErrnoBadf
	}
	e := t.entries[fd]
	t.entries[fd] = nil
	t.count--
	return e, wasix.ErrnoSuccess
}

// closeAll empties the table and returns the descriptions it held, one per
// descriptor.
func (t *fdTable) closeAll() []*openFile {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []*openFile
	for i, e := range t.entries {
		if e != nil {
			out = append(out, e.of)
			t.entries[i] = nil
		}
	}
	t.count = 0
	return out
}

// add installs of at the lowest free descriptor with the given rights.
func (p *Process) add(of *openFile, base, inh wasix.Rights, cloexec bool) (wasix.Fd, wasix.Errno) {
	fd, errno := p.fds.insert(&fdEntry{of: of, base: base, inh: inh, cloexec: cloexec}, 0)
	if errno != wasix.ErrnoSuccess {
		of.release()
	}
	return fd, errno
}
