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
