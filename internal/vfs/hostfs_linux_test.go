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
