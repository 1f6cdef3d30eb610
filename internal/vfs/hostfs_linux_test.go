//go:build linux

package vfs

import "testing"

// withoutOpenat2 makes h use the component walk meant for kernels before
// openat2, so both paths are tested here.
func withoutOpenat2(h *HostFS) *HostFS {
	h.openat2 = false
	return h
}

func init() {
	extraFSes = append(extraFSes, fsMaker{"HostFS-walk", func(t *testing.T) FS {
		h := must(NewHostFS(t.TempDir()))(t)
		t.Cleanup(func() { h.Close() })
		return withoutOpenat2(h)
	}})
}

func init() {
	hostFSVariant = func(name string, h *HostFS) *HostFS {
		if name == "HostFS-walk" {
			return withoutOpenat2(h)
		}
		return h
	}
}

// TestHostFSMagicLinks mounts /proc, whose magic links (root, cwd, fd/N)
// lead anywhere on the host: neither the FS nor the namespace may follow
// them out.
func TestHostFSMagicLinks(t *testing.T) {
	for _, walk := range []bool{false, true} {
		h, err := NewHostFS("/proc")
		if err != nil {
			t.Skip(err)
		}
		defer h.Close()
		if walk {
			withoutOpenat2(h)
		}
		for _, p := range []string{"self/root/etc/passwd", "thread-self/root/etc/passwd", "1/root/etc/passwd"} {
			_, err := h.Open(p, ORead, 0)
			if err == nil {
				t.Fatalf("walk=%v: %s opened", walk, p)
			}
		}
		ns := NewNamespace(h)
		for _, p := range []string{"self/root/etc/passwd", "self/cwd", "self/exe"} {
			f, _, err := ns.Open("/", p, ORead, 0)
			if err == nil {
				st, _ := f.Stat()
				f.Close()
				if p != "self/cwd" || st.Type != TypeDir {
					t.Fatalf("walk=%v: %s opened %+v", walk, p, st)
				}
			}
		}
		// self/root reads as "/", which the namespace takes as its own root.
		r := must(ns.Resolve("/", "self/root", true))(t)
		if r.Path != "/" {
			t.Fatalf("self/root resolved to %q", r.Path)
		}
	}
}
