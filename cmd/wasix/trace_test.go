package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestTraceDecodes checks that --trace shows calls as strace does: paths
// quoted, flags and enums by name, errnos by name, data cut with its
// length, results behind pointers; and that --trace-filter keeps only the
// calls it names.
func TestTraceDecodes(t *testing.T) {
	probesAbs, err := filepath.Abs(probes)
	if err != nil {
		t.Fatal(err)
	}
	dirLayout(t)
	long := strings.Repeat("y", 100)
	code, out, trace := wasix(t, "run", "--cache-dir", testCacheDir, "--trace", "--dir", "src:ro",
		filepath.Join(probesAbs, "bin/probe_p1.wasm"), "cat", "src/a.txt", "write", "/src/n", "cat", "/src/"+long)
	if code != 0 || !strings.Contains(out, "cat src/a.txt: hi") { // no newline in a.txt
		t.Fatalf("status %d, stdout %q", code, out)
	}
	for _, want := range []string{
		`^\[1\] fd_prestat_dir_name\(fd=4, path="/src", path_len=4\) = 0 \d+µs$`,
		`^\[1\] path_open\(fd=4, dirflags=SYMLINK_FOLLOW, path="a.txt", oflags=0, fs_rights_base=FD_READ\|[A-Z_|]+\.\.\.\(\d+ more\), .*fdflags=0, out0=\[5\]\) = 0 \d+µs$`,
		`^\[1\] fd_read\(fd=5, iovs="hi", iovs.len=2, out0=\[2\]\) = 0 \d+µs$`,
		`^\[1\] path_open\(fd=4, dirflags=SYMLINK_FOLLOW, path="n", oflags=CREAT\|TRUNC, .*, out0=0x[0-9a-f]+\) = 69 EROFS \(.*\) \d+µs$`,
		`^\[1\] path_open\(fd=4, dirflags=SYMLINK_FOLLOW, path="y{64}"\.\.\. \(100 bytes\), .* = 44 ENOENT \(.*\) \d+µs$`,
		`^\[1\] fd_write\(fd=1, iovs="write /src/n: error: Read-only file system\\ncat /src/y{12}"\.\.\. \(187 bytes\), iovs.len=2, out0=\[187\]\) = 0 \d+µs$`,
	} {
		if !regexp.MustCompile("(?m)" + want).MatchString(trace) {
			t.Errorf("trace lacks a line matching %s", want)
		}
	}
	if t.Failed() {
		t.Logf("trace:\n%s", trace)
	}

	code, _, trace = wasix(t, "run", "--cache-dir", testCacheDir, "--trace-filter=fd_prestat_*,proc_raise", "--dir", "src",
		filepath.Join(probesAbs, "bin/probe_p1.wasm"), "cat", "src/a.txt")
	lines := strings.Split(strings.TrimSpace(trace), "\n")
	for _, l := range lines {
		if !strings.HasPrefix(l, "[1] fd_prestat_") && !strings.HasPrefix(l, "[1] proc_raise(") {
			t.Errorf("--trace-filter let through %q", l)
		}
	}
	if code != 0 || len(lines) != 5 { // 3 prestat_get (the last EBADF), 2 dir_name
		t.Errorf("status %d, filtered trace:\n%s", code, trace)
	}
	if code, _, errOut := wasix(t, "run", "--trace-filter=[", "x.wasm"); code != exitUsage || !strings.Contains(errOut, "--trace-filter wants") {
		t.Errorf("a bad glob: status %d, %q", code, errOut)
	}
}
