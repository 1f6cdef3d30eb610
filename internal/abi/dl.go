package abi

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

// The dynamic linking calls of the current generation: dlopen, dlsym,
// dl_invalid_handle. They decode and encode; the process's linker
// (internal/linker, installed by the host for a dynamically linked
// program) loads and resolves. A failure is an errno and a message in the
// guest's buffer, which wasix-libc's dlerror reports; a program that is
// not dynamically linked gets the message too, never a trap.

// DynLinker is what the dl* calls need of a process's dynamic linker.
// ctx is the calling thread's context and caller the calling instance,
// with which the linker calls into that thread's instances (the
// program's allocator, a library's constructors).
type DynLinker interface {
	Open(ctx context.Context, caller api.Module, name string, flags uint32, ldpath []string) (uint32, error)
	Sym(ctx context.Context, caller api.Module, handle uint32, name string) (uint32, error)
	Valid(handle uint32) bool

	// The calls of dl_dynamic.go; value types are binary ones (0x7f i32).
	Signature(slot uint32) (params, results []byte, closure bool, err error)
	CallDynamic(ctx context.Context, caller api.Module, slot uint32, args []uint64) ([]uint64, error)
	ClosureAllocate(ctx context.Context) (uint32, error)
	ClosurePrepare(ctx context.Context, backing, slot uint32, params, results []byte, userData uint32) error
	ClosureFree(slot uint32) error

	// Export is a function of the main program the runtime calls by name
	// that its instance caller does not export (a -pie program's exports
	// are hidden, see linker.PrepareMain), or nil.
	Export(ctx context.Context, caller api.Module, name string) (api.Function, error)
}

var dynLinkers sync.Map // *kernel.Process -> DynLinker

// SetDynLinker installs the linker of p's current program (nil removes it).
func SetDynLinker(p *kernel.Process, l DynLinker) {
	if l == nil {
		dynLinkers.Delete(p)
		return
	}
	dynLinkers.Store(p, l)
}

func dynLinkerOf(p *kernel.Process) DynLinker {
	if v, ok := dynLinkers.Load(p); ok {
		return v.(DynLinker)
	}
	return nil
}

func init() {
	modCalls[WasixCurrent]["dlopen"] = dlopen
	modCalls[WasixCurrent]["dlsym"] = dlsym
	genCalls[WasixCurrent]["dl_invalid_handle"] = dlInvalidHandle
}

// errNotDynamic is the message of a dl* call in a statically linked program.
var errNotDynamic = errors.New("dynamic loading needs a dynamically linked program (-pie); this one is static")

// dlFail writes msg, NUL-terminated and cut to fit, into the error buffer
// and returns the errno of a failed dl* call.
func dlFail(m api.Memory, buf, n uint32, msg string, errno wasix.Errno) wasix.Errno {
	if n > 0 {
		if b, ok := span(m, buf, n); ok {
			k := copy(b[:n-1], msg)
			b[k] = 0
		}
	}
	return errno
}

// dlTarget checks the out-pointer and error buffer that dlopen and dlsym
// write, and finds the process's linker; a nil linker comes with the errno
// to return.
func dlTarget(m api.Memory, p *kernel.Process, out, ebuf, elen uint32) (DynLinker, wasix.Errno) {
	if _, ok := span(m, out, 4); !ok {
		return nil, wasix.ErrnoFault
	}
	if _, ok := span(m, ebuf, elen); !ok {
		return nil, wasix.ErrnoFault
	}
	l := dynLinkerOf(p)
	if l == nil {
		return nil, dlFail(m, ebuf, elen, errNotDynamic.Error(), wasix.ErrnoNosys)
	}
	return l, wasix.ErrnoSuccess
}

// dlopen(path, path_len, flags, err_buf, err_buf_len, ld_library_path, ld_library_path_len, out)
func dlopen(ctx context.Context, p *kernel.Process, mod api.Module, s []uint64) wasix.Errno {
	m := mod.Memory()
	name, ok := guestString(m, uint32(s[0]), uint32(s[1]))
	if !ok {
		return wasix.ErrnoFault
	}
	ldp, ok := guestString(m, uint32(s[5]), uint32(s[6]))
	if !ok {
		return wasix.ErrnoFault
	}
	out, ebuf, elen := uint32(s[7]), uint32(s[3]), uint32(s[4])
	l, errno := dlTarget(m, p, out, ebuf, elen)
	if l == nil {
		return errno
	}
	name = strings.TrimRight(name, "\x00")
	var ldpath []string
	if ldp != "" {
		ldpath = strings.Split(strings.TrimRight(ldp, "\x00"), ":")
	}
	h, err := l.Open(guestContext(ctx), mod, name, uint32(s[2]), ldpath)
	if err != nil {
		return dlFail(m, ebuf, elen, err.Error(), wasix.ErrnoNoent)
	}
	writeU32(m, out, h)
	return wasix.ErrnoSuccess
}

// dlsym(handle, symbol, symbol_len, err_buf, err_buf_len, out)
func dlsym(ctx context.Context, p *kernel.Process, mod api.Module, s []uint64) wasix.Errno {
	m := mod.Memory()
	name, ok := guestString(m, uint32(s[1]), uint32(s[2]))
	if !ok {
		return wasix.ErrnoFault
	}
	out, ebuf, elen := uint32(s[5]), uint32(s[3]), uint32(s[4])
	l, errno := dlTarget(m, p, out, ebuf, elen)
	if l == nil {
		return errno
	}
	name = strings.TrimRight(name, "\x00")
	v, err := l.Sym(guestContext(ctx), mod, uint32(s[0]), name)
	if err != nil && name == "main" {
		// C's main(argc, argv) is __main_argc_argv in wasm (the C ABI
		// renames it, main(void) keeps its name); dlsym takes C names.
		if v2, err2 := l.Sym(guestContext(ctx), mod, uint32(s[0]), "__main_argc_argv"); err2 == nil {
			v, err = v2, nil
		}
	}
	if err != nil {
		return dlFail(m, ebuf, elen, err.Error(), wasix.ErrnoNoent)
	}
	writeU32(m, out, v)
	return wasix.ErrnoSuccess
}

// dl_invalid_handle(handle): success for a loaded library, EINVAL otherwise.
func dlInvalidHandle(_ context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
	if l := dynLinkerOf(p); l != nil && l.Valid(uint32(s[0])) {
		return wasix.ErrnoSuccess
	}
	return wasix.ErrnoInval
}
