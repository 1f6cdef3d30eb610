package kernel

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wasix-go/wasix"
)

// threadProc returns a process with its main thread and a launcher that
// runs body on a goroutine for each spawned thread, as the host would run
// the guest's entry.
func threadProc(t *testing.T, max int, body func(t *Thread, e ThreadEntry)) *Process {
	t.Helper()
	p, err := New(Config{}).NewProcess(ProcConfig{MaxThreads: max})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	p.StartMainThread(context.Background())
	p.SetLauncher(func(th *Thread, e ThreadEntry) error {
		go func() {
			body(th, e)
			th.Finish(0)
		}()
		return nil
	})
	return p
}

func TestSpawnJoinLimit(t *testing.T) {
	release := make(chan struct{})
	var ran atomic.Int32
	p := threadProc(t, 3, func(th *Thread, e ThreadEntry) {
		if len(e.Args) > 0 && e.Args[0] != uint64(th.Tid()) {
			t.Errorf("the tid argument is %d, want %d", e.Args[0], th.Tid())
		}
		ran.Add(1)
		<-release
	})
	main := p.MainThread()
	if main.Tid() != p.Pid() || !main.IsMain() {
		t.Fatalf("main thread %d, pid %d", main.Tid(), p.Pid())
	}
	var tids []uint32
	for range 2 {
		tid, errno := p.SpawnThread(ThreadEntry{Export: "x", Args: []uint64{0, 7}, ArgTid: 0})
		if errno != wasix.ErrnoSuccess || tid == main.Tid() {
			t.Fatalf("spawn: %d %s", tid, errno.Name())
		}
		tids = append(tids, tid)
	}
	if _, errno := p.SpawnThread(ThreadEntry{Export: "x", ArgTid: -1}); errno != wasix.ErrnoAgain {
		t.Fatalf("past the limit: %s, want EAGAIN", errno.Name())
	}
	if errno := p.Join(context.Background(), main, main.Tid()); errno != wasix.ErrnoDeadlk {
		t.Fatalf("self join: %s", errno.Name())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if errno := p.Join(ctx, main, tids[0]); errno != wasix.ErrnoIntr {
		t.Fatalf("join of a running thread cut short: %s", errno.Name())
	}
	close(release)
	for _, tid := range tids {
		if errno := p.Join(context.Background(), main, tid); errno != wasix.ErrnoSuccess {
			t.Fatal(errno.Name())
		}
	}
	if ran.Load() != 2 {
		t.Fatalf("%d threads ran", ran.Load())
	}
	// Ended threads free their places.
	if _, errno := p.SpawnThread(ThreadEntry{Export: "x", ArgTid: -1}); errno != wasix.ErrnoSuccess {
		t.Fatalf("spawn after joins: %s", errno.Name())
	}
}

func TestSpawnWithoutLauncher(t *testing.T) {
	p, _ := New(Config{}).NewProcess(ProcConfig{})
	defer p.Close()
	if _, errno := p.SpawnThread(ThreadEntry{}); errno != wasix.ErrnoNotsup {
		t.Fatal(errno.Name())
	}
	p.StartMainThread(context.Background())
	if _, errno := p.SpawnThread(ThreadEntry{}); errno != wasix.ErrnoNotsup {
		t.Fatal(errno.Name())
	}
}

// TestExitEndsThreads checks that SetExit interrupts every thread's
// blocking call and makes their boundaries see the end at once.
func TestExitEndsThreads(t *testing.T) {
	var word uint32
	errs := make(chan wasix.Errno, 4)
	p := threadProc(t, 0, func(th *Thread, e ThreadEntry) {
		_, errno := th.p.FutexWait(th.CallContext(), 0, &word, 0, nil)
		errs <- errno
	})
	for range 4 {
		p.SpawnThread(ThreadEntry{ArgTid: -1})
	}
	time.Sleep(10 * time.Millisecond)
	p.SetExit(3)
	if !p.MainThread().Attention() {
		t.Fatal("no attention right after SetExit")
	}
	for range 4 {
		if errno := <-errs; errno != wasix.ErrnoIntr {
			t.Fatal(errno.Name())
		}
	}
	if !p.WaitThreads(nil) {
		t.Fatal("threads left")
	}
}

// SetExit interrupts the threads before it returns: the thread that ends
// the process does what the end of its context would have a goroutine of
// its own do.
func TestExitInterruptsAtOnce(t *testing.T) {
	p := threadProc(t, 0, func(*Thread, ThreadEntry) {})
	done := p.MainThread().CallContext().Done()
	p.SetExit(0)
	select {
	case <-done:
	default:
		t.Fatal("the main thread is not interrupted when SetExit returns")
	}
}

func TestTrapKept(t *testing.T) {
	p := threadProc(t, 0, func(*Thread, ThreadEntry) {})
	first := context.DeadlineExceeded
	p.Trap(first)
	p.Trap(context.Canceled)
	if p.Trapped() != first || !p.Dying() {
		t.Fatal(p.Trapped())
	}
}

func TestTLS(t *testing.T) {
	p := threadProc(t, 0, func(*Thread, ThreadEntry) {})
	main := p.MainThread()
	key, errno := p.TLSCreate(0xabc)
	if errno != wasix.ErrnoSuccess || key == 0 {
		t.Fatal(errno.Name())
	}
	if v, errno := main.TLSGet(key); v != 0 || errno != wasix.ErrnoSuccess {
		t.Fatal(v, errno.Name())
	}
	main.TLSSet(key, 5)
	other := p.newThread(99)
	p.thr.mu.Lock()
	p.thr.byTid[99] = other
	p.thr.mu.Unlock()
	other.TLSSet(key, 6)
	if v, _ := main.TLSGet(key); v != 5 {
		t.Fatal(v)
	}
	if got := other.TLSTakeAll(); len(got) != 1 || got[0] != (TLSValue{0xabc, 6}) {
		t.Fatal(got)
	}
	vals, errno := p.TLSDestroy(key)
	if errno != wasix.ErrnoSuccess || len(vals) != 1 || vals[0].Value != 5 {
		t.Fatal(vals, errno.Name())
	}
	if _, errno := main.TLSGet(key); errno != wasix.ErrnoInval {
		t.Fatal(errno.Name())
	}
	if _, errno := p.TLSDestroy(key); errno != wasix.ErrnoInval {
		t.Fatal(errno.Name())
	}
}

func TestCallbacks(t *testing.T) {
	p := threadProc(t, 0, func(*Thread, ThreadEntry) {})
	if p.Callback(CallbackThread) != "_start_thread" || p.Callback(CallbackReactor) != "_react" || p.Callback(CallbackSignal) != "" {
		t.Fatal("defaults")
	}
	p.SetCallback(CallbackSignal, "h")
	if p.Callback(CallbackSignal) != "h" {
		t.Fatal("set")
	}
}

// TestThreadsRace spawns and joins many threads from several at once.
func TestThreadsRace(t *testing.T) {
	p := threadProc(t, 1000, func(th *Thread, e ThreadEntry) { th.TLSSet(1, 1) })
	p.TLSCreate(0)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				tid, errno := p.SpawnThread(ThreadEntry{ArgTid: -1})
				if errno != wasix.ErrnoSuccess {
					t.Error(errno.Name())
					return
				}
				p.Join(context.Background(), nil, tid)
			}
		})
	}
	wg.Wait()
}
