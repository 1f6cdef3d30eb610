package host_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
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

// checkRebuild builds target and the sources' hash with dir's Makefile
// into a scratch directory, when the toolchain is installed, so that the
// Makefile itself keeps working: the target must appear and the hash must
// be the committed one.
func checkRebuild(t *testing.T, dir, target string) {
	t.Helper()
	if testing.Short() {
		t.Skip("rebuilding is slow")
	}
	if exec.Command("make", "-s", "-C", dir, "have-toolchain").Run() != nil {
		t.Skip("the toolchain of " + dir + " is not installed")
	}
	out := t.TempDir()
	cmd := exec.Command("make", "-s", "-C", dir, "BIN="+out, out+"/"+target, out+"/SOURCES.sha256")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make: %v\n%s", err, msg)
	}
	want, err := os.ReadFile(filepath.Join(dir, "bin", "SOURCES.sha256"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(out, "SOURCES.sha256"))
	if err != nil || string(got) != string(want) {
		t.Errorf("rebuilt hash %q (%v), committed %q", got, err, want)
	}
	if _, err := os.Stat(filepath.Join(out, target)); err != nil {
		t.Error(err)
	}
}
