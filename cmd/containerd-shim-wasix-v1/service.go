package main

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"sync"
	"time"

	eventstypes "github.com/containerd/containerd/api/events"
	taskAPI "github.com/containerd/containerd/api/runtime/task/v2"
	"github.com/containerd/containerd/api/types/task"
	"github.com/containerd/containerd/errdefs"
	"github.com/containerd/containerd/mount"
	"github.com/containerd/containerd/protobuf"
	ptypes "github.com/containerd/containerd/protobuf/types"
	"github.com/containerd/containerd/runtime"
	"github.com/containerd/containerd/runtime/v2/shim"
	"github.com/containerd/log"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/host"
)

// service implements containerd's task API over host.Runtime. It holds
// every container of the shim process (several for a pod).
type service struct {
	ctx      context.Context // carries the namespace events are published in
	shutdown func()
	events   chan event
	cacheDir string // compiled-code cache directory every shim of the node shares

	cacheOnce sync.Once
	cache     *host.CodeCache // compiled code every container of this process shares
	socket    string          // the address this shim process serves, removed at shutdown

	mu         sync.Mutex
	containers map[string]*container

	evMu   sync.Mutex
	closed bool // events is closed: the shim is shutting down
}

// event is one event for containerd, sent in order by forward.
type event struct {
	topic string
	body  any
}

var empty = &ptypes.Empty{}

// newService is the shim's Init: it is also run for the start and delete
// commands, so it starts nothing costly.
func newService(ctx context.Context, id string, publisher shim.Publisher, shutdown func()) (shim.Shim, error) {
	s := &service{
		ctx:        ctx,
		shutdown:   shutdown,
		events:     make(chan event, 128),
		cacheDir:   cacheDir(),
		containers: map[string]*container{},
	}
	if flag.Arg(0) == "" {
		// The serving process: its cwd is the bundle of the container
		// that started it, which containerd may remove before the last
		// container of the pod goes, so the address is read now.
		s.socket, _ = shim.ReadAddress("address")
	}
	go s.forward(publisher)
	return s, nil
}

// forward publishes events in the order they happened: containerd expects
// a task's exit before its delete.
func (s *service) forward(p shim.Publisher) {
	for e := range s.events {
		if err := p.Publish(s.ctx, e.topic, e.body); err != nil {
			log.G(s.ctx).WithError(err).WithField("topic", e.topic).Warn("publish event")
		}
	}
	p.Close()
}

// publish queues an event for containerd; after shutdown there is no one
// to tell.
func (s *service) publish(topic string, body any) {
	s.evMu.Lock()
	defer s.evMu.Unlock()
	if !s.closed {
		s.events <- event{topic, body}
	}
}

// codeCache returns the process's compiled-code cache, made on first use
// (the start and delete commands never need it): in memory for the
// containers of this process, on disk for every shim of the node.
func (s *service) codeCache() *host.CodeCache {
	s.cacheOnce.Do(func() {
		c, err := host.NewCodeCache(s.cacheDir)
		if err != nil {
			log.G(s.ctx).WithError(err).Warn("compiled-code cache directory; keeping it in memory only")
			c, _ = host.NewCodeCache("")
		}
		s.cache = c
	})
	return s.cache
}

// get returns the container id, or NotFound.
func (s *service) get(id string) (*container, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.containers[id]
	if !ok {
		return nil, errdefs.ToGRPCf(errdefs.ErrNotFound, "task %s", id)
	}
	return c, nil
}

// proc returns the container id, or with execID its exec'd process, or
// NotFound.
func (s *service) proc(id, execID string) (*container, error) {
	c, err := s.get(id)
	if err != nil || execID == "" {
		return c, err
	}
	if e := c.exec(execID); e != nil {
		return e, nil
	}
	return nil, errdefs.ToGRPCf(errdefs.ErrNotFound, "exec %s in task %s", execID, id)
}

// Create prepares the task: its root filesystem, program and streams.
func (s *service) Create(ctx context.Context, r *taskAPI.CreateTaskRequest) (*taskAPI.CreateTaskResponse, error) {
	if r.Checkpoint != "" || r.ParentCheckpoint != "" {
		return nil, errdefs.ToGRPCf(errdefs.ErrNotImplemented, "checkpoints are not supported by the wasix shim")
	}
	s.mu.Lock()
	_, exists := s.containers[r.ID]
	s.mu.Unlock()
	if exists {
		return nil, errdefs.ToGRPCf(errdefs.ErrAlreadyExists, "task %s", r.ID)
	}
	var mounts []mount.Mount
	for _, m := range r.Rootfs {
		mounts = append(mounts, mount.Mount{Type: m.Type, Source: m.Source, Target: m.Target, Options: m.Options})
	}
	c, err := newContainer(ctx, s.codeCache(), r.ID, r.Bundle, mounts, r.Stdin, r.Stdout, r.Stderr, r.Terminal)
	if err != nil {
		return nil, errdefs.ToGRPCf(errdefs.ErrFailedPrecondition, "%v", err)
	}
	s.mu.Lock()
	s.containers[r.ID] = c
	s.mu.Unlock()
	pid := uint32(os.Getpid())
	s.publish(runtime.TaskCreateEventTopic, &eventstypes.TaskCreate{
		ContainerID: r.ID, Bundle: r.Bundle, Rootfs: r.Rootfs, Pid: pid,
		IO: &eventstypes.TaskIO{Stdin: r.Stdin, Stdout: r.Stdout, Stderr: r.Stderr, Terminal: r.Terminal},
	})
	return &taskAPI.CreateTaskResponse{Pid: pid}, nil
}

// Start runs the program.
func (s *service) Start(ctx context.Context, r *taskAPI.StartRequest) (*taskAPI.StartResponse, error) {
	c, err := s.proc(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	pid := uint32(os.Getpid())
	// The start event goes out before the program can end, so that
	// containerd never sees an exit before a start.
	started := func() { s.publish(runtime.TaskStartEventTopic, &eventstypes.TaskStart{ContainerID: r.ID, Pid: pid}) }
	if r.ExecID != "" {
		started = func() {
			s.publish(runtime.TaskExecStartedEventTopic, &eventstypes.TaskExecStarted{ContainerID: r.ID, ExecID: r.ExecID, Pid: pid})
		}
	}
	if err := c.start(started, func() { s.exitEvent(c) }); err != nil {
		return nil, errdefs.ToGRPCf(errdefs.ErrFailedPrecondition, "%v", err)
	}
	return &taskAPI.StartResponse{Pid: pid}, nil
}

func (s *service) exitEvent(c *container) {
	_, code, at := c.state()
	s.publish(runtime.TaskExitEventTopic, &eventstypes.TaskExit{
		ContainerID: c.id, ID: c.procID(), Pid: uint32(os.Getpid()), ExitStatus: code, ExitedAt: protobuf.ToTimestamp(at),
	})
}

// Delete forgets an ended (or never started) task and releases what it
// held. A running task must be killed first.
func (s *service) Delete(ctx context.Context, r *taskAPI.DeleteRequest) (*taskAPI.DeleteResponse, error) {
	c, err := s.proc(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	status, code, at := c.state()
	if status == task.Status_RUNNING {
		return nil, errdefs.ToGRPCf(errdefs.ErrFailedPrecondition, "task %s is running: kill it first", r.ID)
	}
	if status == task.Status_CREATED {
		// Never started: it ends here.
		code, at = statusKilled, time.Now()
	}
	pid := uint32(os.Getpid())
	if c.parent != nil {
		c.parent.forget(c.execID)
		c.release(ctx)
		return &taskAPI.DeleteResponse{Pid: pid, ExitStatus: code, ExitedAt: protobuf.ToTimestamp(at)}, nil
	}
	s.mu.Lock()
	delete(s.containers, r.ID)
	s.mu.Unlock()
	if err := c.release(ctx); err != nil {
		log.G(ctx).WithError(err).Warn("release task")
	}
	s.publish(runtime.TaskDeleteEventTopic, &eventstypes.TaskDelete{
		ContainerID: r.ID, ID: r.ID, Pid: pid, ExitStatus: code, ExitedAt: protobuf.ToTimestamp(at),
	})
	return &taskAPI.DeleteResponse{Pid: pid, ExitStatus: code, ExitedAt: protobuf.ToTimestamp(at)}, nil
}

// State reports the task's status and, once it ended, its exit.
func (s *service) State(ctx context.Context, r *taskAPI.StateRequest) (*taskAPI.StateResponse, error) {
	c, err := s.proc(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	status, code, at := c.state()
	resp := &taskAPI.StateResponse{
		ID: c.id, ExecID: c.execID, Bundle: c.bundle, Pid: uint32(os.Getpid()), Status: status,
		Stdin: c.stdin, Stdout: c.stdout, Stderr: c.stderr, Terminal: c.terminal,
	}
	if status == task.Status_STOPPED {
		resp.ExitStatus, resp.ExitedAt = code, protobuf.ToTimestamp(at)
	}
	return resp, nil
}

// Kill delivers a signal: the program's handler runs, or the signal's
// default action is taken.
func (s *service) Kill(ctx context.Context, r *taskAPI.KillRequest) (*ptypes.Empty, error) {
	c, err := s.proc(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	if r.Signal == 0 || r.Signal > uint32(wasix.SignalSys) {
		return nil, errdefs.ToGRPCf(errdefs.ErrInvalidArgument, "signal %d", r.Signal)
	}
	ended, ok := c.kill(wasix.Signal(r.Signal), r.All && c.parent == nil)
	if !ok {
		return nil, errdefs.ToGRPCf(errdefs.ErrNotFound, "task %s: process already finished", c.procID())
	}
	if ended {
		s.exitEvent(c)
	}
	return empty, nil
}

// Pids lists the processes of the task, with the runtime's pids.
func (s *service) Pids(ctx context.Context, r *taskAPI.PidsRequest) (*taskAPI.PidsResponse, error) {
	c, err := s.get(r.ID)
	if err != nil {
		return nil, err
	}
	resp := &taskAPI.PidsResponse{}
	if c.rt == nil {
		return resp, nil // a sandbox runs nothing
	}
	for _, pid := range c.rt.Pids() {
		resp.Processes = append(resp.Processes, &task.ProcessInfo{Pid: pid})
	}
	return resp, nil
}

// Wait blocks until the task has ended.
func (s *service) Wait(ctx context.Context, r *taskAPI.WaitRequest) (*taskAPI.WaitResponse, error) {
	c, err := s.proc(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	select {
	case <-c.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	_, code, at := c.state()
	return &taskAPI.WaitResponse{ExitStatus: code, ExitedAt: protobuf.ToTimestamp(at)}, nil
}

// CloseIO closes the program's stdin.
func (s *service) CloseIO(ctx context.Context, r *taskAPI.CloseIORequest) (*ptypes.Empty, error) {
	c, err := s.proc(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	if r.Stdin {
		c.io.closeStdin()
	}
	return empty, nil
}

// ResizePty sets the size of the task's terminal.
func (s *service) ResizePty(ctx context.Context, r *taskAPI.ResizePtyRequest) (*ptypes.Empty, error) {
	c, err := s.proc(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	if err := c.io.resize(r.Width, r.Height); err != nil {
		return nil, errdefs.ToGRPCf(errdefs.ErrFailedPrecondition, "%v", err)
	}
	return empty, nil
}

// Connect tells containerd the shim's pid; the programs have no pid of the
// host's, so the task's pid is the shim's too.
func (s *service) Connect(ctx context.Context, r *taskAPI.ConnectRequest) (*taskAPI.ConnectResponse, error) {
	pid := uint32(os.Getpid())
	return &taskAPI.ConnectResponse{ShimPid: pid, TaskPid: pid}, nil
}

// Shutdown ends the shim process once it serves no container.
func (s *service) Shutdown(ctx context.Context, r *taskAPI.ShutdownRequest) (*ptypes.Empty, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.containers) > 0 {
		return empty, nil
	}
	if s.socket != "" {
		_ = shim.RemoveSocket(s.socket)
	}
	// The shim library waits for the publisher to close before the
	// process exits: forward closes it once the queued events are out.
	s.evMu.Lock()
	if !s.closed {
		s.closed = true
		close(s.events)
	}
	s.evMu.Unlock()
	s.shutdown()
	return empty, nil
}

// Exec prepares another process in a running container; Start runs it.
func (s *service) Exec(ctx context.Context, r *taskAPI.ExecProcessRequest) (*ptypes.Empty, error) {
	c, err := s.get(r.ID)
	if err != nil {
		return nil, err
	}
	if r.Spec == nil {
		return nil, errdefs.ToGRPCf(errdefs.ErrInvalidArgument, "exec %s: no process spec", r.ExecID)
	}
	var proc specs.Process
	if err := json.Unmarshal(r.Spec.GetValue(), &proc); err != nil {
		return nil, errdefs.ToGRPCf(errdefs.ErrInvalidArgument, "exec %s: process spec: %v", r.ExecID, err)
	}
	if _, err := c.newExec(ctx, r.ExecID, &proc, r.Stdin, r.Stdout, r.Stderr, r.Terminal); err != nil {
		return nil, errdefs.ToGRPCf(errdefs.ErrFailedPrecondition, "exec %s: %v", r.ExecID, err)
	}
	s.publish(runtime.TaskExecAddedEventTopic, &eventstypes.TaskExecAdded{ContainerID: r.ID, ExecID: r.ExecID})
	return empty, nil
}

// Pause is not supported: a wasm program has no freezer.
func (s *service) Pause(ctx context.Context, r *taskAPI.PauseRequest) (*ptypes.Empty, error) {
	return nil, errdefs.ToGRPCf(errdefs.ErrNotImplemented, "pause is not supported by the wasix shim")
}

// Resume is not supported, as Pause.
func (s *service) Resume(ctx context.Context, r *taskAPI.ResumeRequest) (*ptypes.Empty, error) {
	return nil, errdefs.ToGRPCf(errdefs.ErrNotImplemented, "resume is not supported by the wasix shim")
}

// Checkpoint is not supported.
func (s *service) Checkpoint(ctx context.Context, r *taskAPI.CheckpointTaskRequest) (*ptypes.Empty, error) {
	return nil, errdefs.ToGRPCf(errdefs.ErrNotImplemented, "checkpoint is not supported by the wasix shim")
}

// Update (changing resources of a running task) is not supported.
func (s *service) Update(ctx context.Context, r *taskAPI.UpdateTaskRequest) (*ptypes.Empty, error) {
	return nil, errdefs.ToGRPCf(errdefs.ErrNotImplemented, "update is not supported by the wasix shim")
}

// Stats are not supported: the programs have no cgroup of their own.
func (s *service) Stats(ctx context.Context, r *taskAPI.StatsRequest) (*taskAPI.StatsResponse, error) {
	return nil, errdefs.ToGRPCf(errdefs.ErrNotImplemented, "stats are not supported by the wasix shim")
}
