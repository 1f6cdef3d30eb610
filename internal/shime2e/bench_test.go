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
	"time"
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
	b.Run("runc-native", func(b *testing.B) {
		// The reference for containerd's own cost: the same path with
		// runc and a native (static Go) hello.
		e := newEnv(b)
		dir := b.TempDir()
		src := filepath.Join(dir, "main.go")
		os.WriteFile(src, []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello from native\") }\n"), 0o644)
		build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", filepath.Join(dir, "hello"), src)
		build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GO111MODULE=off")
		if out, err := build.CombinedOutput(); err != nil {
			b.Fatalf("go build: %v\n%s", err, out)
		}
		bin, _ := os.ReadFile(filepath.Join(dir, "hello"))
		const native = "docker.io/wasix-go/native:latest"
		if err := ociImage(filepath.Join(dir, "native.tar"), native, map[string][]byte{"hello": bin}, []string{"/hello"}); err != nil {
			b.Fatal(err)
		}
		e.ctr("image", "import", "--snapshotter", e.snap, filepath.Join(dir, "native.tar"))
		run := func(id string) {
			out, code, err := e.ctrErr("run", "--rm", "--snapshotter", e.snap, native, id)
			if err != nil || code != 0 || !strings.Contains(out, "hello from native") {
				b.Skipf("runc cannot run a container here (status %d, %v):\n%s", code, err, out)
			}
		}
		run("warm")
		i := 0
		for b.Loop() {
			i++
			run(fmt.Sprintf("native-%d", i))
		}
	})
	b.Run("wasix-run", func(b *testing.B) {
		dir := b.TempDir()
		wasix := buildWasix(b)
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
// `ctr run` starts them), what each further container of a pod adds to
// the one shim serving the pod, and, to compare, the resident set of
// `wasix run` of the same program. The program (threads.wasm wait-signal)
// prints "# ready" and blocks. Run it with -benchtime 1x: each iteration
// starts and kills the containers again.
func BenchmarkShimMemory(b *testing.B) {
	e := newEnv(b)
	wasix := buildWasix(b)
	const pod = 8
	var single, perPod, cli float64
	for b.Loop() {
		start := func(id string, extra ...string) {
			logPath := filepath.Join(e.dir, id+".log")
			os.Remove(logPath)
			e.ctr(append(append([]string{"run", "-d", "--snapshotter", e.snap, "--runtime", runtimeName,
				"--log-uri", "file://" + logPath}, extra...),
				imageName, id, "/threads.wasm", "wait-signal")...)
			waitFile(b, logPath, "# ready")
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

		group := []string{"--annotation", "io.kubernetes.cri.sandbox-id=bench"}
		start("pod-0", group...)
		first := rssKiB(b, e.taskPid("pod-0"))
		for i := 1; i < pod; i++ {
			start(fmt.Sprintf("pod-%d", i), group...)
		}
		perPod = (rssKiB(b, e.taskPid("pod-0")) - first) / (pod - 1)
		for i := range pod {
			stop(fmt.Sprintf("pod-%d", i))
		}

		logPath := filepath.Join(e.dir, "cli.log")
		out, err := os.Create(logPath)
		if err != nil {
			b.Fatal(err)
		}
		cmd := exec.Command(wasix, "run", "--cache-dir", filepath.Join(e.dir, "cli-cache"),
			filepath.Join(repoRoot(b), "testdata/guests/threads/bin/threads_current.wasm"), "--", "wait-signal")
		cmd.Stdout = out
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		waitFile(b, logPath, "# ready")
		cli = rssKiB(b, strconv.Itoa(cmd.Process.Pid))
		cmd.Process.Kill()
		cmd.Wait()
		out.Close()
	}
	b.ReportMetric(single, "KiB-RSS/shim-with-1-container")
	b.ReportMetric(perPod, "KiB-RSS/extra-container-in-pod")
	b.ReportMetric(cli, "KiB-RSS/wasix-run")
}

// buildWasix builds the CLI into a temporary directory.
func buildWasix(b *testing.B) string {
	wasix := filepath.Join(b.TempDir(), "wasix")
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", wasix, "./cmd/wasix")
	build.Dir = repoRoot(b)
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build ./cmd/wasix: %v\n%s", err, out)
	}
	return wasix
}

// waitFile polls a file until it holds want (bounded).
func waitFile(b *testing.B, path, want string) {
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if data, _ := os.ReadFile(path); strings.Contains(string(data), want) {
			return
		}
	}
	b.Fatalf("%s never held %q", path, want)
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
