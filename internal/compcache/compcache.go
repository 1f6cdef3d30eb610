// Package compcache keeps the on-disk compile cache of the commands within
// a size limit. wazero writes and reads the entries (one file of machine
// code per compiled module, under a directory named after its version);
// it records neither which program an entry belongs to nor when it was
// last used. This package keeps both in an index beside the entries:
// files that appear while a program runs are that program's, and every
// run of a program marks its files as used (their modification time),
// which is what least-recently-used eviction sorts by.
//
// Several processes may share a cache directory. The index is replaced
// atomically, so a concurrent update can at worst be lost, which costs a
// program its name in the listing, never a wrong result: an entry wazero
// cannot find is compiled again.
package compcache

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DefaultMax is the size limit of a cache unless the user sets one.
const DefaultMax = 1 << 30

// usedResolution is how precisely the last use of a program is kept: a
// program run again within it is not recorded again.
const usedResolution = time.Minute

// indexName is the index file in the cache directory: a header line, then
// one line per program: its sum, the time of its last use (Unix
// nanoseconds), its name and its files, the last two quoted as Go strings,
// all separated by spaces. Plain text read by hand, not JSON: decoding
// JSON by reflection cost a cached start a millisecond.
const indexName = "wasix-index"

// indexHeader starts the index; a file without it reads as empty.
const indexHeader = "wasix compile cache index 1\n"

// oldIndexName is the JSON index of earlier versions, removed by Clear.
const oldIndexName = "wasix-index.json"

// Cache is a compile cache directory.
type Cache struct {
	Dir string
	// Max bounds the bytes of compiled code kept; 0 means no limit.
	Max int64
}

// Program is what the index knows of one program.
type Program struct {
	Sum   string   // sha256 of the wasm binary, hex
	Name  string   // the file it was last run from
	Files []string // its entries, relative to the directory
	Used  time.Time
	Size  int64 // bytes of its entries still present (List)
}

type index struct {
	Programs map[string]*Program
}

// Sum returns the key the index files a program under.
func Sum(wasm []byte) string {
	s := sha256.Sum256(wasm)
	return hex.EncodeToString(s[:])
}

// entry is one file of compiled code.
type entry struct {
	rel  string
	size int64
	mod  time.Time
}

// RewriteDir is the directory of the cache where the runtime keeps the
// binaries it rewrote for programs (their atomic waits made calls), which
// the index files with the compiled code of the same runs.
const RewriteDir = "wasix-rewrite-1"

// cacheDir says whether a directory of the cache holds entries: wazero's
// (named wazero-VERSION-ARCH-OS) and RewriteDir.
func cacheDir(name string) bool { return strings.HasPrefix(name, "wazero-") || name == RewriteDir }

// entries lists the files of compiled code: everything in the cache's
// directories (cacheDir), never anything else the directory may hold, so
// that a --cache-dir pointing somewhere unexpected loses nothing but
// compiled code. Temporary files being written are left alone.
func (c *Cache) entries() ([]entry, error) {
	var out []entry
	err := c.walk(func(rel string, f fs.DirEntry) {
		if info, err := f.Info(); err == nil { // else removed meanwhile
			out = append(out, entry{rel: rel, size: info.Size(), mod: info.ModTime()})
		}
	})
	return out, err
}

// walk calls visit for each file of compiled code, from the directory
// listings alone: a start of a cached program lists the cache twice, and a
// stat of every entry each time would cost it a system call per entry.
func (c *Cache) walk(visit func(rel string, f fs.DirEntry)) error {
	tops, err := os.ReadDir(c.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, top := range tops {
		if !top.IsDir() || !cacheDir(top.Name()) {
			continue
		}
		files, err := os.ReadDir(filepath.Join(c.Dir, top.Name()))
		if err != nil {
			continue
		}
		for _, f := range files {
			if !f.Type().IsRegular() || strings.HasSuffix(f.Name(), ".tmp") {
				continue
			}
			visit(top.Name()+"/"+f.Name(), f)
		}
	}
	return nil
}

// Mark is the cache before a run, for Record after it: when the run
// began, and the modification time of each of the cache's directories (an
// entry added to one changes it).
type Mark struct {
	at   time.Time
	dirs map[string]time.Time
}

// clockSlack is how much earlier than the start of a run an entry's time
// may say it was written and still be the run's: the file system stamps
// files with a clock that may lag the one read at the start by a tick.
// An entry another program wrote just before is then filed under both,
// which costs nothing.
const clockSlack = 2 * time.Second

// Snapshot marks the cache now, to be given to Record after a run. It
// lists the cache's top directory only: a start of a cached program, which
// adds nothing, then never lists the entries.
func (c *Cache) Snapshot() Mark {
	m := Mark{at: time.Now(), dirs: map[string]time.Time{}}
	c.eachDir(func(name string, mod time.Time) { m.dirs[name] = mod })
	return m
}

// eachDir calls visit for each of the cache's directories (cacheDir) with its
// modification time.
func (c *Cache) eachDir(visit func(name string, mod time.Time)) {
	tops, _ := os.ReadDir(c.Dir)
	for _, top := range tops {
		if !top.IsDir() || !cacheDir(top.Name()) {
			continue
		}
		if info, err := top.Info(); err == nil {
			visit(top.Name(), info.ModTime())
		}
	}
}

// Fresh reports whether a run of the program at name that began at
// before has nothing for Record to do: the cache gained no entry, and the
// index has the program (as run from name) used within usedResolution. A
// caller then need not hash the program for Record.
func (c *Cache) Fresh(name string, before Mark) bool {
	if c.changedSince(before) {
		return false
	}
	now := time.Now()
	for _, p := range c.load().Programs {
		if p.Name == name && now.Sub(p.Used) < usedResolution {
			return true
		}
	}
	return false
}

// changedSince reports whether one of the cache's directories may have
// gained an entry since before: its time moved, or it changed lately,
// which may hide an addition in the same tick of the clock.
func (c *Cache) changedSince(before Mark) bool {
	since := before.at.Add(-clockSlack)
	changed := false
	c.eachDir(func(name string, mod time.Time) {
		if old, ok := before.dirs[name]; !ok || !old.Equal(mod) || !mod.Before(since) {
			changed = true
		}
	})
	return changed
}

// Record files the entries that appeared since before (written since it,
// and no program's yet) under the program sum (run from the file name),
// marks all of its entries as used now and then evicts the least recently
// used entries beyond the limit. Errors are returned for the caller to
// ignore or report: a cache that cannot be maintained still works.
func (c *Cache) Record(sum, name string, before Mark) error {
	ix := c.load()
	p := ix.Programs[sum]
	if p == nil {
		p = &Program{Sum: sum}
		ix.Programs[sum] = p
	}
	added := false
	if c.changedSince(before) {
		since := before.at.Add(-clockSlack)
		claimed := map[string]bool{}
		for _, q := range ix.Programs {
			for _, f := range q.Files {
				claimed[f] = true
			}
		}
		err := c.walk(func(rel string, f fs.DirEntry) {
			if claimed[rel] {
				return
			}
			if info, err := f.Info(); err == nil && !info.ModTime().Before(since) {
				// A new entry may also be another program's, run at the
				// same time; it is then filed twice, which costs nothing.
				p.Files = append(p.Files, rel)
				added = true
			}
		})
		if err != nil {
			return err
		}
	}
	now := time.Now()
	if !added && p.Name == name && now.Sub(p.Used) < usedResolution {
		// Nothing to record, and the cache has not grown: writing the
		// index (or weighing the cache) on every run would cost a start
		// of a cached program a good part of its time. A lower limit
		// given meanwhile applies at the next run that records.
		return nil
	}
	p.Name = name
	p.Used = now
	for _, f := range p.Files {
		_ = os.Chtimes(filepath.Join(c.Dir, f), now, now)
	}
	if err := c.save(ix); err != nil {
		return err
	}
	_, err := c.Prune(c.Max)
	return err
}

// Prune removes least recently used entries until at most max bytes are
// left (max 0 removes nothing) and forgets programs without entries. It
// returns the bytes removed.
func (c *Cache) Prune(max int64) (int64, error) {
	es, err := c.entries()
	if err != nil {
		return 0, err
	}
	var total int64
	for _, e := range es {
		total += e.size
	}
	sort.Slice(es, func(i, j int) bool { return es[i].mod.Before(es[j].mod) })
	var freed int64
	for _, e := range es {
		if max <= 0 || total <= max {
			break
		}
		if err := os.Remove(filepath.Join(c.Dir, e.rel)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return freed, err
		}
		total -= e.size
		freed += e.size
	}
	if freed > 0 {
		ix := c.load()
		c.forgetMissing(ix)
		return freed, c.save(ix)
	}
	return freed, nil
}

// Clear removes every entry and the index.
func (c *Cache) Clear() (int64, error) {
	es, err := c.entries()
	if err != nil {
		return 0, err
	}
	var freed int64
	for _, e := range es {
		if err := os.Remove(filepath.Join(c.Dir, e.rel)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return freed, err
		}
		freed += e.size
	}
	for _, name := range []string{indexName, oldIndexName} {
		if err := os.Remove(filepath.Join(c.Dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return freed, err
		}
	}
	return freed, nil
}

// Size returns the bytes of compiled code and the number of entries.
func (c *Cache) Size() (int64, int, error) {
	es, err := c.entries()
	var total int64
	for _, e := range es {
		total += e.size
	}
	return total, len(es), err
}

// List returns the programs of the index that still have entries, most
// recently used first, and the bytes of entries no program claims
// (compiled before the index existed, or by another tool).
func (c *Cache) List() ([]*Program, int64, error) {
	es, err := c.entries()
	if err != nil {
		return nil, 0, err
	}
	size := map[string]int64{}
	for _, e := range es {
		size[e.rel] = e.size
	}
	ix := c.load()
	claimed := map[string]bool{}
	var out []*Program
	for _, p := range ix.Programs {
		p.Size = 0
		for _, f := range p.Files {
			if n, ok := size[f]; ok {
				p.Size += n
				claimed[f] = true
			}
		}
		if p.Size > 0 {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Used.After(out[j].Used) })
	var other int64
	for rel, n := range size {
		if !claimed[rel] {
			other += n
		}
	}
	return out, other, nil
}

// Lookup returns what the index knows of the program sum, nil if it has
// no entries in the cache.
func (c *Cache) Lookup(sum string) *Program {
	ps, _, _ := c.List()
	for _, p := range ps {
		if p.Sum == sum {
			return p
		}
	}
	return nil
}

func (c *Cache) forgetMissing(ix *index) {
	for sum, p := range ix.Programs {
		kept := p.Files[:0]
		for _, f := range p.Files {
			if _, err := os.Stat(filepath.Join(c.Dir, f)); err == nil {
				kept = append(kept, f)
			}
		}
		p.Files = kept
		if len(kept) == 0 {
			delete(ix.Programs, sum)
		}
	}
}

// load reads the index; a missing one reads as empty, and so does the
// rest of a damaged one from its first bad line.
func (c *Cache) load() *index {
	ix := &index{Programs: map[string]*Program{}}
	b, err := os.ReadFile(filepath.Join(c.Dir, indexName))
	if err != nil {
		return ix
	}
	rest, ok := strings.CutPrefix(string(b), indexHeader)
	if !ok {
		return ix
	}
	for line := range strings.Lines(rest) {
		p, ok := parseProgram(strings.TrimSuffix(line, "\n"))
		if !ok {
			break
		}
		ix.Programs[p.Sum] = p
	}
	return ix
}

// parseProgram reads one line of the index (see indexName).
func parseProgram(line string) (*Program, bool) {
	sum, line, ok1 := strings.Cut(line, " ")
	used, line, ok2 := strings.Cut(line, " ")
	ns, err := strconv.ParseInt(used, 10, 64)
	if !ok1 || !ok2 || sum == "" || err != nil {
		return nil, false
	}
	p := &Program{Sum: sum, Used: time.Unix(0, ns)}
	for i := 0; line != ""; i++ {
		q, err := strconv.QuotedPrefix(line)
		if err != nil {
			return nil, false
		}
		v, err := strconv.Unquote(q)
		if err != nil {
			return nil, false
		}
		if i == 0 {
			p.Name = v
		} else {
			p.Files = append(p.Files, v)
		}
		line = strings.TrimPrefix(line[len(q):], " ")
	}
	return p, true
}

// save replaces the index atomically.
func (c *Cache) save(ix *index) error {
	sums := slices.Sorted(maps.Keys(ix.Programs))
	b := []byte(indexHeader)
	for _, sum := range sums {
		p := ix.Programs[sum]
		b = fmt.Appendf(b, "%s %d %q", sum, p.Used.UnixNano(), p.Name)
		for _, f := range p.Files {
			b = fmt.Appendf(b, " %q", f)
		}
		b = append(b, '\n')
	}
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(c.Dir, indexName+".*.tmp")
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(c.Dir, indexName))
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// ParseSize reads a size as "1GiB", "512M", "100k", "4096" (bytes);
// the units are powers of 1024, with or without "i" and "B".
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "b")
	t = strings.TrimSuffix(t, "i")
	mult := int64(1)
	if n := len(t); n > 0 {
		switch t[n-1] {
		case 'k', 'K':
			mult = 1 << 10
		case 'm', 'M':
			mult = 1 << 20
		case 'g', 'G':
			mult = 1 << 30
		case 't', 'T':
			mult = 1 << 40
		}
		if mult > 1 {
			t = t[:n-1]
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || v < 0 || v*float64(mult) > 1<<62 {
		return 0, fmt.Errorf("not a size: %q (want bytes, or a number with K, M, G or T)", s)
	}
	return int64(v * float64(mult)), nil
}

// FormatSize writes n bytes for people: "1.5 GiB", "72.0 MiB", "512 B".
func FormatSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
