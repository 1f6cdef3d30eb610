package shime2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	runtimeName = "io.containerd.wasix.v1"
	shimName    = "containerd-shim-wasix-v1"
	imageName   = "docker.io/wasix-go/shimtest:latest"
	namespace   = "wasixtest"
)

// env is a private containerd (config, root, state and socket under a
// temporary directory) with the shim on its PATH and the test image
// imported.
type env struct {
	t       testing.TB
	dir     string
	sock    string
	bin     string // directory of the shim binary
	d       *exec.Cmd
	dlog    *bytes.Buffer
	sockets []string // /run/containerd/s before the test
	snap    string   // the snapshotter: overlayfs where it works, else native
}

// repoRoot is the repository's root, two levels above this package.
func repoRoot(t testing.TB) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(wd, "..", "..")
}

// newEnv starts containerd for one benchmark, or skips it with the reason
// it cannot.
func newEnv(tb testing.TB) *env {
	e, skip := startEnv(tb, tb.Cleanup)
	if skip != "" {
		tb.Skip(skip)
	}
	return e
}

// shared is the containerd the tests share: starting one costs seconds.
var shared struct {
	once     sync.Once
	e        *env
	skip     string
	failed   bool
	cleanups []func()
}

// sharedEnv returns the tests' containerd, started by the first test that
// asks; every test skips with the same reason when it cannot start.
func sharedEnv(t *testing.T) *env {
	shared.once.Do(func() {
		shared.failed = true // stays so if startEnv fails the test
		e, skip := startEnv(t, func(f func()) { shared.cleanups = append(shared.cleanups, f) })
		shared.e, shared.skip, shared.failed = e, skip, false
	})
	if shared.skip != "" {
		t.Skip(shared.skip)
	}
	if shared.failed {
		t.Fatal("the tests' containerd could not be set up: see the first test's failure")
	}
	shared.e.t = t
	return shared.e
}

func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(shared.cleanups) - 1; i >= 0; i-- {
		shared.cleanups[i]()
	}
	os.Exit(code)
}

// startEnv starts containerd, registering with cleanup what stops it, or
// returns why it cannot run here.
func startEnv(t testing.TB, cleanup func(func())) (_ *env, skip string) {
	if runtime.GOOS != "linux" {
		return nil, "containerd shims run on Linux"
	}
	if os.Geteuid() != 0 {
		return nil, "starting containerd needs root"
	}
	for _, tool := range []string{"containerd", "ctr"} {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, tool + " is not installed (apt-get install containerd runc)"
		}
	}
	// A socket path must fit in sun_path (108 bytes): keep the directory short.
	dir, err := os.MkdirTemp("", "shime2e")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, dir: dir, sock: filepath.Join(dir, "c.sock"), bin: filepath.Join(dir, "bin")}
	cleanup(func() { os.RemoveAll(dir) })
	if skip := e.buildShim(); skip != "" {
		return nil, skip
	}
	e.sockets = shimSockets()

	config := fmt.Sprintf(`version = 2
root = %q
state = %q
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = %q
[plugins."io.containerd.internal.v1.opt"]
  path = %q
[plugins."io.containerd.internal.v1.restart"]
  interval = "200ms"
`, filepath.Join(dir, "root"), filepath.Join(dir, "state"), e.sock, filepath.Join(dir, "opt"))
	cfgPath := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(cfgPath, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	e.dlog = &bytes.Buffer{}
	e.d = exec.Command("containerd", "--config", cfgPath)
	e.d.Env = append(os.Environ(),
		"PATH="+e.bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"WASIX_SHIM_CACHE_DIR="+filepath.Join(dir, "cache"))
	e.d.Stdout, e.d.Stderr = e.dlog, e.dlog
	e.d.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := e.d.Start(); err != nil {
		return nil, fmt.Sprintf("containerd cannot start: %v", err)
	}
	exited := make(chan struct{})
	go func() { e.d.Wait(); close(exited) }()
	cleanup(func() {
		e.d.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			e.d.Process.Kill()
			<-exited
		}
	})
	// Wait for the API to answer; a containerd that exits or never answers
	// cannot run here (no overlay, no cgroups, ...): skip with its log.
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, _, err := e.ctrErr("version"); err == nil {
			break
		}
		select {
		case <-exited:
			return nil, "containerd exited at start:\n" + tail(e.dlog.String())
		default:
		}
		if time.Now().After(deadline) {
			return nil, "containerd did not answer within a minute:\n" + tail(e.dlog.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	e.snap = "native" // copies every layer, but works on any filesystem
	for _, line := range strings.Split(e.ctr("plugins", "ls"), "\n") {
		if f := strings.Fields(line); len(f) >= 4 && f[1] == "overlayfs" && f[len(f)-1] == "ok" {
			e.snap = "overlayfs"
		}
	}
	e.importImage()
	return e, ""
}

// buildShim builds the shim (a module of its own) into e.bin, or says why
// it cannot here.
func (e *env) buildShim() (skip string) {
	e.t.Helper()
	src := filepath.Join(repoRoot(e.t), "cmd", shimName)
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-ldflags=-s -w", "-o", filepath.Join(e.bin, shimName), ".")
	cmd.Dir = src
	out, err := cmd.CombinedOutput()
	if err != nil {
		if bytes.Contains(out, []byte("dial tcp")) || bytes.Contains(out, []byte("lookup ")) {
			return "building the shim needs its modules, which cannot be downloaded here:\n" + tail(string(out))
		}
		e.t.Fatalf("go build %s: %v\n%s", src, err, out)
	}
	return ""
}

// importImage builds the test image from committed guests and imports it.
func (e *env) importImage() {
	e.t.Helper()
	root := repoRoot(e.t)
	files := map[string][]byte{}
	for name, rel := range map[string]string{
		"hello.wasm":     "examples/hello/hello.wasm",
		"box.wasm":       "testdata/guests/shell/bin/box.wasm",
		"proctest.wasm":  "testdata/guests/proc/bin/proctest.wasm",
		"threads.wasm":   "testdata/guests/threads/bin/threads_current.wasm",
		"p1_exit.wasm":   "testdata/guests/bin/p1_exit.wasm",
		"sh.wasm":        "testdata/guests/shell/bin/sh.wasm",
		"netc.wasm":      "testdata/guests/net/bin/netc.wasm",
		"data/hello.txt": "",
	} {
		if rel == "" {
			files[name] = []byte("a file of the image\n")
			continue
		}
		b, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			e.t.Fatal(err)
		}
		files[name] = b
	}
	tarPath := filepath.Join(e.dir, "image.tar")
	if err := ociImage(tarPath, imageName, files, []string{"/hello.wasm"}); err != nil {
		e.t.Fatal(err)
	}
	e.ctr("image", "import", "--snapshotter", e.snap, tarPath)
	if out := e.ctr("image", "ls", "-q"); !strings.Contains(out, imageName) {
		e.t.Fatalf("the imported image is not listed:\n%s", out)
	}
}

// ctrErr runs ctr against the private containerd and returns its output
// (stdout and stderr) and exit status.
func (e *env) ctrErr(args ...string) (string, int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ctr", append([]string{"--address", e.sock, "--namespace", namespace}, args...)...)
	cmd.Stdin = nil
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(out), ee.ExitCode(), nil
	}
	return string(out), 0, err
}

// ctr runs ctr and fails the test unless it exits 0.
func (e *env) ctr(args ...string) string {
	e.t.Helper()
	out, code, err := e.ctrErr(args...)
	if err != nil || code != 0 {
		e.t.Fatalf("ctr %s: status %d, %v\n%s\ncontainerd:\n%s", strings.Join(args, " "), code, err, out, tail(e.dlog.String()))
	}
	return out
}

// run is `ctr run --rm` of the test image with the wasix runtime.
func (e *env) run(id string, extra []string, args ...string) (string, int) {
	e.t.Helper()
	cmd := append([]string{"run", "--rm", "--snapshotter", e.snap, "--runtime", runtimeName}, extra...)
	cmd = append(cmd, imageName, id)
	out, code, err := e.ctrErr(append(cmd, args...)...)
	if err != nil {
		e.t.Fatalf("ctr run %s: %v\n%s", id, err, out)
	}
	return out, code
}

// runKilledAll runs sh -c 'sleep 1000 | sleep 1000', waits until ctr task
// ps lists its three processes, sends SIGTERM to all and returns ctr
// run's output and status.
func (e *env) runKilledAll(id string) (string, int) {
	e.t.Helper()
	return e.runKilledWhen(id, []string{"--all"}, func(ps string) bool { return len(strings.Split(strings.TrimSpace(ps), "\n")) == 4 },
		"/sh.wasm", "-c", "/box.wasm sleep 1000 | /box.wasm sleep 1000")
}

// runKilled runs a program with ctr run, waits for it to run, checks that
// ctr task ps lists its pid 1, kills it with ctr task kill (killArgs), and
// returns ctr run's output and exit status.
func (e *env) runKilled(id string, killArgs []string, args ...string) (string, int) {
	e.t.Helper()
	return e.runKilledWhen(id, killArgs, func(ps string) bool { return regexpLine(ps, "1") }, args...)
}

// runKilledWhen is runKilled, waiting until ready accepts the output of
// ctr task ps before the kill.
func (e *env) runKilledWhen(id string, killArgs []string, ready func(ps string) bool, args ...string) (string, int) {
	e.t.Helper()
	var out bytes.Buffer
	cmd := exec.Command("ctr", append([]string{"--address", e.sock, "--namespace", namespace,
		"run", "--rm", "--snapshotter", e.snap, "--runtime", runtimeName, imageName, id}, args...)...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	defer func() {
		select {
		case <-done:
		case <-time.After(time.Minute):
			cmd.Process.Kill()
			e.t.Errorf("ctr run %s did not end", id)
		}
	}()
	e.waitStatus(id, "RUNNING")
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		ps := e.ctr("task", "ps", id)
		if ready(ps) {
			break
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("ctr task ps %s:\n%s", id, ps)
		}
	}
	e.ctr(append(append([]string{"task", "kill"}, killArgs...), id)...)
	select {
	case <-done:
	case <-time.After(time.Minute):
		e.t.Fatalf("ctr run %s did not end after the kill:\n%s", id, out.String())
	}
	return out.String(), cmd.ProcessState.ExitCode()
}

// waitStopped polls `ctr task ls` until the task is STOPPED (bounded: a
// task that never stops fails the test).
func (e *env) waitStopped(id string) { e.waitStatus(id, "STOPPED") }

// waitStatus polls `ctr task ls` until the task has the status (bounded:
// a task that never gets there fails the test).
func (e *env) waitStatus(id, status string) {
	e.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(e.ctr("task", "ls"), "\n") {
			f := strings.Fields(line)
			if len(f) == 3 && f[0] == id && f[2] == status {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	e.t.Fatalf("task %s did not get %s:\n%s", id, status, e.ctr("task", "ls"))
}

// taskPid returns the PID column of `ctr task ls` for id.
func (e *env) taskPid(id string) string {
	e.t.Helper()
	for _, line := range strings.Split(e.ctr("task", "ls"), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == id {
			return f[1]
		}
	}
	e.t.Fatalf("task %s is not listed", id)
	return ""
}

// shimProcs lists the pids of running shim processes started from e.bin.
func (e *env) shimProcs() []string {
	var out []string
	ents, _ := os.ReadDir("/proc")
	for _, ent := range ents {
		exe, err := os.Readlink(filepath.Join("/proc", ent.Name(), "exe"))
		if err == nil && strings.HasPrefix(exe, e.bin+string(filepath.Separator)) {
			out = append(out, ent.Name())
		}
	}
	return out
}

// shimSockets lists the shim sockets containerd's shim library makes.
func shimSockets() []string {
	ents, _ := os.ReadDir("/run/containerd/s")
	var out []string
	for _, ent := range ents {
		out = append(out, ent.Name())
	}
	return out
}

// checkClean fails unless no task, container, shim process, shim socket
// or task state is left.
func (e *env) checkClean() {
	e.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var procs []string
	for {
		if procs = e.shimProcs(); len(procs) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(procs) != 0 {
		e.t.Errorf("shim processes left: %v", procs)
	}
	if out := strings.TrimSpace(e.ctr("task", "ls", "-q")); out != "" {
		e.t.Errorf("tasks left: %s", out)
	}
	if out := strings.TrimSpace(e.ctr("container", "ls", "-q")); out != "" {
		e.t.Errorf("containers left: %s", out)
	}
	if got := shimSockets(); len(got) > len(e.sockets) {
		e.t.Errorf("shim sockets left in /run/containerd/s: %v (before: %v)", got, e.sockets)
	}
	bundles := filepath.Join(e.dir, "state", "io.containerd.runtime.v2.task", namespace)
	if ents, _ := os.ReadDir(bundles); len(ents) != 0 {
		e.t.Errorf("task state left in %s: %d entries", bundles, len(ents))
	}
}

func tail(s string) string {
	if len(s) > 3000 {
		s = "..." + s[len(s)-3000:]
	}
	return s
}

func TestShimHello(t *testing.T) {
	e := sharedEnv(t)
	out, code := e.run("hello", nil)
	if code != 0 || !strings.Contains(out, "hello from WASIX") {
		t.Fatalf("status %d, output:\n%s", code, out)
	}
}

func TestShimExitStatus(t *testing.T) {
	e := sharedEnv(t)
	out, code := e.run("exit", nil, "/p1_exit.wasm", "7")
	if code != 7 || !strings.Contains(out, "exiting with 7") {
		t.Fatalf("status %d (want 7), output:\n%s", code, out)
	}
}

func TestShimMemoryLimit(t *testing.T) {
	e := sharedEnv(t)
	// The limit (1 MiB: 16 pages) caps the program's memory: this one
	// needs 38 pages to start, and does not.
	out, code := e.run("memlimit", []string{"--memory-limit", "1048576"})
	if code != 127 || !strings.Contains(out, "the limit is 16") {
		t.Errorf("1 MiB limit: status %d (want 127), output:\n%s", code, out)
	}
	out, code = e.run("memlimit", []string{"--memory-limit", "67108864"})
	if code != 0 || !strings.Contains(out, "hello from WASIX") {
		t.Errorf("64 MiB limit: status %d, output:\n%s", code, out)
	}
}

func TestShimTrap(t *testing.T) {
	e := sharedEnv(t)
	out, code := e.run("trap", nil, "/threads.wasm", "trap")
	if code != 134 || !strings.Contains(out, "wasix: ") || !strings.Contains(out, "trapper") {
		t.Fatalf("status %d (want 134, the trap with its stack on stderr), output:\n%s", code, out)
	}
}

func TestShimTerminal(t *testing.T) {
	e := sharedEnv(t)
	out, code := e.runTerminal("tty", "/box.wasm", "echo", "through a terminal")
	// The terminal's line discipline turns "\n" into "\r\n" (ctr's
	// own terminal may add a second "\r"); ctr reports no error.
	if code != 0 || !strings.Contains(out, "through a terminal\r") || strings.Contains(out, "ERRO") {
		t.Fatalf("status %d, terminal output %q", code, out)
	}
}

func TestShimLogFile(t *testing.T) {
	e := sharedEnv(t)
	logPath := filepath.Join(e.dir, "container.log")
	os.Remove(logPath) // the environment outlives one run of the test (-count)
	out, code := e.run("logged", []string{"--log-uri", "file://" + logPath}, "/box.wasm", "echo", "to the log")
	if code != 0 {
		t.Fatalf("status %d:\n%s", code, out)
	}
	if b, err := os.ReadFile(logPath); err != nil || string(b) != "to the log\n" {
		t.Fatalf("log file: %q, %v", b, err)
	}
}

func TestShimArgsEnvCwdRootfs(t *testing.T) {
	e := sharedEnv(t)
	out, code := e.run("cat", []string{"--env", "GREETING=hi there", "--cwd", "/data"},
		"/box.wasm", "cat", "hello.txt")
	if code != 0 || out != "a file of the image\n" {
		t.Fatalf("cat: status %d, output %q", code, out)
	}
	out, code = e.run("env", []string{"--env", "GREETING=hi there"}, "/box.wasm", "env")
	if code != 0 || !strings.Contains(out, "GREETING=hi there\n") {
		t.Fatalf("env: status %d, output:\n%s", code, out)
	}
}

func TestShimForkAndThreads(t *testing.T) {
	e := sharedEnv(t)
	out, code := e.run("fork", nil, "/proctest.wasm", "fork")
	if code != 0 || !strings.Contains(out, "child: shared=2 pid-is-new=1 parent-ok=1") ||
		!strings.Contains(out, "parent: shared=1 joined=1 code=7 sig=0") {
		t.Fatalf("fork: status %d, output:\n%s", code, out)
	}
	out, code = e.run("threads", nil, "/threads.wasm", "basic")
	if code != 0 || strings.Contains(out, "not ok") || !strings.Contains(out, "# passed") {
		t.Fatalf("threads: status %d, output:\n%s", code, out)
	}
}

func TestShimKill(t *testing.T) {
	e := sharedEnv(t)
	// A program blocked in a sleep: SIGTERM's default action ends it,
	// and ctr run exits with the status a shell would show.
	out, code := e.runKilled("sleeper", nil, "/box.wasm", "sleep", "1000")
	if code != 128+15 {
		t.Errorf("exit status of a SIGTERMed program: %d (want 143)\n%s", code, out)
	}
	// A program with a handler: the handler runs and exits 40+signal.
	out, code = e.runKilled("handler", []string{"--signal", "SIGUSR1"}, "/threads.wasm", "wait-signal", "handler")
	if code != 40+10 {
		t.Errorf("exit status after the handler of SIGUSR1: %d (want 50)\n%s", code, out)
	}
	// kill --all reaches the processes the program started: a shell
	// running a pipeline of two sleeps is three processes.
	if _, code := e.runKilledAll("pipeline"); code != 128+15 {
		t.Errorf("exit status of a pipeline after kill --all: %d (want 143)", code)
	}
	// SIGKILL cannot be handled.
	out, code = e.runKilled("killed", []string{"--signal", "SIGKILL"}, "/threads.wasm", "wait-signal", "handler")
	if code != 128+9 {
		t.Errorf("exit status after SIGKILL: %d (want 137)\n%s", code, out)
	}
}

func TestShimRestartPolicy(t *testing.T) {
	e := sharedEnv(t)
	// containerd's restart monitor starts a new task whenever the
	// container's task is not running: a program that exits at once
	// runs again and again, each run appending to the log.
	// The labels come after the first start: a container created with them
	// can be started by the monitor before ctr starts it, and ctr's own
	// start then fails with "file exists".
	logDir, err := os.MkdirTemp(e.dir, "restart")
	if err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(logDir, "restart.log")
	e.ctr("run", "-d", "--snapshotter", e.snap, "--runtime", runtimeName,
		imageName, "restarter", "/box.wasm", "echo", "run")
	e.ctr("container", "label", "restarter", "containerd.io/restart.status=running",
		"containerd.io/restart.loguri=file://"+logPath)
	runs := 0
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline) && runs < 3; time.Sleep(50 * time.Millisecond) {
		data, _ := os.ReadFile(logPath)
		runs = strings.Count(string(data), "run\n")
	}
	if runs < 3 {
		t.Errorf("the restart monitor ran the program %d times, want at least 3 (log %s)", runs, logPath)
	}
	// Told to keep it stopped, the monitor leaves it be. A pass of the
	// monitor that began before the label changed may still start a task,
	// and one started as the container goes is left without a container:
	// the container goes once no task has been seen for 3 s (15 passes).
	e.ctr("container", "label", "restarter", "containerd.io/restart.status=stopped")
	for deadline, quiet := time.Now().Add(time.Minute), 0; quiet < 30; time.Sleep(100 * time.Millisecond) {
		if !regexpLine(e.ctr("task", "ls"), "restarter") {
			quiet++
			continue
		}
		quiet = 0
		if time.Now().After(deadline) {
			t.Fatalf("the restarted task does not stay stopped:\n%s", e.ctr("task", "ls"))
		}
		e.ctrErr("task", "kill", "-s", "SIGKILL", "restarter")
		e.ctrErr("task", "delete", "restarter")
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		e.ctrErr("task", "delete", "restarter")
		if _, code, _ := e.ctrErr("container", "rm", "restarter"); code == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the restarted container could not be removed:\n%s", e.ctr("task", "ls"))
		}
	}
}

func TestShimPod(t *testing.T) {
	e := sharedEnv(t)
	pod := []string{"--annotation", "io.kubernetes.cri.sandbox-id=pod1"}
	// The pod's sandbox, as CRI starts it: the shim runs nothing for it.
	e.ctr(append(append([]string{"run", "-d", "--snapshotter", e.snap, "--runtime", runtimeName,
		"--annotation", "io.kubernetes.cri.container-type=sandbox"}, pod...), imageName, "pod-sandbox")...)
	e.waitStatus("pod-sandbox", "RUNNING")
	for _, id := range []string{"pod-a", "pod-b"} {
		e.ctr(append(append([]string{"run", "-d", "--snapshotter", e.snap, "--runtime", runtimeName}, pod...),
			imageName, id, "/box.wasm", "sleep", "1000")...)
	}
	if a, b, s := e.taskPid("pod-a"), e.taskPid("pod-b"), e.taskPid("pod-sandbox"); a != b || a != s {
		t.Errorf("containers of one pod run in shims %s, %s and %s, want one", s, a, b)
	}
	if exe, err := os.Readlink("/proc/" + e.taskPid("pod-a") + "/exe"); err != nil || filepath.Base(exe) != shimName {
		t.Errorf("the task's pid is not the shim's: %q, %v", exe, err)
	}
	for _, id := range []string{"pod-a", "pod-b"} {
		e.ctr("task", "kill", "--signal", "SIGKILL", id)
		e.waitStopped(id)
		e.ctrErr("task", "delete", id)
		e.ctr("container", "rm", id)
	}
	// SIGTERM ends the sandbox, as it ends the pause program.
	e.ctr("task", "kill", "pod-sandbox")
	e.waitStopped("pod-sandbox")
	e.ctr("task", "delete", "pod-sandbox")
	e.ctr("container", "rm", "pod-sandbox")
}

func TestShim50Containers(t *testing.T) {
	e := sharedEnv(t)
	const n = 50
	type result struct {
		out  string
		code int
		err  error
	}
	results := make(chan result, n)
	for i := range n {
		go func() {
			out, code, err := e.ctrErr("run", "--rm", "--snapshotter", e.snap, "--runtime", runtimeName,
				imageName, fmt.Sprintf("many-%d", i), "/box.wasm", "echo", fmt.Sprintf("container %d", i))
			results <- result{out, code, err}
		}()
	}
	seen := map[string]bool{}
	for range n {
		r := <-results
		if r.err != nil || r.code != 0 {
			t.Errorf("status %d, %v:\n%s", r.code, r.err, r.out)
			continue
		}
		seen[strings.TrimSpace(r.out)] = true
	}
	missing := false
	for i := range n {
		line := fmt.Sprintf("container %d", i)
		if !seen[line] {
			t.Errorf("container %d did not print its line", i)
			missing = true
		}
		delete(seen, line)
	}
	if missing {
		// what came instead, to tell a lost line from a garbled one
		for out := range seen {
			t.Errorf("unexpected output of a container: %q", out)
		}
	}
}

// The spec's network namespace decides: none (ctr run's default, a new
// empty one) leaves the program without network (EACCES, wasi errno 2);
// the host's (--net-host) lets it listen on the host's loopback, where the
// test reaches it.
func TestShimNetwork(t *testing.T) {
	e := sharedEnv(t)
	out, code := e.run("nonet", nil, "/netc.wasm", "echo", "127.0.0.1", "1")
	if code != 1 || !strings.Contains(out, "errno 2") {
		t.Errorf("without network: status %d (want 1, EACCES), output:\n%s", code, out)
	}

	cmd := exec.Command("ctr", "--address", e.sock, "--namespace", namespace, "run", "--rm", "--net-host",
		"--snapshotter", e.snap, "--runtime", runtimeName, imageName, "hostnet", "/netc.wasm", "echo", "127.0.0.1", "1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill() // only if the test fails half-way
	var port int
	if _, err := fmt.Fscanf(stdout, "listening %d\n", &port); err != nil {
		t.Fatalf("no listening line: %v\n%s", err, stderr.String())
	}
	conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	conn.SetDeadline(time.Now().Add(time.Minute))
	if _, err := conn.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	conn.(*net.TCPConn).CloseWrite()
	got, err := io.ReadAll(conn)
	conn.Close()
	if err != nil || string(got) != "ping" {
		t.Fatalf("echo from the container: %q, %v", got, err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("ctr run --net-host: %v\n%s", err, stderr.String())
	}
}

// ctr task exec runs another program in a running container, in its
// runtime: ctr task ps lists it beside the container's first process.
func TestShimExec(t *testing.T) {
	e := sharedEnv(t)
	e.ctr("run", "-d", "--snapshotter", e.snap, "--runtime", runtimeName, imageName, "execd", "/box.wasm", "sleep", "1000")
	e.waitStatus("execd", "RUNNING")
	out := e.ctr("task", "exec", "--exec-id", "x1", "execd", "/box.wasm", "echo", "from an exec")
	if out != "from an exec\n" {
		t.Errorf("exec output %q", out)
	}
	if out, code, _ := e.ctrErr("task", "exec", "--exec-id", "x2", "execd", "/p1_exit.wasm", "3"); code != 3 {
		t.Errorf("exec exit status %d (want 3):\n%s", code, out)
	}
	e.ctr("task", "kill", "--signal", "SIGKILL", "execd")
	e.waitStopped("execd")
	e.ctrErr("task", "delete", "execd")
	e.ctr("container", "rm", "execd")
}

// TestShimLeavesNothingBehind runs after the others (tests run in source
// order): no task, container, shim process, socket or state is left.
func TestShimLeavesNothingBehind(t *testing.T) {
	sharedEnv(t).checkClean()
}

// regexpLine reports whether some line of out starts with the field want.
func regexpLine(out, want string) bool {
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == want {
			return true
		}
	}
	return false
}
