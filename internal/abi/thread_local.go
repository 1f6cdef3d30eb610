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
			out := uint32(s[1])
			if _, ok := span(m, out, 4); !ok {
				return wasix.ErrnoFault
			}
			key, errno := p.TLSCreate(s[0])
			if errno != wasix.ErrnoSuccess {
				return errno
			}
			return put32(m, out, key)
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
			out := uint32(s[1])
			if _, ok := span(m, out, 8); !ok {
				return wasix.ErrnoFault
			}
			v, errno := t.TLSGet(uint32(s[0]))
			if errno != wasix.ErrnoSuccess {
				return errno
			}
			return put64(m, out, v)
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
	fn := exportOf(mod, p.Callback(kernel.CallbackTLSDestroy))
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
