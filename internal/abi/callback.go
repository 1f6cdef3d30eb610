package abi

import (
	"context"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

func init() {
	for _, g := range []Generation{Wasix2022, WasixSeed} {
		modCalls[g]["callback_thread"] = callbackSetter(kernel.CallbackThread)
		modCalls[g]["callback_reactor"] = callbackSetter(kernel.CallbackReactor)
		modCalls[g]["callback_thread_local_destroy"] = callbackSetter(kernel.CallbackTLSDestroy)
	}
}

// callbackSetter returns the handler of callback_*(name string): the
// runtime calls the export name from then on. The calls return nothing,
// so a name out of bounds is ignored.
func callbackSetter(kind kernel.Callback) modCall {
	return func(_ context.Context, p *kernel.Process, mod api.Module, s []uint64) wasix.Errno {
		name, ok := guestString(mod.Memory(), uint32(s[0]), uint32(s[1]))
		if ok {
			p.SetCallback(kind, name)
		}
		return wasix.ErrnoSuccess
	}
}

// ThreadEnd runs, in the ending thread's instance mod, the destructor of
// every thread-local value the thread leaves (callback_thread_local_destroy,
// called with the key's user data and the value). The host calls it when a
// thread returns or calls thread_exit.
func ThreadEnd(ctx context.Context, mod api.Module, t *kernel.Thread) error {
	vals := t.TLSTakeAll()
	if len(vals) == 0 {
		return nil
	}
	fn := exportOf(ctx, t.Process(), mod, t.Process().Callback(kernel.CallbackTLSDestroy))
	if fn == nil {
		return nil
	}
	for _, v := range vals {
		if err := callTLSDestroy(ctx, fn, v); err != nil {
			return err
		}
	}
	return nil
}

// callTLSDestroy calls a destructor taking (user_data, value) as two i64,
// or as four i32 (low and high halves), as toolchains have declared it.
func callTLSDestroy(ctx context.Context, fn api.Function, v kernel.TLSValue) error {
	params := fn.Definition().ParamTypes()
	var args []uint64
	switch {
	case len(params) == 2:
		args = []uint64{v.UserData, v.Value}
	case len(params) == 4:
		args = []uint64{uint64(uint32(v.UserData)), v.UserData >> 32, uint64(uint32(v.Value)), v.Value >> 32}
	default:
		return nil
	}
	_, err := fn.Call(ctx, args...)
	return err
}
