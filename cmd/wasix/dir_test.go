package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testCacheDir is a compile cache the package's tests share, so that each
// guest is compiled once per test binary.
var testCacheDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "wasix-cli-test-cache")
	if err == nil {
		testCacheDir = dir
	}
	code := m.Run()
	if dir != "" {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

const probes = "../../testdata/guests/cli"

// TestProbesFresh checks that the committed probes were built from the
// sources as they are (the hash the Makefile records), not that a compiler
// here would produce the same bytes.
func TestProbesFresh(t *testing.T) {
	h := sha256.New()
	for _, f := range []string{"probe.c", "goprobe/main.go", "Makefile"} {
		b, err := os.ReadFile(filepath.Join(probes, f))
		if err != nil {
			t.Fatal(err)
		}
		h.Write(b)
	}
	stamp, err := os.ReadFile(filepath.Join(probes, "bin", "SOURCES.sha256"))
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); strings.TrimSpace(string(stamp)) != got {
		t.Errorf("testdata/guests/cli/bin is stale: run make there (sources hash %s, built from %s)", got, stamp)
	}
}

// dirLayout makes, in a fresh directory that becomes the test's working
// directory, work/src/a.txt ("hi") and x/src/b.txt ("there"), and changes
// into work.
func dirLayout(t *testing.T) string {
	root := t.TempDir()
	for p, s := range map[string]string{"work/src/a.txt": "hi", "x/src/b.txt": "there"} {
		p = filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(filepath.Join(root, "work"))
	return root
}

// TestDirForms runs a Go and a plain WASI C program with --dir in every
// form: each directory is where the help says, by absolute and relative
// guest paths, and :ro mounts refuse writes.
func TestDirForms(t *testing.T) {
	probesAbs, err := filepath.Abs(probes)
	if err != nil {
		t.Fatal(err)
	}
	root := dirLayout(t)
	for _, prog := range []string{"probe_go", "probe_p1"} {
		wasm := filepath.Join(probesAbs, "bin", prog+".wasm")
		for _, c := range []struct {
			flags []string
			ops   []string
			want  []string
		}{
			{[]string{"--dir", "src"}, []string{"pwd", "cat", "src/a.txt", "cat", "/src/a.txt"},
				[]string{"pwd: /", "cat src/a.txt: hi", "cat /src/a.txt: hi"}},
			{[]string{"--dir", "./src", "--dir", "../x/src"}, []string{"cat", "src/a.txt", "cat", "/x/src/b.txt", "cat", "x/src/b.txt"},
				[]string{"cat src/a.txt: hi", "cat /x/src/b.txt: there", "cat x/src/b.txt: there"}},
			{[]string{"--dir", filepath.Join(root, "x")}, []string{"cat", filepath.Join(root, "x/src/b.txt")},
				[]string{"cat " + filepath.Join(root, "x/src/b.txt") + ": there"}},
			{[]string{"--dir", "."}, []string{"cat", "src/a.txt", "write", "/src/new"},
				[]string{"cat src/a.txt: hi", "write /src/new: ok"}},
			{[]string{"--dir", "src:ro", "--mapdir", "/m:../x/src:ro", "--mapdir", "/rw:../x"},
				[]string{"write", "/src/n", "write", "/m/n", "cat", "/m/b.txt", "write", "/rw/n"},
				[]string{"write /src/n: error: Read-only file system", "write /m/n: error: Read-only file system",
					"cat /m/b.txt: there", "write /rw/n: ok"}},
		} {
			args := append([]string{"run", "--cache-dir", testCacheDir}, c.flags...)
			args = append(append(args, wasm), c.ops...)
			code, out, errOut := wasix(t, args...)
			if code != 0 || strings.TrimSpace(out) != strings.Join(c.want, "\n") {
				t.Errorf("%s %v %v: status %d\nstdout:\n%s\nwant:\n%s\nstderr: %s", prog, c.flags, c.ops, code, out, strings.Join(c.want, "\n"), errOut)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(root, "work/src/new")); err != nil {
		t.Errorf("a write through --dir . did not reach the host: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "x/src/n")); err == nil {
		t.Error("a write through a :ro mount reached the host")
	}
}

// TestCwd checks --cwd for each kind of program: Go and WASIX programs
// start there (and resolve relative paths from it), a plain WASI C program
// starts in "/" and wasix says so once on stderr.
func TestCwd(t *testing.T) {
	probesAbs, err := filepath.Abs(probes)
	if err != nil {
		t.Fatal(err)
	}
	dirLayout(t)
	box := filepath.Join(probesAbs, "../shell/bin/box.wasm")
	for _, c := range []struct {
		name string
		args []string
		want string
		note bool
	}{
		{"go", []string{filepath.Join(probesAbs, "bin/probe_go.wasm"), "pwd", "cat", "a.txt"}, "pwd: /w\ncat a.txt: hi", false},
		{"wasix C", []string{"--argv0", "cat", box, "a.txt"}, "hi", false},
		{"wasix C pwd", []string{"--argv0", "pwd", box}, "/w", false},
		{"plain C", []string{filepath.Join(probesAbs, "bin/probe_p1.wasm"), "pwd"}, "pwd: /", true},
	} {
		args := append([]string{"run", "--cache-dir", testCacheDir, "--mapdir", "/w:src", "--cwd", "/w"}, c.args...)
		code, out, errOut := wasix(t, args...)
		note := strings.Count(errOut, "whose libc starts in \"/\" whatever --cwd says")
		if code != 0 || strings.TrimSpace(out) != c.want || (note == 1) != c.note || note > 1 {
			t.Errorf("%s: status %d, stdout %q (want %q), stderr %q", c.name, code, out, c.want, errOut)
		}
	}
	// Without --cwd, PWD is "/" and nothing is said.
	code, out, errOut := wasix(t, "run", "--cache-dir", testCacheDir, "--argv0", "env", box)
	if code != 0 || !strings.Contains(out, "PWD=/\n") || errOut != "" {
		t.Errorf("env without --cwd: status %d, stdout %q, stderr %q", code, out, errOut)
	}
}
