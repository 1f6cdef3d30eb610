package abi

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental/wazerotest"
	"github.com/tetratelabs/wazero/sys"
	"github.com/wasix-go/wasix/internal/kernel"
)

// TestNoPanics calls every handler of every generation with random
// arguments, biased towards the edges (zero, small descriptors, the end of
// memory, wrap-around values), and fails on any Go panic but the exit
// panic of proc_exit and proc_raise. The context is already cancelled, so
// calls that would block return at once.
func TestNoPanics(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	size := uint64(wazerotest.PageSize)
	edge := []uint64{0, 1, 2, 3, 4, 5, 8, 16, 64, size - 64, size - 8, size - 4, size - 1, size, size + 1,
		1<<31 - 1, 1 << 31, 1<<32 - 1, 1<<32 - 8, 1<<64 - 1, 1 << 63}
	arg := func(typ api.ValueType) uint64 {
		var v uint64
		switch rng.IntN(3) {
		case 0:
			v = edge[rng.IntN(len(edge))]
		case 1:
			v = uint64(rng.IntN(40))
		default:
			v = rng.Uint64()
		}
		if typ == api.ValueTypeI32 {
			v = uint64(uint32(v))
		}
		return v
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, g := range []Generation{Preview1, Wasix2022, WasixSeed, WasixCurrent} {
		p, err := kernel.New(kernel.Config{MaxFDs: 64}).NewProcess(kernel.ProcConfig{
			Args: []string{"x"}, Stdin: strings.NewReader("input"), Preopens: []kernel.Preopen{{GuestPath: "/"}}})
		if err != nil {
			t.Fatal(err)
		}
		pctx := kernel.WithProcess(ctx, p)
		mem := wazerotest.NewFixedMemory(int(size))
		mod := wazerotest.NewModule(mem)
		for _, f := range SpecOf(g).Funcs {
			h := handlerFor(g, f.Name)
			if h == nil {
				continue
			}
			for range 300 {
				stack := make([]uint64, max(len(f.Params), len(f.Results), 1))
				for i, typ := range f.Params {
					stack[i] = arg(typ)
				}
				// Random bytes in memory make structures read back (iovecs,
				// subscriptions) random too.
				for range 8 {
					mem.Bytes[rng.IntN(int(size))] = byte(rng.Uint32())
				}
				func() {
					defer func() {
						if r := recover(); r != nil {
							var ee *sys.ExitError
							if err, ok := r.(error); ok && errors.As(err, &ee) {
								return
							}
							t.Fatalf("%s %s%v: panic %v", g, f.Name, stack, r)
						}
					}()
					h(pctx, mod, stack)
				}()
			}
		}
		p.Close()
	}
}
