//go:build !unix

package host

import "github.com/tetratelabs/wazero/experimental"

// Allocate gives a linear memory in a Go buffer where there is no mmap;
// the garbage collector keeps it alive as long as any code uses it.
func (a *memAllocator) allocate(max uint64, _ uint32) experimental.LinearMemory {
	if max == 0 {
		max = 1 << 16
	}
	return newGoMemory(max)
}

// mappedMemory is made only where there is mmap.
type mappedMemory struct{}

func (*mappedMemory) settle(uint64) {}
