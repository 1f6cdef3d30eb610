package host_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/wasix-go/wasix/host"
)

// TestCurrentPrograms runs the self-checking programs of
// testdata/guests/current, built with today's wasix-libc, each with what it
// needs: they must pass every check and exit 0.
func TestCurrentPrograms(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		net  bool // loopback networking
		cfg  func(t *testing.T, rt *host.Runtime, cfg *host.Config)
	}{
		{name: "fork"},
		{name: "pipe"},
		{name: "sigwait"},
		{name: "epoll"},
		{name: "socketpair"},
		{name: "dup"},
		{name: "threads"},
		{name: "alarm"},
		{name: "spawn", cfg: func(t *testing.T, rt *host.Runtime, cfg *host.Config) {
			// The program spawns itself, by the path /bin/spawn.
			if err := rt.AddCommand(context.Background(), "spawn", currentGuest(t, "spawn.wasm")); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "fs", args: []string{"/data"}, cfg: func(t *testing.T, rt *host.Runtime, cfg *host.Config) {
			cfg.Mounts = []host.Mount{{GuestPath: "/data", HostDir: t.TempDir()}}
		}},
		{name: "posix", args: []string{"/data"}, net: true, cfg: func(t *testing.T, rt *host.Runtime, cfg *host.Config) {
			cfg.Mounts = []host.Mount{{GuestPath: "/data", HostDir: t.TempDir()}}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc := host.RuntimeConfig{}
			if tc.net {
				rc.Net = &host.NetConfig{LoopbackOnly: true}
			}
			rt := newRuntime(t, rc)
			cfg := host.Config{Args: append([]string{tc.name}, tc.args...), MaxMemoryPages: currentPages}
			if tc.cfg != nil {
				tc.cfg(t, rt, &cfg)
			}
			r := runGuest(t, rt, currentGuest(t, tc.name+".wasm"), cfg)
			checkTAP(t, r, 0)
			if tc.name == "fs" {
				// The moved file went back to /tmp: the host dir is empty.
				if es, err := os.ReadDir(filepath.Join(cfg.Mounts[0].HostDir)); err != nil || len(es) != 0 {
					t.Errorf("host dir after the run: %v, %v", es, err)
				}
			}
		})
	}
}
