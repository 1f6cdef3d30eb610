package shime2e

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkStartToExit measures a hello program from start to exit: through
// containerd and the shim (`ctr run --rm`, what a user of containerd
// waits for: container and task created, run, deleted) against `wasix run`
// of the same file. Both use a warm compiled-code cache on disk.
// scripts/bench_shim.sh prints the difference: the shim's overhead.
func BenchmarkStartToExit(b *testing.B) {
	b.Run("shim", func(b *testing.B) {
		e := newEnv(b)
		e.run("warm", nil) // compiles hello.wasm into the cache
		i := 0
		for b.Loop() {
			i++
			if out, code := e.run(fmt.Sprintf("hello-%d", i), nil); code != 0 || !strings.Contains(out, "hello from WASIX") {
				b.Fatalf("status %d:\n%s", code, out)
			}
		}
	})
	b.Run("wasix-run", func(b *testing.B) {
		dir := b.TempDir()
		wasix := filepath.Join(dir, "wasix")
		build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", wasix, "./cmd/wasix")
		build.Dir = repoRoot(b)
		if out, err := build.CombinedOutput(); err != nil {
			b.Fatalf("go build ./cmd/wasix: %v\n%s", err, out)
		}
		hello := filepath.Join(repoRoot(b), "examples", "hello", "hello.wasm")
		run := func() {
			out, err := exec.Command(wasix, "run", "--cache-dir", filepath.Join(dir, "cache"), hello).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "hello from WASIX") {
				b.Fatalf("wasix run: %v\n%s", err, out)
			}
		}
		run()
		for b.Loop() {
			run()
		}
	})
}

// BenchmarkShimMemory reports the memory a running container costs: the
// resident set of a shim serving one container (a container per shim, as
// `ctr run` starts them), and the growth per container of one shim serving
// a pod of several. The program blocks in a sleep. Run it with
// -benchtime 1x: each iteration starts and kills the containers again.
func BenchmarkShimMemory(b *testing.B) {
	e := newEnv(b)
	const pod = 8
	var single, perPod float64
	for b.Loop() {
		start := func(id string, extra ...string) {
			e.ctr(append(append([]string{"run", "-d", "--snapshotter", e.snap, "--runtime", runtimeName}, extra...),
				imageName, id, "/box.wasm", "sleep", "1000")...)
			e.waitStatus(id, "RUNNING")
		}
		stop := func(id string) {
			e.ctr("task", "kill", "--signal", "SIGKILL", id)
			e.waitStopped(id)
			e.ctrErr("task", "delete", id)
			e.ctr("container", "rm", id)
		}
		start("alone")
		single = rssKiB(b, e.taskPid("alone"))
		stop("alone")

		start("pod-0", "--annotation", "io.kubernetes.cri.sandbox-id=bench")
		first := rssKiB(b, e.taskPid("pod-0"))
		for i := 1; i < pod; i++ {
			start(fmt.Sprintf("pod-%d", i), "--annotation", "io.kubernetes.cri.sandbox-id=bench")
		}
		perPod = (rssKiB(b, e.taskPid("pod-0")) - first) / (pod - 1)
		for i := range pod {
			stop(fmt.Sprintf("pod-%d", i))
		}
	}
	b.ReportMetric(single, "KiB-RSS/shim-with-1-container")
	b.ReportMetric(perPod, "KiB-RSS/extra-container-in-pod")
}

// rssKiB returns the resident set size of a process, in KiB.
func rssKiB(b *testing.B, pid string) float64 {
	f, err := os.Open("/proc/" + pid + "/status")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			if err != nil {
				b.Fatal(err)
			}
			return n
		}
	}
	b.Fatalf("no VmRSS for pid %s", pid)
	return 0
}
