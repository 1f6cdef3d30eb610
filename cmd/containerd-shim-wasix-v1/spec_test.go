package main

import (
	"slices"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/wasix-go/wasix/host"
)

func int64p(v int64) *int64 { return &v }

// The spec containerd's ctr writes for `ctr run --env K=V --cwd /data
// --memory-limit ... IMAGE ID /prog.wasm arg`, trimmed to what matters.
func ctrSpec(t *testing.T) *specs.Spec {
	dir := t.TempDir()
	return &specs.Spec{
		Process: &specs.Process{
			Args:    []string{"/prog.wasm", "arg"},
			Env:     []string{"PATH=/usr/bin:/bin", "K=V"},
			Cwd:     "/data",
			Rlimits: []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Hard: 4096, Soft: 512}},
		},
		Root: &specs.Root{Path: "rootfs", Readonly: true},
		Mounts: []specs.Mount{
			{Destination: "/proc", Type: "proc", Source: "proc"},
			{Destination: "/dev", Type: "tmpfs", Source: "tmpfs"},
			{Destination: "/dev/pts", Type: "devpts", Source: "devpts"},
			{Destination: "/sys", Type: "sysfs", Source: "sysfs"},
			{Destination: "/run", Type: "tmpfs", Source: "tmpfs"},
			{Destination: "/host", Type: "bind", Source: dir, Options: []string{"rbind", "ro"}},
		},
		Linux: &specs.Linux{
			Namespaces: []specs.LinuxNamespace{{Type: specs.PIDNamespace}, {Type: specs.NetworkNamespace}},
			Resources: &specs.LinuxResources{
				Memory: &specs.LinuxMemory{Limit: int64p(64 << 20)},
				Pids:   &specs.LinuxPids{Limit: 32},
			},
		},
	}
}

func TestPlanFromSpec(t *testing.T) {
	s := ctrSpec(t)
	p, err := planFromSpec(s, "/bundle/rootfs")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.programs, []string{"/prog.wasm"}) {
		t.Errorf("programs %v", p.programs)
	}
	c := p.cfg
	if !slices.Equal(c.Args, s.Process.Args) || !slices.Equal(c.Env, s.Process.Env) || c.Cwd != "/data" {
		t.Errorf("args %v env %v cwd %q", c.Args, c.Env, c.Cwd)
	}
	want := []host.Mount{
		{GuestPath: "/", HostDir: "/bundle/rootfs", ReadOnly: true},
		{GuestPath: "/run", Memory: true},
		{GuestPath: "/host", HostDir: s.Mounts[5].Source, ReadOnly: true},
	}
	if !slices.Equal(c.Mounts, want) {
		t.Errorf("mounts\n got %+v\nwant %+v", c.Mounts, want)
	}
	if c.MaxMemoryPages != 1024 || c.MaxThreads != 32 {
		t.Errorf("limits: %d pages, %d threads; want 1024 and 32", c.MaxMemoryPages, c.MaxThreads)
	}
	if p.maxFDs != 512 {
		t.Errorf("RLIMIT_NOFILE's soft limit gives %d descriptors, want 512", p.maxFDs)
	}
	if p.net != nil {
		t.Error("a new network namespace must leave the program without network")
	}
}

func TestPlanNetwork(t *testing.T) {
	s := ctrSpec(t)
	// --net-host: no network namespace at all.
	s.Linux.Namespaces = []specs.LinuxNamespace{{Type: specs.PIDNamespace}}
	if p, err := planFromSpec(s, "/r"); err != nil || p.net == nil {
		t.Errorf("host network: net %v, %v", p.net, err)
	}
	// The host's own namespace named by path is the host's network.
	s.Linux.Namespaces = []specs.LinuxNamespace{{Type: specs.NetworkNamespace, Path: "/proc/self/ns/net"}}
	if p, err := planFromSpec(s, "/r"); err != nil || p.net == nil {
		t.Errorf("host network by path: net %v, %v", p.net, err)
	}
	// Another namespace (a pod's) is refused.
	s.Linux.Namespaces = []specs.LinuxNamespace{{Type: specs.NetworkNamespace, Path: "/var/run/netns/cni-1234"}}
	if _, err := planFromSpec(s, "/r"); err == nil || !strings.Contains(err.Error(), "network namespace") {
		t.Errorf("another namespace: %v, want a refusal", err)
	}
}

func TestPlanRefusals(t *testing.T) {
	s := ctrSpec(t)
	s.Mounts = append(s.Mounts, specs.Mount{Destination: "/x", Type: "nfs", Source: "server:/x"})
	if _, err := planFromSpec(s, "/r"); err == nil {
		t.Error("an nfs mount was accepted")
	}
	s = ctrSpec(t)
	s.Process.Args = nil
	if _, err := planFromSpec(s, "/r"); err == nil {
		t.Error("a spec without args was accepted")
	}
}

func TestProgramPaths(t *testing.T) {
	for _, c := range []struct {
		arg0, cwd string
		env       []string
		want      []string
	}{
		{"/app/prog.wasm", "/data", nil, []string{"/app/prog.wasm"}},
		{"./prog.wasm", "/data", nil, []string{"/data/prog.wasm"}},
		{"prog.wasm", "/", []string{"PATH=/:/bin:rel"}, []string{"/prog.wasm", "/bin/prog.wasm"}},
		{"prog.wasm", "/", nil, strings.Split("/usr/local/sbin/prog.wasm:/usr/local/bin/prog.wasm:/usr/sbin/prog.wasm:/usr/bin/prog.wasm:/sbin/prog.wasm:/bin/prog.wasm", ":")},
	} {
		if got := programPaths(c.arg0, c.cwd, c.env); !slices.Equal(got, c.want) {
			t.Errorf("programPaths(%q, %q, %v) = %v, want %v", c.arg0, c.cwd, c.env, got, c.want)
		}
	}
}

func TestMemoryPages(t *testing.T) {
	for limit, want := range map[int64]uint32{1: 1, 65536: 1, 65536*3 + 5: 3, 1 << 40: 65536} {
		if got := memoryPages(limit); got != want {
			t.Errorf("memoryPages(%d) = %d, want %d", limit, got, want)
		}
	}
}
