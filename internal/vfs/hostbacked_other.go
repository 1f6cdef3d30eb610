//go:build !linux

package vfs

// hostDescriptorFile: see hostbacked_linux.go.
type hostDescriptorFile = *otherFile
