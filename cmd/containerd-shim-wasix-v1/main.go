// Command containerd-shim-wasix-v1 is a containerd shim (the shim v2 task
// API) that runs WASIX and WASI programs with the runtime of
// github.com/wasix-go/wasix/host instead of a Linux process: containerd
// starts it for the runtime io.containerd.wasix.v1.
//
// The container's image holds the program: the first element of the OCI
// spec's process.args names a .wasm file in the root filesystem, which
// becomes the program's "/". Args, env, cwd, mounts, the terminal, the
// memory limit and the network namespace map onto host.Config; README.md
// (section "Kubernetes and containerd") says what is and is not mapped.
//
// One shim process serves every container of a pod (containers sharing
// the annotation io.kubernetes.cri.sandbox-id), each in its own
// host.Runtime, sharing one compiled-code cache (in memory for the
// process, on disk for every shim of the node).
package main

import "github.com/containerd/containerd/runtime/v2/shim"

// runtimeName is the name containerd knows the shim by.
const runtimeName = "io.containerd.wasix.v1"

func main() {
	// The programs are goroutines of this process, not child processes:
	// there is nothing to reap and no need to be a subreaper.
	shim.Run(runtimeName, newService, func(c *shim.Config) {
		c.NoSubreaper = true
		c.NoReaper = true
	})
}
