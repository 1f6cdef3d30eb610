package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	taskAPI "github.com/containerd/containerd/api/runtime/task/v2"
	"github.com/containerd/containerd/api/types/task"
	"github.com/containerd/containerd/events"
	"github.com/containerd/containerd/namespaces"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"google.golang.org/protobuf/types/known/anypb"
)

// recorder is a publisher that keeps the topics of the events it is given.
type recorder struct {
	mu     sync.Mutex
	topics []string
	closed chan struct{}
}

func (r *recorder) Publish(ctx context.Context, topic string, event events.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.topics = append(r.topics, topic)
	return nil
}

func (r *recorder) Close() error { close(r.closed); return nil }

func (r *recorder) Done() <-chan struct{} { return r.closed }

// bundle writes a bundle whose rootfs holds box.wasm and whose spec runs
// args, and returns its directory and the path of its stdout file.
func bundle(t *testing.T, annotations map[string]string, args ...string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	box, err := os.ReadFile(filepath.Join("..", "..", "testdata", "guests", "shell", "bin", "box.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "rootfs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "rootfs", "box.wasm"), box, 0o644); err != nil {
		t.Fatal(err)
	}
	spec, _ := json.Marshal(&specs.Spec{
		Process:     &specs.Process{Args: args, Cwd: "/"},
		Root:        &specs.Root{Path: "rootfs"},
		Annotations: annotations,
	})
	if err := os.WriteFile(filepath.Join(dir, "config.json"), spec, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, filepath.Join(dir, "stdout.log")
}

func newTestService(t *testing.T) (*service, *recorder, context.Context) {
	ctx := namespaces.WithNamespace(context.Background(), "test")
	t.Setenv("WASIX_SHIM_CACHE_DIR", t.TempDir())
	rec := &recorder{closed: make(chan struct{})}
	shut := make(chan struct{})
	s, err := newService(ctx, "id", rec, func() { close(shut) })
	if err != nil {
		t.Fatal(err)
	}
	return s.(*service), rec, ctx
}

// A task's life through the task API: create, start, wait, state, delete,
// with its events in the order containerd expects, and the shim shutting
// down once it serves nothing.
func TestTaskLifecycle(t *testing.T) {
	s, rec, ctx := newTestService(t)
	dir, out := bundle(t, nil, "/box.wasm", "echo", "hello")
	if _, err := s.Create(ctx, &taskAPI.CreateTaskRequest{ID: "a", Bundle: dir, Stdout: "file://" + out}); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.State(ctx, &taskAPI.StateRequest{ID: "a"}); st.Status != task.Status_CREATED {
		t.Errorf("after create: %v", st.Status)
	}
	if _, err := s.Start(ctx, &taskAPI.StartRequest{ID: "a"}); err != nil {
		t.Fatal(err)
	}
	w, err := s.Wait(ctx, &taskAPI.WaitRequest{ID: "a"})
	if err != nil || w.ExitStatus != 0 {
		t.Fatalf("wait: %v, %v", w, err)
	}
	if b, _ := os.ReadFile(out); string(b) != "hello\n" {
		t.Errorf("stdout %q", b)
	}
	if st, _ := s.State(ctx, &taskAPI.StateRequest{ID: "a"}); st.Status != task.Status_STOPPED || st.ExitedAt == nil {
		t.Errorf("after exit: %v", st)
	}
	if _, err := s.Kill(ctx, &taskAPI.KillRequest{ID: "a", Signal: 15}); err == nil {
		t.Error("killing an ended task succeeded")
	}
	if _, err := s.Delete(ctx, &taskAPI.DeleteRequest{ID: "a"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.State(ctx, &taskAPI.StateRequest{ID: "a"}); err == nil {
		t.Error("a deleted task still has a state")
	}
	if _, err := s.Shutdown(ctx, &taskAPI.ShutdownRequest{ID: "a"}); err != nil {
		t.Fatal(err)
	}
	<-rec.Done() // the publisher closes once the events are out
	want := []string{"/tasks/create", "/tasks/start", "/tasks/exit", "/tasks/delete"}
	if !slices.Equal(rec.topics, want) {
		t.Errorf("events %v, want %v", rec.topics, want)
	}
}

// Kill delivers the signal: a sleeping program ends by SIGTERM's default
// action (143); a pod's sandbox ends on SIGTERM with 0, as pause does.
func TestKill(t *testing.T) {
	s, _, ctx := newTestService(t)
	dir, _ := bundle(t, nil, "/box.wasm", "sleep", "1000")
	sdir, _ := bundle(t, map[string]string{containerTypeAnnotation: "sandbox"}, "/pause")
	for id, d := range map[string]string{"sleeper": dir, "sandbox": sdir} {
		if _, err := s.Create(ctx, &taskAPI.CreateTaskRequest{ID: id, Bundle: d}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Start(ctx, &taskAPI.StartRequest{ID: id}); err != nil {
			t.Fatal(err)
		}
	}
	// Another task is being served: shutdown waits for it.
	if _, err := s.Shutdown(ctx, &taskAPI.ShutdownRequest{}); err != nil || s.closed {
		t.Fatalf("shutdown with tasks: %v, closed %v", err, s.closed)
	}
	for id, want := range map[string]uint32{"sleeper": 143, "sandbox": 0} {
		if _, err := s.Kill(ctx, &taskAPI.KillRequest{ID: id, Signal: 15}); err != nil {
			t.Fatal(err)
		}
		w, err := s.Wait(ctx, &taskAPI.WaitRequest{ID: id})
		if err != nil || w.ExitStatus != want {
			t.Errorf("%s: wait %v, %v; want status %d", id, w, err, want)
		}
		if _, err := s.Delete(ctx, &taskAPI.DeleteRequest{ID: id}); err != nil {
			t.Fatal(err)
		}
	}
}

// A create that cannot be honoured fails: a spec naming no .wasm in the
// image, or a file that is not WebAssembly.
func TestCreateRefusals(t *testing.T) {
	s, _, ctx := newTestService(t)
	dir, _ := bundle(t, nil, "/missing.wasm")
	if _, err := s.Create(ctx, &taskAPI.CreateTaskRequest{ID: "m", Bundle: dir}); err == nil {
		t.Error("a missing program was accepted")
	}
	dir, _ = bundle(t, nil, "/config.json")
	os.WriteFile(filepath.Join(dir, "rootfs", "config.json"), []byte("{}"), 0o644)
	if _, err := s.Create(ctx, &taskAPI.CreateTaskRequest{ID: "j", Bundle: dir}); err == nil {
		t.Error("a JSON file was accepted as a program")
	}
	// An image's symlink to a program outside the root filesystem
	// resolves inside it: the host's file is not run.
	dir, _ = bundle(t, nil, "/link.wasm")
	outside := filepath.Join(t.TempDir(), "outside.wasm")
	box, _ := os.ReadFile(filepath.Join(dir, "rootfs", "box.wasm"))
	os.WriteFile(outside, box, 0o644)
	if err := os.Symlink(outside, filepath.Join(dir, "rootfs", "link.wasm")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, &taskAPI.CreateTaskRequest{ID: "l", Bundle: dir}); err == nil {
		t.Error("a symlink out of the root filesystem reached a host file")
	}
	if len(s.containers) != 0 {
		t.Errorf("failed creates left tasks: %v", s.containers)
	}
}

// An exec'd process runs in the container's runtime, with its own stdio
// and exit; when the container's first process ends, what is left ends
// with it.
func TestExec(t *testing.T) {
	s, rec, ctx := newTestService(t)
	dir, _ := bundle(t, nil, "/box.wasm", "sleep", "1000")
	if _, err := s.Create(ctx, &taskAPI.CreateTaskRequest{ID: "c", Bundle: dir}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Start(ctx, &taskAPI.StartRequest{ID: "c"}); err != nil {
		t.Fatal(err)
	}
	exec := func(id string, args ...string) string {
		t.Helper()
		spec, _ := json.Marshal(&specs.Process{Args: args, Cwd: "/"})
		out := filepath.Join(t.TempDir(), "out")
		if _, err := s.Exec(ctx, &taskAPI.ExecProcessRequest{ID: "c", ExecID: id, Stdout: "file://" + out,
			Spec: &anypb.Any{TypeUrl: "types.containerd.io/opencontainers/runtime-spec/1/Process", Value: spec}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Start(ctx, &taskAPI.StartRequest{ID: "c", ExecID: id}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	out := exec("e1", "/box.wasm", "echo", "from exec")
	w, err := s.Wait(ctx, &taskAPI.WaitRequest{ID: "c", ExecID: "e1"})
	if err != nil || w.ExitStatus != 0 {
		t.Fatalf("exec wait: %v, %v", w, err)
	}
	if b, _ := os.ReadFile(out); string(b) != "from exec\n" {
		t.Errorf("exec stdout %q", b)
	}
	if st, err := s.State(ctx, &taskAPI.StateRequest{ID: "c", ExecID: "e1"}); err != nil || st.ExecID != "e1" || st.Status != task.Status_STOPPED {
		t.Errorf("exec state: %v, %v", st, err)
	}
	if _, err := s.Delete(ctx, &taskAPI.DeleteRequest{ID: "c", ExecID: "e1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.State(ctx, &taskAPI.StateRequest{ID: "c", ExecID: "e1"}); err == nil {
		t.Error("a deleted exec still has a state")
	}
	// A second exec that blocks ends when the container's process does.
	exec("e2", "/box.wasm", "sleep", "1000")
	if _, err := s.Kill(ctx, &taskAPI.KillRequest{ID: "c", Signal: 15}); err != nil {
		t.Fatal(err)
	}
	if w, err := s.Wait(ctx, &taskAPI.WaitRequest{ID: "c", ExecID: "e2"}); err != nil || w.ExitStatus != 137 {
		t.Errorf("exec after its container ended: %v, %v; want 137", w, err)
	}
	if w, err := s.Wait(ctx, &taskAPI.WaitRequest{ID: "c"}); err != nil || w.ExitStatus != 143 {
		t.Errorf("container: %v, %v; want 143", w, err)
	}
	if _, err := s.Delete(ctx, &taskAPI.DeleteRequest{ID: "c"}); err != nil {
		t.Fatal(err)
	}
	s.Shutdown(ctx, &taskAPI.ShutdownRequest{})
	<-rec.Done()
	for _, want := range []string{"/tasks/exec-added", "/tasks/exec-started"} {
		if !slices.Contains(rec.topics, want) {
			t.Errorf("no %s event in %v", want, rec.topics)
		}
	}
}
