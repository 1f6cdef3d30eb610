package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strconv"
	"syscall"
	"time"

	taskAPI "github.com/containerd/containerd/api/runtime/task/v2"
	"github.com/containerd/containerd/mount"
	"github.com/containerd/containerd/namespaces"
	"github.com/containerd/containerd/protobuf"
	"github.com/containerd/containerd/runtime/v2/shim"
	"github.com/containerd/log"
)

// groupAnnotations name the pod a container belongs to: containers of one
// pod share one shim process (and its compiled-code cache).
var groupAnnotations = []string{
	"io.kubernetes.cri.sandbox-id",
	"io.kubernetes.cri-o.SandboxID",
}

// StartShim is the shim's "start" command: it returns the address of the
// shim process serving the container, starting one unless the container's
// pod already has one.
func (s *service) StartShim(ctx context.Context, opts shim.StartOpts) (_ string, retErr error) {
	grouping := opts.ID
	if spec, err := readSpec("."); err == nil {
		for _, a := range groupAnnotations {
			if g, ok := spec.Annotations[a]; ok && g != "" {
				grouping = g
				break
			}
		}
	}
	address, err := shim.SocketAddress(ctx, opts.Address, grouping)
	if err != nil {
		return "", err
	}
	socket, err := shim.NewSocket(address)
	if err != nil {
		if !shim.SocketEaddrinuse(err) {
			return "", fmt.Errorf("create shim socket: %w", err)
		}
		// The pod's shim is running: it serves this container too.
		if shim.CanConnect(address) {
			if err := shim.WriteAddress("address", address); err != nil {
				return "", err
			}
			return address, nil
		}
		// A shim that died left its socket behind.
		if err := shim.RemoveSocket(address); err != nil {
			return "", fmt.Errorf("remove stale shim socket: %w", err)
		}
		if socket, err = shim.NewSocket(address); err != nil {
			return "", fmt.Errorf("create shim socket: %w", err)
		}
	}
	defer func() {
		if retErr != nil {
			socket.Close()
			_ = shim.RemoveSocket(address)
		}
	}()
	if err := shim.WriteAddress("address", address); err != nil {
		return "", err
	}
	f, err := socket.File()
	if err != nil {
		return "", err
	}
	defer f.Close()

	ns, err := namespaces.NamespaceRequired(ctx)
	if err != nil {
		return "", err
	}
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	cwd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	args := []string{"-namespace", ns, "-id", opts.ID, "-address", opts.Address}
	if opts.Debug {
		args = append(args, "-debug")
	}
	cmd := exec.Command(self, args...)
	cmd.Dir = cwd
	cmd.Env = os.Environ()
	if os.Getenv("GOMAXPROCS") == "" {
		// The shim library limits a shim to 2 Go threads unless told;
		// the threads of wasm programs are goroutines and deserve the
		// machine's cores.
		cmd.Env = append(cmd.Env, "GOMAXPROCS="+strconv.Itoa(goruntime.NumCPU()))
	}
	cmd.ExtraFiles = []*os.File{f} // served as descriptor 3
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return "", err
	}
	go cmd.Wait() //nolint:errcheck // the shim outlives this command
	if err := shim.AdjustOOMScore(cmd.Process.Pid); err != nil {
		cmd.Process.Kill()
		return "", fmt.Errorf("adjust the shim's OOM score: %w", err)
	}
	return address, nil
}

// Cleanup is the shim's "delete" command, run by containerd when the shim
// process is gone: it unmounts what the shim mounted and reports the task
// as killed.
func (s *service) Cleanup(ctx context.Context) (*taskAPI.DeleteResponse, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	if err := mount.UnmountAll(filepath.Join(cwd, "rootfs"), 0); err != nil {
		log.G(ctx).WithError(err).Warn("unmount the root filesystem")
	}
	return &taskAPI.DeleteResponse{
		Pid:        uint32(os.Getpid()),
		ExitStatus: statusKilled,
		ExitedAt:   protobuf.ToTimestamp(time.Now()),
	}, nil
}

// cacheDir returns the directory of the compiled-code cache every shim
// process and container of the node shares: $WASIX_SHIM_CACHE_DIR, or
// /var/lib/containerd-shim-wasix-v1/cache. Empty (no cache on disk) when
// it cannot be made.
func cacheDir() string {
	dir := os.Getenv("WASIX_SHIM_CACHE_DIR")
	if dir == "" {
		dir = "/var/lib/containerd-shim-wasix-v1/cache"
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return ""
	}
	return dir
}
