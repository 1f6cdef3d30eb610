//go:build !linux

package host

import "github.com/tetratelabs/wazero/experimental"

// forkAllocator has no snapshot to give off Linux: the child's memory is
// made as any other, then copied.
func (a *memAllocator) forkAllocator(uint32, uint32, []byte, bool) (experimental.MemoryAllocator, func()) {
	return nil, func() {}
}

// forkMemory reports that the child's memory must be copied: copy-on-write
// memories are built on Linux's memfd (process_memory_linux.go).
func (a *memAllocator) forkMemory(dst, src []byte, alone bool) bool { return false }
