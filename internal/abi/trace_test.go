package abi

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero/api"
)

func TestNotImplementedTraced(t *testing.T) {
	f := &Func{Name: "frob", Params: []api.ValueType{api.ValueTypeI32, api.ValueTypeI64, api.ValueTypeI32},
		Results: []api.ValueType{api.ValueTypeI32}, ParamNames: []string{"fd", "offset", "out0"}}
	var buf bytes.Buffer
	fn := NewTracer(&buf).wrap(f, notImplemented(ModuleWasix, f), false)
	stack := []uint64{3, 1 << 40, 0x1000}
	fn(context.Background(), nil, stack)
	if stack[0] != errnoNosys {
		t.Errorf("result %d, want ENOSYS", stack[0])
	}
	want := regexp.MustCompile(`^\[0\] frob\(fd=3, offset=1099511627776, out0=0x1000\) = 52 ENOSYS \(the function is not implemented\) not implemented [0-9]+µs\n$`)
	if !want.MatchString(buf.String()) {
		t.Errorf("trace line %q", buf.String())
	}
}

func TestNotImplementedNoReturn(t *testing.T) {
	f := &Func{Name: "proc_vanish", Params: []api.ValueType{api.ValueTypeI32}, ParamNames: []string{"code"}, NoReturn: true}
	var buf bytes.Buffer
	fn := NewTracer(&buf).wrap(f, notImplemented(ModuleWasix, f), false)
	defer func() {
		r := recover()
		if s, _ := r.(string); !strings.Contains(s, "wasix_32v1.proc_vanish is not implemented") {
			t.Errorf("panic %v", r)
		}
		if buf.String() != "[0] proc_vanish(code=1) = ? not implemented\n" {
			t.Errorf("trace line %q", buf.String())
		}
	}()
	fn(context.Background(), nil, []uint64{1})
	t.Error("a call that does not return returned")
}

func TestFormatNamed(t *testing.T) {
	oflags, _ := SpecOf(Preview1).NamedType("oflags")
	if got := formatNamed(oflags, 1|8); got != "CREAT|TRUNC" {
		t.Errorf("oflags 9: %q", got)
	}
	if got := formatNamed(oflags, 0x100|1); got != "CREAT|0x100" {
		t.Errorf("oflags with an unnamed bit: %q", got)
	}
	if got := formatNamed(oflags, 0); got != "0" {
		t.Errorf("no flags: %q", got)
	}
	whence, _ := SpecOf(Preview1).NamedType("whence")
	if got := formatNamed(whence, 2); got != "END" {
		t.Errorf("whence 2: %q", got)
	}
	if got := formatNamed(whence, 9); got != "9" {
		t.Errorf("whence 9: %q", got)
	}
	rights, _ := SpecOf(Preview1).NamedType("rights")
	if got := formatNamed(rights, 1<<30-1); !strings.HasSuffix(got, "|...(22 more)") || strings.Count(got, "|") != 8 {
		t.Errorf("every right: %q", got)
	}
}

// TestEveryParamHasAKind checks the generated tables the tracer reads: each
// core param of every call has a kind, and every named kind the tracer may
// look up as an enum or flags is one of the generation's.
func TestEveryParamHasAKind(t *testing.T) {
	for _, s := range specs {
		for _, f := range s.Funcs {
			if len(f.ParamKinds) != len(f.Params) {
				t.Errorf("%s %s: %d kinds for %d params", s.Gen, f.Name, len(f.ParamKinds), len(f.Params))
				continue
			}
			for i, k := range f.ParamKinds {
				if k == "" {
					t.Errorf("%s %s: param %s has no kind", s.Gen, f.Name, f.ParamNames[i])
				}
			}
		}
	}
}

// The generated types and enums are looked up by binary search: every one
// of them must be found by its name, and a name no generation has by none.
func TestSpecLookups(t *testing.T) {
	for _, s := range specs {
		for _, l := range s.Types {
			if got, ok := s.Type(l.Name); !ok || got.Name != l.Name {
				t.Errorf("%s: type %s not found (%v)", s.Gen, l.Name, got.Name)
			}
		}
		for _, n := range s.Named {
			if got, ok := s.NamedType(n.Name); !ok || got.Name != n.Name {
				t.Errorf("%s: enum or flags %s not found (%v)", s.Gen, n.Name, got.Name)
			}
		}
		if _, ok := s.Type("no_such_type"); ok {
			t.Errorf("%s: a type that does not exist was found", s.Gen)
		}
	}
	if l, ok := SpecOf(Preview1).Type("iovec"); !ok || l.Size != 8 || len(l.Fields) != 2 {
		t.Errorf("preview1 iovec: %+v, %v", l, ok)
	} else if off, ok := l.Field("buf_len"); !ok || off != 4 {
		t.Errorf("iovec.buf_len at %d, %v", off, ok)
	}
}
