package abi

import (
	"testing"
	"unsafe"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

var busNames = []string{"bus_open_local", "bus_open_remote", "bus_close", "bus_call", "bus_subcall",
	"bus_poll", "call_reply", "call_fault", "call_close"}

// TestBusHandlers checks that the seed and 2022 generations get every bus
// call, and current (which has none) none.
func TestBusHandlers(t *testing.T) {
	for _, name := range busNames {
		for _, gen := range []Generation{WasixSeed, Wasix2022} {
			if handlerFor(gen, name) == nil {
				t.Errorf("%v: no handler for %s", gen, name)
			}
		}
		if handlerFor(WasixCurrent, name) != nil {
			t.Errorf("current: %s has a handler", name)
		}
	}
}

// TestBusEventLayout encodes each kind of event and reads it back through
// the generated bus_event type.
func TestBusEventLayout(t *testing.T) {
	if unsafe.Sizeof(wasix.BusEvent{}) != busEventSize {
		t.Fatalf("bus_event is %d bytes", unsafe.Sizeof(wasix.BusEvent{}))
	}
	decode := func(ev kernel.BusEvent) wasix.BusEvent {
		var b [busEventSize]byte
		for i := range b {
			b[i] = 0xee // putBusEvent must clear what it does not set
		}
		putBusEvent(b[:], &ev)
		return *(*wasix.BusEvent)(unsafe.Pointer(&b))
	}
	topic := wasix.Hash{B0: 0x0102030405060708, B1: 0x1112131415161718}
	e := decode(kernel.BusEvent{Type: wasix.BusEventTypeCall, Cid: 7, Parent: 3, HasParent: true, Topic: topic, Format: wasix.BusDataFormatJson, Fd: 9})
	if c := e.Call(); e.Tag != wasix.BusEventTypeCall || c.Cid != 7 || c.Parent.Tag != wasix.OptionSome || c.Parent.Some() != 3 ||
		c.TopicHash.B0 != topic.B0 || c.TopicHash.B1 != topic.B1 || c.Format != wasix.BusDataFormatJson || c.Fd != 9 {
		t.Errorf("call: %+v", c)
	}
	e = decode(kernel.BusEvent{Type: wasix.BusEventTypeCall, Cid: 1})
	if c := e.Call(); c.Parent.Tag != wasix.OptionNone {
		t.Errorf("call without parent: %+v", c)
	}
	e = decode(kernel.BusEvent{Type: wasix.BusEventTypeResult, Cid: 5, Format: wasix.BusDataFormatYaml, Fd: 4})
	if r := e.Result(); r.Cid != 5 || r.Format != wasix.BusDataFormatYaml || r.Fd != 4 {
		t.Errorf("result: %+v", r)
	}
	e = decode(kernel.BusEvent{Type: wasix.BusEventTypeFault, Cid: 6, Fault: wasix.BusErrorAborted})
	if f := e.Fault(); f.Cid != 6 || f.Fault != wasix.BusErrorAborted {
		t.Errorf("fault: %+v", f)
	}
	e = decode(kernel.BusEvent{Type: wasix.BusEventTypeExit, Bid: 2, Rval: 7})
	if x := e.Exit(); x.Bid != 2 || x.Rval != 7 {
		t.Errorf("exit: %+v", x)
	}
	e = decode(kernel.BusEvent{Type: wasix.BusEventTypeClose, Cid: 8})
	if c := e.Close(); e.Tag != wasix.BusEventTypeClose || c.Cid != 8 {
		t.Errorf("close: %+v", c)
	}
}

func TestBusResultNames(t *testing.T) {
	if got := resultName("bus_call", 8); got != "invalid_handle" {
		t.Errorf("bus_call 8: %s", got)
	}
	if got := resultName("fd_read", 8); got != "badf" {
		t.Errorf("fd_read 8: %s", got)
	}
}
