package abi

import (
	"context"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

func init() {
	preview1Calls["args_get"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		return putStrings(m, p.Args(), uint32(s[0]), uint32(s[1]))
	}
	preview1Calls["args_sizes_get"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		return putSizes(m, p.Args(), uint32(s[0]), uint32(s[1]))
	}
	preview1Calls["environ_get"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		return putStrings(m, p.Env(), uint32(s[0]), uint32(s[1]))
	}
	preview1Calls["environ_sizes_get"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		return putSizes(m, p.Env(), uint32(s[0]), uint32(s[1]))
	}
}

// putSizes writes the count of strs and the bytes they take with a NUL
// after each (args_sizes_get, environ_sizes_get).
func putSizes(m api.Memory, strs []string, countPtr, sizePtr uint32) wasix.Errno {
	size := 0
	for _, s := range strs {
		size += len(s) + 1
	}
	if !writeU32(m, countPtr, uint32(len(strs))) || !writeU32(m, sizePtr, uint32(size)) {
		return wasix.ErrnoFault
	}
	return wasix.ErrnoSuccess
}

// putStrings writes strs NUL-terminated one after the other at buf and a
// pointer to each at ptrs (args_get, environ_get). Both areas are checked
// whole before anything is written.
func putStrings(m api.Memory, strs []string, ptrs, buf uint32) wasix.Errno {
	size := uint64(0)
	for _, s := range strs {
		size += uint64(len(s)) + 1
	}
	pb, ok := span64(m, ptrs, uint64(len(strs))*4)
	if !ok {
		return wasix.ErrnoFault
	}
	bb, ok := span64(m, buf, size)
	if !ok {
		return wasix.ErrnoFault
	}
	off := uint32(0)
	for i, s := range strs {
		le32(pb[i*4:], buf+off)
		copy(bb[off:], s)
		bb[off+uint32(len(s))] = 0
		off += uint32(len(s)) + 1
	}
	return wasix.ErrnoSuccess
}
