//go:build !unix

package host

import "github.com/tetratelabs/wazero/experimental"

// Allocate gives a linear memory in a Go buffer where there is no mmap;
// the garbage collector keeps it alive as long as any code uses it.
func (a *memAllocator) Allocate(_, max uint64) experimental.LinearMemory {
	return &goMemory{}
}
