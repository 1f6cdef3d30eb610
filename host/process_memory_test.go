package host_test

import (
	"runtime"
	"strings"
	"testing"

	"github.com/wasix-go/wasix/host"
)

// TestForkCopyOnWrite runs the fork isolation checks (cowtest.c) with the
// program's own memory and with an imported shared one: repeated forks,
// a child alive while its parent forks again, a child that forks, and
// memory grown between forks. Whether the runtime copies or shares pages
// underneath, neither side may see the other's writes.
func TestForkCopyOnWrite(t *testing.T) {
	for _, name := range []string{"cowtest.wasm", "cowtest_shm.wasm"} {
		t.Run(name, func(t *testing.T) {
			out, errs, code := runProc(t, procRuntime(t), procGuest(t, "proc", name), host.Config{Args: []string{"cowtest"}})
			if code != 0 || strings.Contains(out, "not ok") || !strings.Contains(out, "# passed") {
				t.Errorf("code %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
			}
		})
	}
}

// TestSharedMemoryProcessCost holds a program importing a shared memory
// (max 64 MiB) to the cost of the same program with its own memory: 20
// forks and 20 spawns must not make the Go heap carry a buffer of the
// memory's maximum each (before, every imported memory was a zeroed Go
// slice of its full maximum, 1.3 GB of allocation for these runs). Bytes
// allocated are counted, not time or RSS, so the test does not depend on
// the machine's load.
func TestSharedMemoryProcessCost(t *testing.T) {
	rt := procRuntime(t)
	alloc := func(name, mode string) uint64 {
		wasm := procGuest(t, "proc", name)
		runProc(t, rt, wasm, host.Config{Args: []string{"forkbench", mode, "1"}}) // compile outside the count
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		out, errs, code := runProc(t, rt, wasm, host.Config{Args: []string{"forkbench", mode, "20"}})
		runtime.ReadMemStats(&after)
		if code != 0 {
			t.Fatalf("%s %s: code %d: %s %s", name, mode, code, out, errs)
		}
		return after.TotalAlloc - before.TotalAlloc
	}
	for _, mode := range []string{"fork", "spawn"} {
		own, shm := alloc("forkbench.wasm", mode), alloc("forkbench_shm.wasm", mode)
		t.Logf("%s: own memory %d KiB, shared memory %d KiB allocated", mode, own>>10, shm>>10)
		if shm > 2*own+(16<<20) {
			t.Errorf("%s: the shared-memory program allocated %d MiB, its own-memory twin %d MiB", mode, shm>>20, own>>20)
		}
	}
}
