// Package shime2e holds the end-to-end test of the containerd shim
// (cmd/containerd-shim-wasix-v1): it starts a private containerd, imports
// an OCI image of test programs built here, and runs them with ctr. It
// runs as root where containerd and ctr are installed, and skips with the
// reason elsewhere. The package has no code of its own.
package shime2e
