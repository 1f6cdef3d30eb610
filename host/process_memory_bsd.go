//go:build unix && !linux

package host

func adviseHuge([]byte) {}

// hugeOffset is 0: no transparent huge pages here.
func hugeOffset(uint32) int { return 0 }

const hugePage = 2 << 20

// keepSpare keeps nothing: memories are views of snapshot files on Linux
// only.
func (m *mappedMemory) keepSpare() bool { return false }
