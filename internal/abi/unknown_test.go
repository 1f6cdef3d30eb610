package abi

import (
	"strings"
	"testing"

	"github.com/tetratelabs/wazero/api"
)

// Imports no generation defines are set apart, not fatal, unless strict;
// a known name with another signature still fails, naming both.
func TestDetectUnknownImports(t *testing.T) {
	i32 := []api.ValueType{api.ValueTypeI32}
	imports := importsOf(t,
		from(t, WasixCurrent, "proc_exit2"),
		imp{ModuleWasix, "future_call", i32, i32},
		imp{ModulePreview1, "future_p1", nil, i32},
	)
	gen, unknown, err := DetectLenient(imports, 0)
	if err != nil || gen != WasixCurrent {
		t.Fatalf("DetectLenient: %v %v", gen, err)
	}
	var names []string
	for _, u := range unknown {
		names = append(names, u.String())
	}
	if got := strings.Join(names, " "); got != "wasix_32v1.future_call(i32) -> i32 wasi_snapshot_preview1.future_p1() -> i32" {
		t.Errorf("unknown imports: %s", got)
	}
	if _, err := Detect(imports, 0); err == nil || !strings.Contains(err.Error(), "future_call") {
		t.Errorf("strict detection: %v, want a refusal naming future_call", err)
	}

	// Only unknown wasix_32v1 calls: the newest generation serves them.
	if gen, _, err := DetectLenient(importsOf(t, imp{ModuleWasix, "future_call", i32, i32}), 0); err != nil || gen != WasixCurrent {
		t.Errorf("only unknown calls: %v %v", gen, err)
	}

	// A known name with a wrong signature.
	_, _, err = DetectLenient(importsOf(t, imp{ModuleWasix, "proc_exit2", []api.ValueType{api.ValueTypeI64}, nil}), 0)
	if err == nil || !strings.Contains(err.Error(), "proc_exit2(i64)") || !strings.Contains(err.Error(), "proc_exit2(i32)") {
		t.Errorf("wrong signature: %v, want both signatures named", err)
	}
	_, _, err = DetectLenient(importsOf(t, imp{ModulePreview1, "fd_write", i32, i32}), 0)
	if err == nil || !strings.Contains(err.Error(), "fd_write(i32) -> i32") {
		t.Errorf("wrong preview1 signature: %v", err)
	}
}
