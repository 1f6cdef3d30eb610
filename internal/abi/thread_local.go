package abi

import (
	"context"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

func init() {
	for _, g := range []Generation{Wasix2022, WasixSeed} {
		c := genCalls[g]
		c["thread_local_create"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
			return putResult(m, uint32(s[1]), func() (uint32, wasix.Errno) { return p.TLSCreate(s[0]) })
		}
		c["thread_local_set"] = func(ctx context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
			t := kernel.ThreadFrom(ctx)
			if t == nil {
				return wasix.ErrnoNotsup
			}
			return t.TLSSet(uint32(s[0]), s[1])
		}
		c["thread_local_get"] = func(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
			t := kernel.ThreadFrom(ctx)
			if t == nil {
				return wasix.ErrnoNotsup
			}
			return putResult(m, uint32(s[1]), func() (uint64, wasix.Errno) { return t.TLSGet(uint32(s[0])) })
		}
	}
	for _, g := range []Generation{Wasix2022, WasixSeed} {
		modCalls[g]["thread_local_destroy"] = threadLocalDestroy
	}
}

// thread_local_destroy(key): the key goes away in every thread; the
// destructor runs in the calling thread for each value left.
func threadLocalDestroy(ctx context.Context, p *kernel.Process, mod api.Module, s []uint64) wasix.Errno {
	vals, errno := p.TLSDestroy(uint32(s[0]))
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	fn := exportOf(ctx, p, mod, p.Callback(kernel.CallbackTLSDestroy))
	if fn == nil {
		return wasix.ErrnoSuccess
	}
	for _, v := range vals {
		if err := callTLSDestroy(guestContext(ctx), fn, v); err != nil {
			panic(err)
		}
	}
	return wasix.ErrnoSuccess
}
