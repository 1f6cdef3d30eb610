package vfs

// HostBacked reports whether f holds a descriptor of the host (a file or
// directory of a HostFS), which the kernel counts against the runtime's
// limit of host descriptors.
func HostBacked(f File) bool {
	_, ok := f.(hostDescriptorFile)
	return ok
}
