package abi

import (
	"context"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

// Tracer writes one strace-style line per host call:
//
//	[1] path_open(fd=3, dirflags=SYMLINK_FOLLOW, path="src/a.txt", oflags=CREAT|TRUNC, ..., out0=[5]) = 0 12µs
//	[1] fd_write(fd=1, iovs="hello\n", iovs.len=1, out0=[6]) = 0 3µs
//	[1] fd_read(fd=9, ...) = 8 EBADF (Bad file number) 1µs
//
// Strings are quoted, long data cut to maxTraceString bytes with its
// length, enums and flags shown by name, results written through pointers
// shown in brackets after a successful call, and errnos by name. How a
// parameter is shown comes from the generated tables (Func.ParamKinds,
// Spec.Named), so a call added to the spec is decoded without code here.
//
// It decorates handlers when a host module is built, so a module built
// without a Tracer pays nothing for tracing. A Tracer is safe for
// concurrent use; lines from different threads never interleave.
type Tracer struct {
	mu     sync.Mutex
	w      io.Writer
	filter []string // globs of call names; empty traces every call
}

// NewTracer returns a Tracer writing to w.
func NewTracer(w io.Writer) *Tracer { return &Tracer{w: w} }

// NewFilteredTracer returns a Tracer writing to w the calls whose names
// match one of the globs (path.Match syntax: "fd_*", "path_open"); no
// globs trace every call.
func NewFilteredTracer(w io.Writer, globs []string) (*Tracer, error) {
	for _, g := range globs {
		if _, err := path.Match(g, ""); err != nil {
			return nil, fmt.Errorf("bad trace filter %q: %v", g, err)
		}
	}
	return &Tracer{w: w, filter: globs}, nil
}

// traces reports whether calls named name are traced.
func (t *Tracer) traces(name string) bool {
	if len(t.filter) == 0 {
		return true
	}
	for _, g := range t.filter {
		if ok, _ := path.Match(g, name); ok {
			return true
		}
	}
	return false
}

// maxTraceString bounds how much of a string or buffer a line shows.
const maxTraceString = 64

// maxTraceIovecs bounds how many iovecs of a list the tracer reads.
const maxTraceIovecs = 1024

// maxTraceFlags bounds how many flag names a line shows for one value.
const maxTraceFlags = 8

// specByFunc finds the generation a Func belongs to, whose enums, flags
// and layouts decode its parameters; a Func of no generation (tests) is
// shown with numbers only. It is built at the first traced call, not at
// every start.
var specByFunc = sync.OnceValue(func() map[*Func]*Spec {
	m := map[*Func]*Spec{}
	for _, s := range specs {
		for i := range s.Funcs {
			m[&s.Funcs[i]] = s
		}
	}
	return m
})

// wrap returns h decorated to trace each call of f, or h itself when the
// filter leaves f out.
func (t *Tracer) wrap(f *Func, h api.GoModuleFunc, implemented bool) api.GoModuleFunc {
	if !t.traces(f.Name) {
		return h
	}
	spec := specByFunc()[f] // nil for a Func of no generation
	return func(ctx context.Context, mod api.Module, stack []uint64) {
		var b strings.Builder
		var pid uint32
		if th := kernel.ThreadFrom(ctx); th != nil {
			pid = th.Current().Process().Pid() // a proc_fork_env child's calls are the child's
		} else if p := kernel.ProcessFrom(ctx); p != nil {
			pid = p.Pid()
		}
		fmt.Fprintf(&b, "[%d] %s(", pid, f.Name)
		n := min(len(stack), len(f.Params))
		params := append([]uint64(nil), stack[:n]...) // the results overwrite them
		if f.NoReturn {
			// The call does not come back (proc_exit unwinds the guest), so
			// the line is complete before it.
			t.args(&b, f, spec, mod, params, false)
			b.WriteString(") = ?")
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
			t.args(&b, f, spec, mod, params, false)
			b.WriteByte(')')
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

		ok := len(f.Results) == 0 || uint32(stack[0]) == 0
		t.args(&b, f, spec, mod, params, ok)
		b.WriteByte(')')
		if len(f.Results) > 0 {
			r := stack[0]
			switch {
			case f.Results[0] != api.ValueTypeI32:
				fmt.Fprintf(&b, " = %d", r)
			case uint32(r) == 0:
				b.WriteString(" = 0")
			case busErrorCalls[f.Name]:
				fmt.Fprintf(&b, " = %d %s", uint32(r), strings.ToUpper(resultName(f.Name, uint32(r))))
			default:
				e := wasix.Errno(uint32(r))
				fmt.Fprintf(&b, " = %d E%s (%s)", uint32(r), e.Name(), e.Message())
			}
		}
		if !implemented {
			b.WriteString(" not implemented")
		}
		fmt.Fprintf(&b, " %s", micros(elapsed))
		t.line(b.String())
	}
}

// args formats the parameters of one call as its ParamKinds say. With
// done, the call has succeeded and what it wrote to memory (data read,
// results behind out pointers) is shown too.
func (t *Tracer) args(b *strings.Builder, f *Func, spec *Spec, mod api.Module, v []uint64, done bool) {
	kind := func(i int) string {
		if i < len(f.ParamKinds) {
			return f.ParamKinds[i]
		}
		return ""
	}
	for i := 0; i < len(v) && i < len(f.ParamNames); i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		name, k := f.ParamNames[i], kind(i)
		base, _ := strings.CutSuffix(name, ".ptr")
		hasLen := i+1 < len(v) && kind(i+1) == "len"
		switch {
		case k == "string" && hasLen:
			if s, ok := traceString(mod, uint32(v[i]), uint32(v[i+1])); ok {
				fmt.Fprintf(b, "%s=%s", base, s)
				i++ // the length is the string's
				continue
			}
		case (k == "ciovec" || k == "bytes") && hasLen:
			if s, ok := traceData(mod, k, uint32(v[i]), uint32(v[i+1]), ^uint32(0)); ok {
				fmt.Fprintf(b, "%s=%s, %s=%d", base, s, f.ParamNames[i+1], uint32(v[i+1]))
				i++
				continue
			}
		case k == "iovec" && hasLen && done:
			// Only the bytes the call says it read are data.
			if n, ok := outSize(f, mod, v); ok {
				if s, ok := traceData(mod, k, uint32(v[i]), uint32(v[i+1]), n); ok {
					fmt.Fprintf(b, "%s=%s, %s=%d", base, s, f.ParamNames[i+1], uint32(v[i+1]))
					i++
					continue
				}
			}
		case k == "u8ptr" && done:
			if n, ok := bufferLen(f, mod, v, i); ok {
				if s, ok := traceString(mod, uint32(v[i]), n); ok {
					fmt.Fprintf(b, "%s=%s", name, s)
					continue
				}
			}
		case strings.HasPrefix(k, "out:"):
			if done {
				if s, ok := traceOut(mod, spec, k[4:], uint32(v[i]), f); ok {
					fmt.Fprintf(b, "%s=[%s]", name, s)
					continue
				}
			}
			fmt.Fprintf(b, "%s=%#x", name, uint32(v[i]))
			continue
		}
		if nt, ok := spec.NamedType(k); ok {
			x := v[i]
			if i < len(f.Params) && f.Params[i] == api.ValueTypeI32 {
				x = uint64(uint32(x)) // the upper half of an i32 slot is not the guest's
			}
			if l, ok := typeLayout(f, k); ok && l.Size < 8 {
				x &= 1<<(8*l.Size) - 1
			}
			fmt.Fprintf(b, "%s=%s", name, formatNamed(nt, x))
			continue
		}
		switch {
		case k == "ptr" || k == "u8ptr" || k == "ciovec" || k == "iovec" || k == "bytes" || k == "list" || k == "string",
			k == "" && (strings.HasPrefix(name, "out") || strings.HasSuffix(name, ".ptr")):
			fmt.Fprintf(b, "%s=%#x", name, uint32(v[i]))
		case i < len(f.Params) && f.Params[i] == api.ValueTypeI32:
			fmt.Fprintf(b, "%s=%d", name, int32(v[i]))
		default:
			fmt.Fprintf(b, "%s=%d", name, int64(v[i]))
		}
	}
}

// formatNamed shows an enum value by its member's name and a flags value
// as its bits' names joined by "|" (bits the type does not name in hex).
func formatNamed(nt Named, v uint64) string {
	if !nt.Flags {
		for _, m := range nt.Members {
			if m.Value == v {
				return strings.ToUpper(m.Name)
			}
		}
		return strconv.FormatUint(v, 10)
	}
	if v == 0 {
		return "0"
	}
	var names []string
	rest := v
	for _, m := range nt.Members {
		if m.Value != 0 && v&m.Value == m.Value {
			names = append(names, strings.ToUpper(m.Name))
			rest &^= m.Value
		}
	}
	if len(names) > maxTraceFlags {
		names = append(names[:maxTraceFlags], fmt.Sprintf("...(%d more)", len(names)-maxTraceFlags))
	}
	if rest != 0 {
		names = append(names, fmt.Sprintf("%#x", rest))
	}
	return strings.Join(names, "|")
}

// outSize reads the size a call wrote through its first out pointer when
// that is a size (the bytes fd_read and friends transferred).
func outSize(f *Func, mod api.Module, v []uint64) (uint32, bool) {
	for i, k := range f.ParamKinds {
		if strings.HasPrefix(k, "out:") {
			if k != "out:size" || i >= len(v) || mod == nil || mod.Memory() == nil {
				return 0, false
			}
			return mod.Memory().ReadUint32Le(uint32(v[i]))
		}
	}
	return 0, false
}

// bufferLen is how much of the byte buffer at param i a successful call
// filled: the size it returned, else the buffer's length (the next param,
// or the size it points at, as getcwd's).
func bufferLen(f *Func, mod api.Module, v []uint64, i int) (uint32, bool) {
	if n, ok := outSize(f, mod, v); ok {
		return n, true
	}
	if i+1 >= len(v) || i+1 >= len(f.ParamKinds) {
		return 0, false
	}
	switch f.ParamKinds[i+1] {
	case "ptr":
		if mod == nil || mod.Memory() == nil {
			return 0, false
		}
		return mod.Memory().ReadUint32Le(uint32(v[i+1]))
	case "size", "len", "u32":
		return uint32(v[i+1]), true
	}
	return 0, false
}

// traceOut reads the value a call wrote through an out pointer, when it is
// an integer, enum or flags; structs stay a pointer.
func traceOut(mod api.Module, spec *Spec, kind string, ptr uint32, f *Func) (string, bool) {
	if mod == nil || mod.Memory() == nil {
		return "", false
	}
	mem := mod.Memory()
	size, ok := outSizes[kind]
	if !ok {
		if l, found := typeLayout(f, kind); found && l.Fields == nil && (l.Size == 4 || l.Size == 8 || l.Size == 2 || l.Size == 1) {
			size, ok = l.Size, true
		}
	}
	if !ok {
		return "", false
	}
	var v uint64
	switch size {
	case 1:
		b, ok := mem.ReadByte(ptr)
		if !ok {
			return "", false
		}
		v = uint64(b)
	case 2:
		x, ok := mem.ReadUint16Le(ptr)
		if !ok {
			return "", false
		}
		v = uint64(x)
	case 4:
		x, ok := mem.ReadUint32Le(ptr)
		if !ok {
			return "", false
		}
		v = uint64(x)
	case 8:
		x, ok := mem.ReadUint64Le(ptr)
		if !ok {
			return "", false
		}
		v = x
	default:
		return "", false
	}
	if nt, ok := spec.NamedType(kind); ok {
		return formatNamed(nt, v), true
	}
	return strconv.FormatUint(v, 10), true
}

// outSizes are the builtins an out pointer may carry.
var outSizes = map[string]uint32{"u8": 1, "u16": 2, "u32": 4, "u64": 8, "s32": 4, "s64": 8, "usize": 4}

// typeLayout finds the layout of a named type in the generation of f.
func typeLayout(f *Func, name string) (TypeLayout, bool) {
	return specByFunc()[f].Type(name)
}

// traceString quotes a guest string for a trace line, shortened to
// maxTraceString bytes; false if it lies outside memory.
func traceString(mod api.Module, ptr, n uint32) (string, bool) {
	if mod == nil {
		return "", false
	}
	mem := mod.Memory()
	if mem == nil {
		return "", false
	}
	p, ok := mem.Read(ptr, min(n, maxTraceString))
	if !ok {
		return "", false
	}
	return quoteCut(p, n > maxTraceString, n), true
}

// traceData quotes the bytes of a buffer ("bytes") or of a list of iovecs,
// at most limit bytes of them, cut to maxTraceString with the total length
// after a cut data.
func traceData(mod api.Module, kind string, ptr, n, limit uint32) (string, bool) {
	if mod == nil || mod.Memory() == nil {
		return "", false
	}
	mem := mod.Memory()
	if kind == "bytes" {
		total := min(n, limit)
		p, ok := mem.Read(ptr, min(total, maxTraceString))
		return quoteCut(p, total > maxTraceString, total), ok
	}
	var data []byte
	var total uint64
	// A list longer than any call accepts (IOV_MAX) is not walked to its
	// end: the trace must not make a hostile guest's call slow.
	for j := uint32(0); j < min(n, maxTraceIovecs); j++ {
		if uint64(ptr)+8*uint64(j)+8 > 1<<32 {
			return "", false
		}
		base, ok1 := mem.ReadUint32Le(ptr + 8*j)
		l, ok2 := mem.ReadUint32Le(ptr + 8*j + 4)
		if !ok1 || !ok2 {
			return "", false
		}
		if uint64(l) > uint64(limit)-total {
			l = uint32(uint64(limit) - total)
		}
		total += uint64(l)
		if room := maxTraceString - len(data); room > 0 {
			p, ok := mem.Read(base, min(l, uint32(room)))
			if !ok {
				return "", false
			}
			data = append(data, p...)
		}
	}
	return quoteCut(data, total > maxTraceString, uint32(total)), true
}

// quoteCut quotes p, marking a cut with "..." and the whole length.
func quoteCut(p []byte, cut bool, total uint32) string {
	for len(p) > 0 && !utf8.Valid(p) && cut {
		p = p[:len(p)-1] // a multi-byte character cut by the limit
	}
	s := strconv.Quote(string(p))
	if cut {
		s += "..."
		if total > 0 {
			s += fmt.Sprintf(" (%d bytes)", total)
		}
	}
	return s
}

func micros(d time.Duration) string {
	return strconv.FormatInt(d.Microseconds(), 10) + "µs"
}

func (t *Tracer) line(s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	io.WriteString(t.w, s+"\n")
}
