//go:build !unix

package kernel

func rlimitNoFile() uint64 { return 8192 }
