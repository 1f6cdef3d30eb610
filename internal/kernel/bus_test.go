package kernel

import (
	"context"
	"testing"

	"github.com/wasix-go/wasix"
)

// pollOne returns the next event of ep without waiting.
func pollOne(t *testing.T, ep *BusEndpoint) BusEvent {
	t.Helper()
	evs, berr := ep.Poll(context.Background(), 0, 1)
	if berr != wasix.BusErrorSuccess || len(evs) != 1 {
		t.Fatalf("poll: %v %v", evs, berr)
	}
	return evs[0]
}

func pollNone(t *testing.T, ep *BusEndpoint) {
	t.Helper()
	if evs, _ := ep.Poll(context.Background(), 0, 8); len(evs) != 0 {
		t.Fatalf("unexpected events %+v", evs)
	}
}

// busPair returns a client with bid 1 open on a service endpoint.
func busPair(t *testing.T) (k *Kernel, client, svc *BusEndpoint) {
	k = New(Config{})
	svc = k.NewBusEndpoint()
	k.AddBusService("svc", svc)
	client = k.NewBusEndpoint()
	if bid, berr := client.OpenLocal("svc", false); bid != 1 || berr != wasix.BusErrorSuccess {
		t.Fatalf("open: %d %v", bid, berr)
	}
	return k, client, svc
}

func TestBusCallReply(t *testing.T) {
	_, client, svc := busPair(t)
	topic := wasix.Hash{B0: 1, B1: 2}
	cid, berr := client.Call(1, topic, wasix.BusDataFormatJson, []byte("{}"))
	if berr != wasix.BusErrorSuccess {
		t.Fatal(berr)
	}
	in := pollOne(t, svc)
	if in.Type != wasix.BusEventTypeCall || in.Topic != topic || string(in.Data) != "{}" || in.HasParent {
		t.Fatalf("call event %+v", in)
	}
	if berr := svc.Reply(in.Cid, wasix.BusDataFormatRaw, []byte("ok")); berr != wasix.BusErrorSuccess {
		t.Fatal(berr)
	}
	if berr := svc.Reply(in.Cid, wasix.BusDataFormatRaw, nil); berr != wasix.BusErrorAlreadyConsumed {
		t.Fatalf("second reply: %v", berr)
	}
	res := pollOne(t, client)
	if res.Type != wasix.BusEventTypeResult || res.Cid != cid || string(res.Data) != "ok" {
		t.Fatalf("result %+v", res)
	}
	if _, berr := client.Subcall(cid, topic, 0, nil); berr != wasix.BusErrorAlreadyConsumed {
		t.Fatalf("subcall on a finished call: %v", berr)
	}
	if _, berr := client.Call(1, topic, 7, nil); berr != wasix.BusErrorUnsupported {
		t.Fatalf("format 7: %v", berr)
	}
}

// TestBusSubcallsEndWithParent checks that subcalls both ways carry their
// parent and are aborted when it ends.
func TestBusSubcallsEndWithParent(t *testing.T) {
	_, client, svc := busPair(t)
	cid, _ := client.Call(1, wasix.Hash{}, 0, nil)
	in := pollOne(t, svc)
	// The callee calls back; the caller subcalls the callee again.
	back, berr := svc.Subcall(in.Cid, wasix.Hash{B0: 9}, 0, []byte("back"))
	if berr != wasix.BusErrorSuccess {
		t.Fatal(berr)
	}
	cb := pollOne(t, client)
	if cb.Type != wasix.BusEventTypeCall || !cb.HasParent || cb.Parent != cid || string(cb.Data) != "back" {
		t.Fatalf("callback %+v", cb)
	}
	again, _ := client.Subcall(cb.Cid, wasix.Hash{}, 0, nil)
	in2 := pollOne(t, svc)
	if !in2.HasParent || in2.Parent != back {
		t.Fatalf("nested %+v", in2)
	}
	// The caller gives up on the outer call: everything under it ends.
	client.CloseCall(cid)
	got := map[wasix.BusEventType]int{}
	for _, ev := range []BusEvent{pollOne(t, svc), pollOne(t, svc), pollOne(t, svc)} {
		got[ev.Type]++
	}
	if got[wasix.BusEventTypeClose] != 2 || got[wasix.BusEventTypeFault] != 1 {
		t.Fatalf("service events %v", got)
	}
	// The client released the callback's handle when the fault of "again"
	// comes; the close of cb.Cid is for the client.
	evs, _ := client.Poll(context.Background(), 0, 8)
	if len(evs) != 2 {
		t.Fatalf("client events %+v", evs)
	}
	for _, ev := range evs {
		if ev.Cid == again && ev.Type != wasix.BusEventTypeFault || ev.Cid == cb.Cid && ev.Type != wasix.BusEventTypeClose {
			t.Fatalf("client event %+v", ev)
		}
	}
	if berr := svc.Reply(in.Cid, 0, nil); berr != wasix.BusErrorAlreadyConsumed {
		t.Fatalf("reply after the caller closed: %v", berr)
	}
}

// TestBusEndpointClose checks that the end of a bus process aborts its
// calls and tells its openers, and that a closed bid drops its events.
func TestBusEndpointClose(t *testing.T) {
	k, client, svc := busPair(t)
	other := k.NewBusEndpoint()
	other.OpenLocal("svc", false)
	cid, _ := client.Call(1, wasix.Hash{}, 0, nil)
	other.CloseBus(1)
	svc.Close()
	if ev := pollOne(t, client); ev.Type != wasix.BusEventTypeFault || ev.Cid != cid || ev.Fault != wasix.BusErrorAborted {
		t.Fatalf("fault %+v", ev)
	}
	if ev := pollOne(t, client); ev.Type != wasix.BusEventTypeExit || ev.Bid != 1 {
		t.Fatalf("exit %+v", ev)
	}
	pollNone(t, other)
	if _, berr := client.Call(1, wasix.Hash{}, 0, nil); berr != wasix.BusErrorAborted {
		t.Fatalf("call on an ended process: %v", berr)
	}
	if berr := client.CloseBus(1); berr != wasix.BusErrorSuccess {
		t.Fatal(berr)
	}
	if berr := client.CloseBus(1); berr != wasix.BusErrorInvalidHandle {
		t.Fatalf("second close: %v", berr)
	}
	if _, berr := svc.Poll(context.Background(), -1, 1); berr != wasix.BusErrorAborted {
		t.Fatalf("poll of a closed endpoint: %v", berr)
	}
}

func TestBusOpenErrors(t *testing.T) {
	k := New(Config{})
	ep := k.NewBusEndpoint()
	if _, berr := ep.OpenLocal("", false); berr != wasix.BusErrorBadRequest {
		t.Fatalf("empty name: %v", berr)
	}
	if _, berr := ep.OpenLocal("nothing", false); berr != wasix.BusErrorUnsupported {
		t.Fatalf("no runner: %v", berr)
	}
	if _, berr := ep.OpenRemote("x", "i", "t", false); berr != wasix.BusErrorUnsupported {
		t.Fatalf("no remote: %v", berr)
	}
}

// TestBusFlood checks that a callee that never answers stops taking calls
// at the bound, and the caller at its own.
func TestBusFlood(t *testing.T) {
	k, client, _ := busPair(t)
	var berr wasix.BusError
	n := 0
	for ; n <= maxBusCalls; n++ {
		if _, berr = client.Call(1, wasix.Hash{}, 0, nil); berr != wasix.BusErrorSuccess {
			break
		}
	}
	if n != maxBusCalls || berr != wasix.BusErrorMemoryAllocationFailed {
		t.Fatalf("caller stopped after %d calls: %v", n, berr)
	}
	other := k.NewBusEndpoint()
	other.OpenLocal("svc", false)
	if _, berr := other.Call(1, wasix.Hash{}, 0, nil); berr != wasix.BusErrorBusInvocationFailed {
		t.Fatalf("call to a full callee: %v", berr)
	}
}
