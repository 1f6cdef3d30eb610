//go:build !unix

package host

import "github.com/tetratelabs/wazero/experimental"

// mmapAllocator is wazero's own allocation where there is no mmap.
var mmapAllocator experimental.MemoryAllocator = experimental.MemoryAllocatorFunc(func(_, max uint64) experimental.LinearMemory {
	return &goMemory{}
})
