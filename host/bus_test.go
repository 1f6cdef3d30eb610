package host_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/host"
)

// busRuntime returns a runtime with busserver registered as a command and
// a Go endpoint "gosvc" serving echo and nest (see busGoHandler).
func busRuntime(t testing.TB) *host.Runtime {
	rt := newRuntime(t, host.RuntimeConfig{NoComputeInterrupts: true})
	if err := rt.AddCommand(context.Background(), "busserver", procGuest(t, "bus", "busserver.wasm")); err != nil {
		t.Fatal(err)
	}
	rt.AddBusService("gosvc", host.BusHandlerFunc(busGoHandler))
	addNotBus(t, rt)
	return rt
}

// addNotBus registers a plain WASI program as "notbus", which cannot serve
// the bus.
func addNotBus(t testing.TB, rt *host.Runtime) {
	wasm, err := os.ReadFile(filepath.Join("..", "testdata", "guests", "bin", "p1_exit.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	if err := rt.AddCommand(context.Background(), "notbus", wasm); err != nil {
		t.Fatal(err)
	}
}

// busGoHandler serves echo, and nest as the guests do: n > 0 subcalls
// nest with n-1 back to the caller and prefixes its answer with G.
func busGoHandler(c *host.BusCall) {
	switch c.Topic {
	case host.Topic("echo"):
		_ = c.Reply(c.Format, c.Data)
	case host.Topic("nest"):
		if string(c.Data) == "0" {
			_ = c.Reply(wasix.BusDataFormatRaw, []byte("0"))
			return
		}
		n := int(c.Data[0] - '0')
		_, res, err := c.Subcall(context.Background(), host.Topic("nest"), wasix.BusDataFormatRaw, []byte{byte('0' + n - 1)})
		if err != nil {
			_ = c.Fault(wasix.BusErrorAborted)
			return
		}
		_ = c.Reply(wasix.BusDataFormatRaw, append([]byte("G"), res...))
	default:
		_ = c.Fault(wasix.BusErrorInvalidTopic)
	}
}

func runBusClient(t *testing.T, rt *host.Runtime, args ...string) string {
	t.Helper()
	out, errb, code := runProc(t, rt, procGuest(t, "bus", "busclient.wasm"), host.Config{Args: append([]string{"busclient"}, args...)})
	if code != 0 || !strings.HasSuffix(out, "all ok\n") {
		t.Fatalf("busclient %v: exit %d\n%s\nstderr:\n%s", args, code, out, errb)
	}
	t.Logf("busclient %v:\n%s", args, out)
	return out
}

// TestBusGuests runs the checks of busclient against busserver: request
// and response, faults, nested subcalls, closed calls, bad handles and
// pointers, reuse, handles reused after close, the callee exiting.
func TestBusGuests(t *testing.T) {
	rt := busRuntime(t)
	for _, name := range []string{"busclient.wasm", "busserver.wasm"} {
		m, err := rt.Compile(context.Background(), procGuest(t, "bus", name))
		if err != nil {
			t.Fatal(err)
		}
		if m.ABI() != host.ABIWasixSeed {
			t.Errorf("%s is detected as %q", name, m.ABI())
		}
		m.Close(context.Background())
	}
	out := runBusClient(t, rt, "test")
	for _, want := range []string{"ok nest 4: SCSC0", "ok exit event: bid 1, code 7", "ok open again: the same bid 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The host is unharmed: the runtime still runs the checks.
	runBusClient(t, rt, "test")
}

// TestBusGuests2022 runs the client under the 2022 generation, whose bus
// calls have the seed's signatures.
func TestBusGuests2022(t *testing.T) {
	out, errb, code := runProc(t, busRuntime(t), procGuest(t, "bus", "busclient.wasm"),
		host.Config{Args: []string{"busclient", "test"}, ABI: host.ABIWasix2022})
	if code != 0 || !strings.HasSuffix(out, "all ok\n") {
		t.Fatalf("exit %d\n%s\nstderr:\n%s", code, out, errb)
	}
}

// TestBusGuestFromFile opens the server by path, from a mounted directory.
func TestBusGuestFromFile(t *testing.T) {
	rt := newRuntime(t, host.RuntimeConfig{NoComputeInterrupts: true})
	addNotBus(t, rt)
	dir, _ := filepath.Abs(filepath.Join("..", "testdata", "guests", "bus", "bin"))
	out, errb, code := runProc(t, rt, procGuest(t, "bus", "busclient.wasm"), host.Config{
		Args:   []string{"busclient", "test", "/srv/busserver.wasm"},
		Mounts: []host.Mount{{GuestPath: "/srv", HostDir: dir, ReadOnly: true}},
	})
	if code != 0 || !strings.HasSuffix(out, "all ok\n") {
		t.Fatalf("exit %d\n%s\nstderr:\n%s", code, out, errb)
	}
}

// TestBusGoEndpoint has a guest call a Go endpoint, with subcalls back.
func TestBusGoEndpoint(t *testing.T) {
	out := runBusClient(t, busRuntime(t), "go")
	if !strings.Contains(out, "ok go nest 3: GCG0") {
		t.Errorf("output:\n%s", out)
	}
}

// TestBusGoCallsGuest has Go call the topics of a guest bus process.
func TestBusGoCallsGuest(t *testing.T) {
	rt := busRuntime(t)
	c, err := rt.OpenBus("busserver", false)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	f, res, err := c.Call(ctx, host.Topic("upper"), wasix.BusDataFormatJson, []byte(`"go"`))
	if err != nil || string(res) != `"GO"` || f != wasix.BusDataFormatJson {
		t.Fatalf("upper: %q %v %v", res, f, err)
	}
	if _, _, err := c.Call(ctx, host.Topic("fault"), 0, []byte("13")); !errors.Is(err, wasix.BusErrorAccessDenied) {
		t.Fatalf("fault: %v", err)
	}
	if _, _, err := c.Call(ctx, host.Topic("exit"), 0, []byte("3")); !errors.Is(err, wasix.BusErrorAborted) {
		t.Fatalf("exit mid-call: %v", err)
	}
	if _, _, err := c.Call(ctx, host.Topic("echo"), 0, nil); !errors.Is(err, wasix.BusErrorAborted) {
		t.Fatalf("call after exit: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := rt.OpenBus("no-such-program", false); !errors.Is(err, wasix.BusErrorInvalidWapm) {
		t.Fatalf("missing program: %v", err)
	}
}

// remote is a BusRemote serving echo on instance "inst" to the token
// "secret".
type remote struct{}

func (remote) OpenRemote(name, instance, token string, reuse bool) (host.BusHandler, error) {
	if instance != "inst" || name != "svc" {
		return nil, wasix.BusErrorInvalidWapm
	}
	if token != "secret" {
		return nil, wasix.BusErrorAccessDenied
	}
	return host.BusHandlerFunc(busGoHandler), nil
}

func TestBusRemote(t *testing.T) {
	rt := busRuntime(t)
	rt.SetBusRemote(remote{})
	runBusClient(t, rt, "remote")
}

// TestBusGuestsUpToDate rebuilds the bus guests where the toolchain is
// installed and compares them with the committed ones.
func TestBusGuestsUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("rebuilds guests")
	}
	for _, tool := range []string{"clang", "llvm-objcopy-14", "make"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	cmd := exec.Command("make", "--no-print-directory", "check-reproducible")
	cmd.Dir = filepath.Join("..", "testdata", "guests", "bus")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
}

// TestBusOpenerLeaves runs a client that exits with its bus process open
// and closes the runtime at once: the bus process ends with its opener,
// before the runtime frees its memory.
func TestBusOpenerLeaves(t *testing.T) {
	for range 20 {
		rt, err := host.NewRuntime(context.Background(), host.RuntimeConfig{NoComputeInterrupts: true, CacheDir: cacheDir})
		if err != nil {
			t.Fatal(err)
		}
		if err := rt.AddCommand(context.Background(), "busserver", procGuest(t, "bus", "busserver.wasm")); err != nil {
			t.Fatal(err)
		}
		code, err := rt.Run(context.Background(), procGuest(t, "bus", "busclient.wasm"), host.Config{Args: []string{"busclient", "leave"}})
		if code != 0 || err != nil {
			t.Fatal(code, err)
		}
		rt.Close(context.Background())
	}
}

// TestBusRuntimeCloses closes the runtime under a Go client whose bus
// process still runs, then the client.
func TestBusRuntimeCloses(t *testing.T) {
	for range 20 {
		rt, err := host.NewRuntime(context.Background(), host.RuntimeConfig{NoComputeInterrupts: true, CacheDir: cacheDir})
		if err != nil {
			t.Fatal(err)
		}
		if err := rt.AddCommand(context.Background(), "busserver", procGuest(t, "bus", "busserver.wasm")); err != nil {
			t.Fatal(err)
		}
		c, err := rt.OpenBus("busserver", false)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.Call(context.Background(), host.Topic("echo"), 0, []byte("x")); err != nil {
			t.Fatal(err)
		}
		rt.Close(context.Background())
		if _, _, err := c.Call(context.Background(), host.Topic("echo"), 0, nil); !errors.Is(err, wasix.BusErrorAborted) {
			t.Fatalf("call after the runtime closed: %v", err)
		}
		c.Close()
	}
}

// TestBusCallContext checks that a Go handler's call context ends when
// the caller gives up.
func TestBusCallContext(t *testing.T) {
	rt := busRuntime(t)
	ended := make(chan struct{})
	rt.AddBusService("waiter", host.BusHandlerFunc(func(c *host.BusCall) {
		<-c.Context().Done()
		close(ended)
	}))
	c, err := rt.OpenBus("waiter", false)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, _, err := c.Call(ctx, host.Topic("wait"), 0, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("call: %v", err)
	}
	select {
	case <-ended:
	case <-time.After(10 * time.Second):
		t.Fatal("the handler's context did not end")
	}
}

// TestBusGoGuest builds busgo, a Go guest on the bus through the root
// package's generated bindings, and has it call busserver, serving the
// nested calls made back to it.
func TestBusGoGuest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a wasip1 program")
	}
	bin := filepath.Join(t.TempDir(), "busgo.wasm")
	cmd := exec.Command("go", "build", "-o", bin, "../testdata/guests/bus/go")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	wasm, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	out, errb, code := runProc(t, busRuntime(t), wasm, host.Config{Args: []string{"busgo", "busserver"}})
	if code != 0 || out != "upper: FROM GO\nnest: SgS0\n" {
		t.Fatalf("exit %d\n%s\nstderr:\n%s", code, out, errb)
	}
}
