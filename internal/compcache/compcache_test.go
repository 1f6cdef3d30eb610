package compcache

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// put writes a fake entry of n bytes, as wazero would, used at t.
func put(t *testing.T, c *Cache, name string, n int, at time.Time) {
	t.Helper()
	p := filepath.Join(c.Dir, "wazero-v1-test", name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, make([]byte, n), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, at, at); err != nil {
		t.Fatal(err)
	}
}

// age sets an entry's time of last use back to at.
func age(t *testing.T, c *Cache, name string, at time.Time) {
	t.Helper()
	if err := os.Chtimes(filepath.Join(c.Dir, "wazero-v1-test", name), at, at); err != nil {
		t.Fatal(err)
	}
}

func exists(c *Cache, name string) bool {
	_, err := os.Stat(filepath.Join(c.Dir, "wazero-v1-test", name))
	return err == nil
}

func TestRecordFilesNewEntriesAndEvictsLeastRecentlyUsed(t *testing.T) {
	c := &Cache{Dir: t.TempDir(), Max: 250}
	old := time.Now().Add(-time.Hour)
	// Program a's entry was written (during its run) long ago, b's after
	// it: their times are set back once recorded.
	before := c.Snapshot()
	put(t, c, "aaaa", 100, time.Now())
	if err := c.Record("suma", "a.wasm", before); err != nil {
		t.Fatal(err)
	}
	age(t, c, "aaaa", old)
	before = c.Snapshot()
	put(t, c, "bbbb", 100, time.Now())
	if err := c.Record("sumb", "b.wasm", before); err != nil {
		t.Fatal(err)
	}
	age(t, c, "bbbb", old.Add(time.Minute))
	// a runs again (a cache hit: no new entry), later than a use is
	// recorded again, which makes b the least recently used; c's entry
	// then pushes the total past the limit.
	ix := c.load()
	ix.Programs["suma"].Used = old
	if err := c.save(ix); err != nil {
		t.Fatal(err)
	}
	if err := c.Record("suma", "a.wasm", c.Snapshot()); err != nil {
		t.Fatal(err)
	}
	before = c.Snapshot()
	put(t, c, "cccc", 100, time.Now())
	if err := c.Record("sumc", "c.wasm", before); err != nil {
		t.Fatal(err)
	}
	if !exists(c, "aaaa") || exists(c, "bbbb") || !exists(c, "cccc") {
		t.Errorf("after eviction: a %v b %v c %v; want b evicted alone", exists(c, "aaaa"), exists(c, "bbbb"), exists(c, "cccc"))
	}
	ps, other, err := c.List()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
	}
	if strings.Join(names, " ") != "c.wasm a.wasm" || other != 0 {
		t.Errorf("list %v, unclaimed %d; want c.wasm a.wasm, 0", names, other)
	}
	if p := c.Lookup("sumb"); p != nil {
		t.Errorf("evicted program still listed: %+v", p)
	}
	if p := c.Lookup("suma"); p == nil || p.Size != 100 {
		t.Errorf("lookup a: %+v", p)
	}
}

// TestRecordFilesOnlyTheRunsEntries: an entry no program claims that was
// there before the run (compiled before the index existed) is not filed
// under the program whose run added another.
func TestRecordFilesOnlyTheRunsEntries(t *testing.T) {
	c := &Cache{Dir: t.TempDir()}
	put(t, c, "older", 10, time.Now().Add(-time.Hour))
	dir := filepath.Join(c.Dir, "wazero-v1-test")
	os.Chtimes(dir, time.Now().Add(-time.Hour), time.Now().Add(-time.Hour))
	before := c.Snapshot()
	put(t, c, "new", 10, time.Now())
	if err := c.Record("sum", "p.wasm", before); err != nil {
		t.Fatal(err)
	}
	p := c.Lookup("sum")
	if p == nil || strings.Join(p.Files, " ") != "wazero-v1-test/new" {
		t.Fatalf("filed %+v, want only the new entry", p)
	}
}

// TestFresh: a run that added nothing, of a program the index has as used
// lately, has nothing to record; one that added an entry, or of another
// program, has.
func TestFresh(t *testing.T) {
	c := &Cache{Dir: t.TempDir()}
	before := c.Snapshot()
	put(t, c, "aaaa", 10, time.Now())
	if c.Fresh("a.wasm", before) {
		t.Fatal("a run that compiled is fresh")
	}
	if err := c.Record("suma", "a.wasm", before); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(c.Dir, "wazero-v1-test")
	hourAgo := time.Now().Add(-time.Hour)
	os.Chtimes(dir, hourAgo, hourAgo)
	before = c.Snapshot()
	if !c.Fresh("a.wasm", before) {
		t.Error("a cached run of a program used a moment ago is not fresh")
	}
	if c.Fresh("b.wasm", before) {
		t.Error("a program the index does not have is fresh")
	}
	put(t, c, "bbbb", 10, time.Now())
	if c.Fresh("a.wasm", before) {
		t.Error("a run that added an entry is fresh")
	}
}

// TestRecordSkipsRecentUse checks that a run of a program used within
// usedResolution leaves the index alone (it costs a start its time).
func TestRecordSkipsRecentUse(t *testing.T) {
	c := &Cache{Dir: t.TempDir(), Max: 1000}
	before := c.Snapshot()
	put(t, c, "aaaa", 100, time.Now())
	if err := c.Record("suma", "a.wasm", before); err != nil {
		t.Fatal(err)
	}
	st1, err := os.Stat(filepath.Join(c.Dir, indexName))
	if err != nil {
		t.Fatal(err)
	}
	os.Chtimes(filepath.Join(c.Dir, indexName), st1.ModTime().Add(-time.Hour), st1.ModTime().Add(-time.Hour))
	if err := c.Record("suma", "a.wasm", c.Snapshot()); err != nil {
		t.Fatal(err)
	}
	st2, _ := os.Stat(filepath.Join(c.Dir, indexName))
	if !st2.ModTime().Before(st1.ModTime()) {
		t.Error("the index was rewritten for a program used a moment ago")
	}
}

func TestPruneClearAndSize(t *testing.T) {
	c := &Cache{Dir: t.TempDir()}
	now := time.Now()
	put(t, c, "one", 10, now.Add(-3*time.Minute))
	put(t, c, "two", 20, now.Add(-2*time.Minute))
	put(t, c, "three", 30, now.Add(-time.Minute))
	// Something else in the directory is never touched.
	os.WriteFile(filepath.Join(c.Dir, "notes.txt"), []byte("mine"), 0o644)
	if n, k, _ := c.Size(); n != 60 || k != 3 {
		t.Errorf("size %d in %d entries, want 60 in 3", n, k)
	}
	if freed, err := c.Prune(35); err != nil || freed != 30 {
		t.Errorf("prune to 35: freed %d, %v; want 30", freed, err)
	}
	if exists(c, "one") || exists(c, "two") || !exists(c, "three") {
		t.Error("prune did not remove the oldest entries first")
	}
	if freed, err := c.Clear(); err != nil || freed != 30 {
		t.Errorf("clear: freed %d, %v", freed, err)
	}
	if n, _, _ := c.Size(); n != 0 {
		t.Errorf("size after clear %d", n)
	}
	if _, err := os.Stat(filepath.Join(c.Dir, "notes.txt")); err != nil {
		t.Errorf("clear removed a file that is not compiled code: %v", err)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"1GiB": 1 << 30, "512M": 512 << 20, "100k": 100 << 10, "4096": 4096, "1.5G": 3 << 29, "0": 0} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "x", "-1", "1X"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) accepted", bad)
		}
	}
}

func TestProgressShownOnlyAfterDelayAndErased(t *testing.T) {
	var buf bytes.Buffer
	tick := make(chan time.Time)
	now := time.Unix(0, 0)
	p := startProgress(&buf, "compiling x.wasm", tick, now)
	tick <- now // 0 s: nothing yet
	now = now.Add(2 * time.Second)
	tick <- now
	tick <- now.Add(200 * time.Millisecond) // the same second: no rewrite
	now = now.Add(time.Second)
	tick <- now
	p.Done()
	out := buf.String()
	want := "\r\x1b[Kwasix: compiling x.wasm (first run; cached afterwards) 2s" +
		"\r\x1b[Kwasix: compiling x.wasm (first run; cached afterwards) 3s" + "\r\x1b[K"
	if out != want {
		t.Errorf("progress wrote %q\nwant %q", out, want)
	}

	buf.Reset()
	p = startProgress(&buf, "compiling y.wasm", tick, now)
	p.Done()
	if buf.Len() != 0 {
		t.Errorf("a fast compile wrote %q", buf.String())
	}
}

func TestProgressSilentWhenNotATerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p := StartProgress(f, "compiling")
	if p.stop != nil {
		t.Error("progress started on a regular file")
	}
	p.Done()
}

// The index keeps any name and file name, and reads a damaged line and
// what follows as absent.
func TestIndexRoundTrip(t *testing.T) {
	c := &Cache{Dir: t.TempDir()}
	used := time.Unix(1700000000, 123456789)
	ix := &index{Programs: map[string]*Program{
		"s1": {Sum: "s1", Name: "dir with space/\"q\"\n\tx.wasm", Files: []string{"wazero-v1/a b", "wazero-v1/c"}, Used: used},
		"s2": {Sum: "s2", Name: "", Used: used.Add(time.Second)},
	}}
	if err := c.save(ix); err != nil {
		t.Fatal(err)
	}
	got := c.load()
	if len(got.Programs) != 2 {
		t.Fatalf("%d programs read back", len(got.Programs))
	}
	for sum, want := range ix.Programs {
		p := got.Programs[sum]
		if p == nil || p.Name != want.Name || !p.Used.Equal(want.Used) || strings.Join(p.Files, "|") != strings.Join(want.Files, "|") {
			t.Errorf("%s: read back %+v, wrote %+v", sum, p, want)
		}
	}
	b, _ := os.ReadFile(filepath.Join(c.Dir, indexName))
	b = bytes.Replace(b, []byte("s2 "), []byte("s2 x"), 1)
	os.WriteFile(filepath.Join(c.Dir, indexName), b, 0o644)
	if got := c.load(); got.Programs["s1"] == nil || got.Programs["s2"] != nil {
		t.Errorf("damaged second line: %v", got.Programs)
	}
	os.WriteFile(filepath.Join(c.Dir, indexName), []byte(`{"programs":{}}`), 0o644)
	if got := c.load(); len(got.Programs) != 0 {
		t.Errorf("an index without the header: %v", got.Programs)
	}
}

// TestRecordFilesRewrites: the runtime's rewritten binaries (RewriteDir)
// are entries like compiled code: a run that adds one files it under its
// program, and Fresh sees the addition; other directories are not the
// cache's.
func TestRecordFilesRewrites(t *testing.T) {
	c := &Cache{Dir: t.TempDir()}
	before := c.Snapshot()
	for _, d := range []string{RewriteDir, "other"} {
		if err := os.MkdirAll(filepath.Join(c.Dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(c.Dir, d, "abcd"), make([]byte, 10), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if c.Fresh("p.wasm", before) {
		t.Fatal("Fresh after a rewrite was added")
	}
	if err := c.Record("sum", "p.wasm", before); err != nil {
		t.Fatal(err)
	}
	if p := c.Lookup("sum"); p == nil || strings.Join(p.Files, " ") != RewriteDir+"/abcd" {
		t.Fatalf("filed %+v, want the rewrite alone", p)
	}
}
