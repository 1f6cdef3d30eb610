//go:build !unix || netbsd

package kernel

func hostCPUTime() (int64, bool) { return 0, false }
