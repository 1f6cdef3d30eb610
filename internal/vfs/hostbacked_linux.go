package vfs

// hostDescriptorFile is the File type of a HostFS that holds a host
// descriptor: a concrete type, so that HostBacked compares types instead
// of making an interface table at run time (a cost every start paid).
type hostDescriptorFile = *hostFile
