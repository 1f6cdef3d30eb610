package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestGoStdSubset runs a fast subset of Go's own standard library tests
// (bufio, io, path/filepath) as wasip1 programs under the runtime, through
// scripts/gostd.sh, which runs the full set. It takes about 8 s, 30 s the
// first time (Go compiles its standard library for wasip1). It is skipped
// with -short, without bash, or with WASIX_GOSTD=0; WASIX_GOSTD may also
// name the packages:
//
//	WASIX_GOSTD="strings encoding/json" go test -run GoStd ./cmd/wasix
func TestGoStdSubset(t *testing.T) {
	pkgs := os.Getenv("WASIX_GOSTD")
	if testing.Short() || pkgs == "0" {
		t.Skip("skipped with -short or WASIX_GOSTD=0")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash to run scripts/gostd.sh")
	}
	args := []string{"../../scripts/gostd.sh"}
	if pkgs == "" || pkgs == "1" {
		args = append(args, "bufio", "io", "path/filepath")
	} else {
		args = append(args, strings.Fields(pkgs)...)
	}
	cmd := exec.Command("bash", args...)
	out, err := cmd.CombinedOutput()
	t.Logf("\n%s", out)
	if err != nil {
		t.Errorf("gostd.sh: %v", err)
	}
}
