package vfs

import (
	"os"
	"path/filepath"
	"testing"
)

const size64M = 64 << 20

// The benchmarks move 64 MiB in one call, as a guest's large read or write
// through a single iovec would, comparing HostFS and MemFS with a plain
// os.File on the same host directory.

func benchFile(b *testing.B) (dir string, data []byte) {
	b.Helper()
	dir = b.TempDir()
	data = make([]byte, size64M)
	for i := range data {
		data[i] = byte(i * 7)
	}
	if err := os.WriteFile(filepath.Join(dir, "big"), data, 0o644); err != nil {
		b.Fatal(err)
	}
	return dir, data
}

func benchHostFile(b *testing.B, flags OpenFlags) (File, []byte) {
	dir, data := benchFile(b)
	h, err := NewHostFS(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { h.Close() })
	f, err := h.Open("big", flags, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	return f, data
}

func benchOSFile(b *testing.B, flag int) (*os.File, []byte) {
	dir, data := benchFile(b)
	f, err := os.OpenFile(filepath.Join(dir, "big"), flag, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	return f, data
}

func benchMemFile(b *testing.B, flags OpenFlags) (File, []byte) {
	data := make([]byte, size64M)
	m := NewMemFS()
	if err := m.WriteFile("big", data, 0o644); err != nil {
		b.Fatal(err)
	}
	f, err := m.Open("big", flags, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	return f, data
}

func BenchmarkHostFSRead64M(b *testing.B) {
	f, data := benchHostFile(b, ORead)
	b.SetBytes(size64M)
	for b.Loop() {
		if n, err := f.Pread(data, 0); n != size64M || err != nil {
			b.Fatal(n, err)
		}
	}
}

func BenchmarkOSFileRead64M(b *testing.B) {
	f, data := benchOSFile(b, os.O_RDONLY)
	b.SetBytes(size64M)
	for b.Loop() {
		if n, err := f.ReadAt(data, 0); n != size64M || err != nil {
			b.Fatal(n, err)
		}
	}
}

func BenchmarkMemFSRead64M(b *testing.B) {
	f, data := benchMemFile(b, ORead)
	b.SetBytes(size64M)
	for b.Loop() {
		if n, err := f.Pread(data, 0); n != size64M || err != nil {
			b.Fatal(n, err)
		}
	}
}

func BenchmarkHostFSWrite64M(b *testing.B) {
	f, data := benchHostFile(b, OWrite)
	b.SetBytes(size64M)
	for b.Loop() {
		if n, err := f.Pwrite(data, 0); n != size64M || err != nil {
			b.Fatal(n, err)
		}
	}
}

func BenchmarkOSFileWrite64M(b *testing.B) {
	f, data := benchOSFile(b, os.O_WRONLY)
	b.SetBytes(size64M)
	for b.Loop() {
		if n, err := f.WriteAt(data, 0); n != size64M || err != nil {
			b.Fatal(n, err)
		}
	}
}

func BenchmarkMemFSWrite64M(b *testing.B) {
	f, data := benchMemFile(b, OWrite)
	b.SetBytes(size64M)
	for b.Loop() {
		if n, err := f.Pwrite(data, 0); n != size64M || err != nil {
			b.Fatal(n, err)
		}
	}
}

// BenchmarkResolveDeep measures the per-component walk on a 10-deep path.
func BenchmarkResolveDeep(b *testing.B) {
	for _, c := range []struct {
		name string
		fs   func(b *testing.B) FS
	}{
		{"MemFS", func(b *testing.B) FS { return NewMemFS() }},
		{"HostFS", func(b *testing.B) FS {
			h, err := NewHostFS(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { h.Close() })
			return h
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			ns := NewNamespace(c.fs(b))
			p := ""
			for i := range 10 {
				p += "/d" + string(rune('0'+i))
				if err := ns.Mkdir("/", p, 0o755); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				if _, err := ns.Stat("/", p, true); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
