package abi

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"
	"github.com/wasix-go/wasix/internal/kernel"
)

// Tracer writes one strace-style line per host call:
//
//	[1] fd_write(fd=1, iovs.ptr=0x1000, iovs.len=2, out0=0xffc) = 0 (success) 12µs
//
// It decorates handlers when a host module is built, so a module built
// without a Tracer pays nothing for tracing. A Tracer is safe for
// concurrent use; lines from different threads never interleave.
type Tracer struct {
	mu sync.Mutex
	w  io.Writer
}

// NewTracer returns a Tracer writing to w.
func NewTracer(w io.Writer) *Tracer { return &Tracer{w: w} }

// maxTraceString bounds how much of a string argument a line shows.
const maxTraceString = 64

// notString lists the ".ptr" parameters that point at something other than
// UTF-8 text (lists of iovecs, raw buffers, arrays of structs); the others
// (path, name, url, ...) are shown as quoted strings.
var notString = map[string]bool{
	"iovs": true, "si_data": true, "ri_data": true, "buf": true, "values": true,
	"signal_dispositions": true, "result_types": true, "argument_types": true,
	"fd_ops": true,
}

// pointerNames lists parameters that are addresses whatever follows them.
var pointerNames = map[string]bool{
	"argv": true, "argv_buf": true, "environ": true, "environ_buf": true,
	"in": true, "buf": true, "path_len": true,
}

// wrap returns h decorated to trace each call of f. A nil h is traced as
// the ENOSYS stub it stands for.
func (t *Tracer) wrap(f *Func, h api.GoModuleFunc, implemented bool) api.GoModuleFunc {
	return func(ctx context.Context, mod api.Module, stack []uint64) {
		var b strings.Builder
		var pid uint32
		if th := kernel.ThreadFrom(ctx); th != nil {
			pid = th.Current().Process().Pid() // a proc_fork_env child's calls are the child's
		} else if p := kernel.ProcessFrom(ctx); p != nil {
			pid = p.Pid()
		}
		fmt.Fprintf(&b, "[%d] %s(", pid, f.Name)
		t.args(&b, f, mod, stack)
		b.WriteByte(')')
		if f.NoReturn {
			// The call does not come back (proc_exit unwinds the guest), so
			// the line is complete before it.
			b.WriteString(" = ?")
			if !implemented {
				b.WriteString(" not implemented")
			}
			t.line(b.String())
			h(ctx, mod, stack)
			return
		}

		start := time.Now()
		trapped := true
		defer func() {
			if !trapped {
				return
			}
			// The call ended the program (proc_raise of a fatal signal)
			// or trapped; say so, then let the panic go on its way.
			r := recover()
			if ee, ok := r.(*sys.ExitError); ok {
				fmt.Fprintf(&b, " = ? (exit %d) %s", ee.ExitCode(), micros(time.Since(start)))
			} else if rr, ok := r.(runLoopRequest); ok { // exec, longjmp (stack.go)
				fmt.Fprintf(&b, " = ? (%s) %s", rr.traceResult(), micros(time.Since(start)))
			} else {
				fmt.Fprintf(&b, " = trap (%v) %s", r, micros(time.Since(start)))
			}
			t.line(b.String())
			panic(r)
		}()
		h(ctx, mod, stack)
		elapsed := time.Since(start)
		trapped = false

		if len(f.Results) > 0 {
			r := stack[0]
			if f.Results[0] == api.ValueTypeI32 {
				fmt.Fprintf(&b, " = %d (%s)", uint32(r), resultName(f.Name, uint32(r)))
			} else {
				fmt.Fprintf(&b, " = %d", r)
			}
		}
		if !implemented {
			b.WriteString(" not implemented")
		}
		fmt.Fprintf(&b, " %s", micros(elapsed))
		t.line(b.String())
	}
}

// args formats the parameters of one call: integers in decimal, pointers
// in hex, and a string argument as its text read from guest memory.
func (t *Tracer) args(b *strings.Builder, f *Func, mod api.Module, stack []uint64) {
	skipLen := false // the length of a string shown just before
	for i, name := range f.ParamNames {
		if i >= len(stack) || i >= len(f.Params) {
			break
		}
		if skipLen {
			skipLen = false
			continue
		}
		if i > 0 {
			b.WriteString(", ")
		}
		v := stack[i]
		base, isPtr := strings.CutSuffix(name, ".ptr")
		if isPtr && !notString[base] && i+1 < len(f.ParamNames) && f.ParamNames[i+1] == base+".len" {
			if s, ok := traceString(mod, uint32(v), uint32(stack[i+1])); ok {
				fmt.Fprintf(b, "%s=%s", base, s)
				skipLen = true
				continue
			}
		}
		switch {
		case isPtr || strings.HasPrefix(name, "out") || pointerNames[name] ||
			(i+1 < len(f.ParamNames) && f.ParamNames[i+1] == name+"_len") ||
			strings.Contains(name, "rights") || strings.HasSuffix(name, "flags"):
			fmt.Fprintf(b, "%s=%#x", name, uint32(v))
		case f.Params[i] == api.ValueTypeI32:
			fmt.Fprintf(b, "%s=%d", name, int32(v))
		default:
			fmt.Fprintf(b, "%s=%d", name, int64(v))
		}
	}
}

// traceString quotes a guest string for a trace line, shortened to
// maxTraceString bytes; false if it lies outside memory.
func traceString(mod api.Module, ptr, n uint32) (string, bool) {
	mem := mod.Memory()
	if mem == nil {
		return "", false
	}
	more := n > maxTraceString
	if more {
		n = maxTraceString
	}
	p, ok := mem.Read(ptr, n)
	if !ok {
		return "", false
	}
	for len(p) > 0 && !utf8.Valid(p) && more {
		p = p[:len(p)-1] // a multi-byte character cut by the limit
	}
	s := strconv.Quote(string(p))
	if more {
		s += "..."
	}
	return s, true
}

func micros(d time.Duration) string {
	return strconv.FormatInt(d.Microseconds(), 10) + "µs"
}

func (t *Tracer) line(s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	io.WriteString(t.w, s+"\n")
}
