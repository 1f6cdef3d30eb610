package main

import (
	"errors"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/wasix-go/wasix/host"
)

// plan is what an OCI spec asks of a run, in the runtime's terms.
type plan struct {
	// programs are the guest paths where the .wasm file to run may be,
	// in order (one, unless args[0] is a bare name searched in PATH).
	programs []string
	// cfg carries args, env, cwd, mounts and limits; stdio is added when
	// the task's IO is opened.
	cfg host.Config
	// net is the runtime's network: nil for none.
	net *host.NetConfig
	// terminal says the spec asks for a terminal.
	terminal bool
	// maxFDs bounds the descriptors of each process (RLIMIT_NOFILE); 0
	// leaves the runtime's default.
	maxFDs int
}

// pageSize is the size of a WebAssembly memory page.
const pageSize = 65536

// planFromSpec maps an OCI runtime spec onto a run of the program it
// names. rootfs is the host directory of the container's root filesystem
// (already mounted). Anything the runtime cannot honour in a way the
// container would notice is an error, rather than silently ignored.
func planFromSpec(s *specs.Spec, rootfs string) (*plan, error) {
	if s.Process == nil || len(s.Process.Args) == 0 {
		return nil, errors.New("the spec has no process args: the first one must name a .wasm file")
	}
	p := &plan{terminal: s.Process.Terminal}
	cwd := s.Process.Cwd
	if cwd == "" {
		cwd = "/"
	}
	if !path.IsAbs(cwd) {
		return nil, fmt.Errorf("process cwd %q is not absolute", cwd)
	}
	p.programs = programPaths(s.Process.Args[0], cwd, s.Process.Env)
	if len(p.programs) == 0 {
		return nil, fmt.Errorf("%s: no absolute directory in PATH to look for it", s.Process.Args[0])
	}
	var err error
	p.cfg = host.Config{
		Args: slices.Clone(s.Process.Args),
		Env:  slices.Clone(s.Process.Env),
		Cwd:  cwd,
		// A plain WASI program sees only its preopens: give it the
		// container's "/" as a container process would have.
		PreopenRoot: true,
	}
	for _, rl := range s.Process.Rlimits {
		if rl.Type == "RLIMIT_NOFILE" && rl.Soft > 0 {
			p.maxFDs = int(min(rl.Soft, 1<<20))
		}
	}
	readOnlyRoot := s.Root != nil && s.Root.Readonly
	p.cfg.Mounts = append(p.cfg.Mounts, host.Mount{GuestPath: "/", HostDir: rootfs, ReadOnly: readOnlyRoot})
	for _, m := range s.Mounts {
		hm, ok, err := mapMount(m)
		if err != nil {
			return nil, err
		}
		if ok {
			p.cfg.Mounts = append(p.cfg.Mounts, hm)
		}
	}
	if s.Linux != nil {
		if p.net, err = network(s.Linux.Namespaces); err != nil {
			return nil, err
		}
		if r := s.Linux.Resources; r != nil {
			if r.Memory != nil && r.Memory.Limit != nil && *r.Memory.Limit > 0 {
				p.cfg.MaxMemoryPages = memoryPages(*r.Memory.Limit)
			}
			if r.Pids != nil && r.Pids.Limit > 0 {
				// The runtime bounds threads per process; a pids limit
				// counts threads too, so it is at least that bound.
				p.cfg.MaxThreads = int(min(r.Pids.Limit, 1<<20))
			}
		}
	} else {
		// No Linux section: no namespaces asked for, the host's network.
		p.net = &host.NetConfig{}
	}
	return p, nil
}

// memoryPages turns a memory limit in bytes into whole wasm pages (at
// least one), capped at the 4 GiB of a wasm32 memory.
func memoryPages(limit int64) uint32 {
	pages := limit / pageSize
	switch {
	case pages < 1:
		return 1
	case pages > 65536:
		return 65536
	}
	return uint32(pages)
}

// defaultPath is the search path when the spec's env has no PATH.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// programPaths lists the guest paths args[0] may name, as execvp tries
// them: a name with a slash is a path (relative to cwd), a bare name is
// looked up in each directory of PATH.
func programPaths(arg0, cwd string, env []string) []string {
	if path.IsAbs(arg0) {
		return []string{path.Clean(arg0)}
	}
	if strings.Contains(arg0, "/") {
		return []string{path.Join(cwd, arg0)}
	}
	search := envValue(env, "PATH")
	if search == "" {
		search = defaultPath
	}
	var out []string
	for _, dir := range strings.Split(search, ":") {
		if path.IsAbs(dir) {
			out = append(out, path.Join(dir, arg0))
		}
	}
	return out
}

// envValue returns the value of key in a KEY=VALUE list (the last one).
func envValue(env []string, key string) string {
	v := ""
	for _, kv := range env {
		if k, val, ok := strings.Cut(kv, "="); ok && k == key {
			v = val
		}
	}
	return v
}

// mapMount turns an OCI mount into a runtime mount. Bind mounts become host
// directories and tmpfs an in-memory directory; the kernel filesystems of
// a Linux container (proc, sysfs, devpts, mqueue, cgroup) and anything at
// or under /dev, /proc and /sys have no meaning for a wasm program (the
// runtime has its own /dev) and are left out.
func mapMount(m specs.Mount) (host.Mount, bool, error) {
	dst := path.Clean("/" + m.Destination)
	for _, skip := range []string{"/dev", "/proc", "/sys"} {
		if dst == skip || strings.HasPrefix(dst, skip+"/") {
			return host.Mount{}, false, nil
		}
	}
	ro := slices.Contains(m.Options, "ro")
	bind := m.Type == "bind" || slices.Contains(m.Options, "bind") || slices.Contains(m.Options, "rbind")
	switch {
	case bind:
		fi, err := os.Stat(m.Source)
		if err != nil {
			return host.Mount{}, false, fmt.Errorf("mount %s: %w", dst, err)
		}
		if !fi.IsDir() {
			// The runtime mounts directories only; CRI binds single
			// files (/etc/hosts, /etc/resolv.conf, termination-log).
			return host.Mount{}, false, nil
		}
		return host.Mount{GuestPath: dst, HostDir: m.Source, ReadOnly: ro}, true, nil
	case m.Type == "tmpfs":
		return host.Mount{GuestPath: dst, Memory: true, ReadOnly: ro}, true, nil
	case slices.Contains([]string{"proc", "sysfs", "devpts", "mqueue", "cgroup", "cgroup2"}, m.Type):
		return host.Mount{}, false, nil
	}
	return host.Mount{}, false, fmt.Errorf("mount %s: type %q is not supported by the wasix shim", dst, m.Type)
}

// network maps the spec's network namespace onto the runtime's network:
// none asked for, or the host's own, is the host's network; a new empty
// one (no path) is no network at all; any other existing namespace is
// refused, as the runtime cannot put sockets into it.
func network(nss []specs.LinuxNamespace) (*host.NetConfig, error) {
	for _, ns := range nss {
		if ns.Type != specs.NetworkNamespace {
			continue
		}
		if ns.Path == "" {
			return nil, nil
		}
		if same, err := sameFile(ns.Path, "/proc/self/ns/net"); err == nil && same {
			return &host.NetConfig{}, nil
		}
		return nil, fmt.Errorf("network namespace %s: the wasix shim runs programs on the host's network or on none; joining another namespace is not supported", ns.Path)
	}
	return &host.NetConfig{}, nil
}

// sameFile reports whether two paths name the same inode.
func sameFile(a, b string) (bool, error) {
	var sa, sb syscall.Stat_t
	if err := syscall.Stat(a, &sa); err != nil {
		return false, err
	}
	if err := syscall.Stat(b, &sb); err != nil {
		return false, err
	}
	return sa.Dev == sb.Dev && sa.Ino == sb.Ino, nil
}
