package vfs

import (
	"errors"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// wantErr fails the test unless err is want (errors.Is), printing what
// happened.
func wantErr(t *testing.T, err, want error, what string) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("%s: unexpected error %v", what, err)
		}
		return
	}
	if !errors.Is(err, want) {
		t.Fatalf("%s: got error %v, want %v", what, err, want)
	}
	var errno syscall.Errno
	if want != ErrNotCapable && !errors.As(err, &errno) {
		t.Fatalf("%s: error %v is not a syscall.Errno", what, err)
	}
}

// must returns v once the test has checked err is nil, for use as
// must(f())(t).
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// readAll reads f from its current offset to the end.
func readAll(t *testing.T, f File) string {
	t.Helper()
	var sb strings.Builder
	buf := make([]byte, 7) // small on purpose: several calls
	for {
		n, err := f.Read(buf)
		ok(t, err)
		if n == 0 {
			return sb.String()
		}
		sb.Write(buf[:n])
	}
}

// names lists a directory, sorted.
func names(t *testing.T, f File) []string {
	t.Helper()
	ents := must(f.ReadDir())(t)
	var out []string
	for _, e := range ents {
		out = append(out, e.Name)
	}
	slices.Sort(out)
	return out
}

// nsWrite creates path in ns with the given content.
func nsWrite(t *testing.T, ns *Namespace, path, data string) {
	t.Helper()
	f, _, err := ns.Open("/", path, OWrite|OCreate|OTrunc, 0o644)
	ok(t, err)
	_, err = f.Write([]byte(data))
	ok(t, err)
	ok(t, f.Close())
}

// nsRead returns the content of path in ns.
func nsRead(t *testing.T, ns *Namespace, anchor, path string) (string, error) {
	t.Helper()
	f, _, err := ns.Open(anchor, path, ORead, 0)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return readAll(t, f), nil
}
