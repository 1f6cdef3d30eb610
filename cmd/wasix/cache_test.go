package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestCacheCommands runs a program with a fresh cache, then checks that
// inspect finds it compiled and that wasix cache lists, sizes, prunes and
// clears it; and that --cache-max keeps a run's cache within its limit.
func TestCacheCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	prog := "../../testdata/guests/cli/bin/probe_p1.wasm"
	if code, _, errOut := wasix(t, "inspect", "--cache-dir", dir, prog); code != 0 {
		t.Fatalf("inspect: %d %s", code, errOut)
	} else if _, out, _ := wasix(t, "inspect", "--cache-dir", dir, prog); !strings.Contains(out, "cache:    not compiled yet") {
		t.Errorf("inspect before a run:\n%s", out)
	}
	if code, _, errOut := wasix(t, "run", "--cache-dir", dir, prog, "pwd"); code != 0 {
		t.Fatalf("run: %d %s", code, errOut)
	}
	_, out, _ := wasix(t, "inspect", "--cache-dir", dir, prog)
	if !strings.Contains(out, "cache:    compiled (") {
		t.Errorf("inspect after a run:\n%s", out)
	}
	_, out, _ = wasix(t, "cache", "--cache-dir", dir, "list")
	if !regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +[0-9.]+ [KM]iB +` + regexp.QuoteMeta(prog) + `$`).MatchString(out) {
		t.Errorf("cache list:\n%s", out)
	}
	if _, out, _ = wasix(t, "cache", "--cache-dir", dir, "dir"); strings.TrimSpace(out) != dir {
		t.Errorf("cache dir: %q", out)
	}
	if _, out, _ = wasix(t, "cache", "--cache-dir", dir, "size"); !regexp.MustCompile(`^[0-9.]+ [KM]iB in 1 entries \(limit 1.0 GiB\)\n$`).MatchString(out) {
		t.Errorf("cache size: %q", out)
	}
	if _, out, _ = wasix(t, "cache", "--cache-dir", dir, "--cache-max", "1G", "prune"); !strings.HasPrefix(out, "removed 0 B;") {
		t.Errorf("prune within the limit: %q", out)
	}
	if _, out, _ = wasix(t, "cache", "--cache-dir", dir, "--cache-max", "1k", "prune"); !strings.Contains(out, "; 0 B left (limit 1.0 KiB)") {
		t.Errorf("prune to 1k: %q", out)
	}
	wasix(t, "run", "--cache-dir", dir, prog, "pwd")
	if _, out, _ = wasix(t, "cache", "--cache-dir", dir, "clear"); !strings.HasPrefix(out, "removed ") {
		t.Errorf("clear: %q", out)
	}
	if _, out, _ = wasix(t, "cache", "--cache-dir", dir, "size"); !strings.HasPrefix(out, "0 B in 0 entries") {
		t.Errorf("size after clear: %q", out)
	}
	// A run keeps the cache within --cache-max: an entry bigger than the
	// limit does not stay.
	wasix(t, "run", "--cache-dir", dir, "--cache-max", "1k", prog, "pwd")
	if _, out, _ = wasix(t, "cache", "--cache-dir", dir, "size"); !strings.HasPrefix(out, "0 B in 0 entries") {
		t.Errorf("size after a run with --cache-max 1k: %q", out)
	}
	if code, _, errOut := wasix(t, "cache", "--cache-dir", dir, "frob"); code != exitUsage || !strings.Contains(errOut, `unknown command "frob"`) {
		t.Errorf("cache frob: %d %q", code, errOut)
	}
}

func TestInspect(t *testing.T) {
	code, out, errOut := wasix(t, "inspect", "--cache-dir=", "../../testdata/guests/bin/wasix2022_pipe_shm.wasm")
	if code != 0 {
		t.Fatalf("status %d: %s", code, errOut)
	}
	for _, want := range []string{
		"abi:      wasix-2022\n",
		"  why:    its 11 wasix_32v1 imports all fit wasix-2022\n",
		"          not wasix-seed: thread_spawn (other signature), proc_join (other signature)\n",
		"  wasix_32v1 (11): args_sizes_get args_get proc_exit thread_spawn",
		"  _start                 a command",
		"memory:   imported from env.memory, shared (threads), min 16 pages (1.0 MiB), max 256 pages (16.0 MiB)\n",
		"cache:    off\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect lacks %q:\n%s", want, out)
		}
	}
	_, out, _ = wasix(t, "inspect", "--cache-dir=", "../../testdata/guests/cli/bin/probe_go.wasm")
	for _, want := range []string{"built by: Go", "abi:      preview1\n", "  why:    it imports nothing from wasix_32v1\n", "memory:   defined, not shared"} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect of a Go program lacks %q:\n%s", want, out)
		}
	}
	if code, _, errOut := wasix(t, "inspect", "../../README.md"); code != exitFailure || !strings.Contains(errOut, "not a WebAssembly binary") {
		t.Errorf("inspect of a text file: %d %q", code, errOut)
	}
}

func TestInspectUnknownImports(t *testing.T) {
	// (module (type (func)) (import "foo" "bar" (func)) (import "wasix_32v1" "nonesuch" (func)))
	wasm := "\x00asm\x01\x00\x00\x00" + "\x01\x04\x01\x60\x00\x00" +
		"\x02\x21\x02" + "\x03foo\x03bar\x00\x00" + "\x0awasix_32v1\x08nonesuch\x00\x00"
	file := filepath.Join(t.TempDir(), "odd.wasm")
	if err := os.WriteFile(file, []byte(wasm), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := wasix(t, "inspect", "--cache-dir=", file)
	if code != 0 || !strings.Contains(out, "  unknown (no generation provides them): foo.bar wasix_32v1.nonesuch\n") ||
		!strings.Contains(out, "memory:   none\n") {
		t.Errorf("status %d\n%s\n%s", code, out, errOut)
	}
}
