package host_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// checkFresh holds dir/bin/SOURCES.sha256 against the sources, as the
// guest Makefiles compute it: the files of dir matching patterns, sorted
// by name, then extra (paths relative to dir), then the Makefile. A source
// changed without rebuilding fails here, without depending on the bytes
// another compiler would produce.
func checkFresh(t *testing.T, dir string, patterns []string, extra ...string) {
	t.Helper()
	var names []string
	for _, pat := range patterns {
		m, err := filepath.Glob(filepath.Join(dir, pat))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			names = append(names, filepath.Base(f))
		}
	}
	sort.Strings(names)
	h := sha256.New()
	for _, f := range append(append(names, extra...), "Makefile") {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		h.Write(b)
	}
	want, err := os.ReadFile(filepath.Join(dir, "bin", "SOURCES.sha256"))
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != strings.TrimSpace(string(want)) {
		t.Errorf("%s/bin is stale (sources hash %s, built from %s): run make in %s",
			dir, got, strings.TrimSpace(string(want)), dir)
	}
}
