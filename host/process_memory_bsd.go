//go:build unix && !linux

package host

func adviseHuge([]byte) {}

// keepSpare keeps nothing: memories are views of snapshot files on Linux
// only.
func (m *mappedMemory) keepSpare() bool { return false }
