package abi

import (
	"context"
	"math"
	"strings"
	"time"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

// The bus calls of the seed and 2022 generations (the same signatures in
// both; current has none). They report a bus_error, which a bad pointer
// makes memory_access_violation.

func init() {
	wasixCalls["bus_open_local"] = busOpenLocal
	wasixCalls["bus_open_remote"] = busOpenRemote
	wasixCalls["bus_close"] = busClose
	wasixCalls["bus_call"] = busCall
	wasixCalls["bus_subcall"] = busSubcall
	wasixCalls["bus_poll"] = busPoll
	wasixCalls["call_reply"] = callReply
	wasixCalls["call_fault"] = callFault
	wasixCalls["call_close"] = callClose
}

// busErrorCalls are the calls whose result is a bus_error, for the trace.
var busErrorCalls = map[string]bool{"bus_open_local": true, "bus_open_remote": true, "bus_close": true,
	"bus_call": true, "bus_subcall": true, "bus_poll": true, "call_reply": true}

// resultName names the error code r of the call name, as the trace shows
// it: a bus_error for the bus calls, an errno otherwise.
func resultName(name string, r uint32) string {
	if busErrorCalls[name] {
		return strings.ToLower(wasix.BusError(r).Name())
	}
	return wasix.Errno(r).String()
}

// Layout of bus_event: a u8 tag, then the case at offset 8.
const (
	busEventSize = 64
	busEvPayload = 8
)

const busFault = wasix.Errno(wasix.BusErrorMemoryAccessViolation)

// bus_open_local(name, reuse, bid*)
func busOpenLocal(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	name, ok := guestString(m, uint32(s[0]), uint32(s[1]))
	if _, ok2 := span(m, uint32(s[3]), 4); !ok || !ok2 {
		return busFault
	}
	bid, berr := p.Bus().OpenLocal(name, uint32(s[2])&0xff != 0)
	return busOut32(m, uint32(s[3]), bid, berr)
}

// bus_open_remote(name, reuse, instance, token, bid*)
func busOpenRemote(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	name, ok1 := guestString(m, uint32(s[0]), uint32(s[1]))
	inst, ok2 := guestString(m, uint32(s[3]), uint32(s[4]))
	tok, ok3 := guestString(m, uint32(s[5]), uint32(s[6]))
	if _, ok4 := span(m, uint32(s[7]), 4); !ok1 || !ok2 || !ok3 || !ok4 {
		return busFault
	}
	bid, berr := p.Bus().OpenRemote(name, inst, tok, uint32(s[2])&0xff != 0)
	return busOut32(m, uint32(s[7]), bid, berr)
}

// bus_close(bid)
func busClose(_ context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
	return wasix.Errno(p.Bus().CloseBus(uint32(s[0])))
}

// bus_call(bid, topic_hash*, format, buf, buf_len, cid*)
func busCall(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	topic, data, ok := busRequest(m, uint32(s[1]), uint32(s[3]), uint32(s[4]), uint32(s[5]))
	if !ok {
		return busFault
	}
	cid, berr := p.Bus().Call(uint32(s[0]), topic, wasix.BusDataFormat(uint32(s[2])), data)
	return busOut64(m, uint32(s[5]), cid, berr)
}

// bus_subcall(parent, topic_hash*, format, buf, buf_len, cid*)
func busSubcall(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	topic, data, ok := busRequest(m, uint32(s[1]), uint32(s[3]), uint32(s[4]), uint32(s[5]))
	if !ok {
		return busFault
	}
	cid, berr := p.Bus().Subcall(s[0], topic, wasix.BusDataFormat(uint32(s[2])), data)
	return busOut64(m, uint32(s[5]), cid, berr)
}

// busRequest reads the topic and a copy of the payload of a call, and
// checks that the cid can be written.
func busRequest(m api.Memory, topicPtr, buf, n, out uint32) (wasix.Hash, []byte, bool) {
	t, ok1 := span(m, topicPtr, 16)
	b, ok2 := span(m, buf, n)
	_, ok3 := span(m, out, 8)
	if !ok1 || !ok2 || !ok3 {
		return wasix.Hash{}, nil, false
	}
	return wasix.Hash{B0: le64At(t, 0), B1: le64At(t, 8)}, append([]byte(nil), b...), true
}

// bus_poll(timeout, events*, nevents, nevents_out*): a timeout of 0 does
// not block; one beyond any real wait (such as u64 max) waits forever.
func busPoll(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	ptr, n, nPtr := uint32(s[1]), uint32(s[2]), uint32(s[3])
	out, ok1 := span64(m, ptr, uint64(n)*busEventSize)
	_, ok2 := span(m, nPtr, 4)
	if !ok1 || !ok2 {
		return busFault
	}
	timeout := time.Duration(-1)
	if s[0] < math.MaxInt64 {
		timeout = time.Duration(s[0])
	}
	evs, berr := p.BusPoll(ctx, timeout, int(n))
	if berr != wasix.BusErrorSuccess {
		return wasix.Errno(berr)
	}
	for i, ev := range evs {
		putBusEvent(out[i*busEventSize:(i+1)*busEventSize], &ev)
	}
	return busOut32(m, nPtr, uint32(len(evs)), wasix.BusErrorSuccess)
}

// putBusEvent encodes ev as a bus_event.
func putBusEvent(b []byte, ev *kernel.BusEvent) {
	clear(b)
	b[0] = byte(ev.Type)
	u := b[busEvPayload:]
	switch ev.Type {
	case wasix.BusEventTypeExit: // bid @0, rval @4
		le32(u[0:], ev.Bid)
		le32(u[4:], ev.Rval)
	case wasix.BusEventTypeCall: // parent option_cid @0 (tag, cid @8), cid @16, format @24, topic @32, fd @48
		if ev.HasParent {
			u[0] = byte(wasix.OptionSome)
			le64(u[8:], ev.Parent)
		}
		le64(u[16:], ev.Cid)
		u[24] = byte(ev.Format)
		le64(u[32:], ev.Topic.B0)
		le64(u[40:], ev.Topic.B1)
		le32(u[48:], uint32(ev.Fd))
	case wasix.BusEventTypeResult: // format @0, cid @8, fd @16
		u[0] = byte(ev.Format)
		le64(u[8:], ev.Cid)
		le32(u[16:], uint32(ev.Fd))
	case wasix.BusEventTypeFault: // cid @0, fault @8
		le64(u[0:], ev.Cid)
		le32(u[8:], uint32(ev.Fault))
	case wasix.BusEventTypeClose: // cid @0
		le64(u[0:], ev.Cid)
	}
}

// call_reply(cid, format, buf, buf_len)
func callReply(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	b, ok := span(m, uint32(s[2]), uint32(s[3]))
	if !ok {
		return busFault
	}
	return wasix.Errno(p.Bus().Reply(s[0], wasix.BusDataFormat(uint32(s[1])), append([]byte(nil), b...)))
}

// call_fault(cid, fault): no result; a bad handle is ignored.
func callFault(_ context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
	p.Bus().Fault(s[0], wasix.BusError(uint32(s[1])))
	return 0
}

// call_close(cid): no result.
func callClose(_ context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
	p.Bus().CloseCall(s[0])
	return 0
}

// busOut32 writes v to ptr when berr is success and returns berr.
func busOut32(m api.Memory, ptr, v uint32, berr wasix.BusError) wasix.Errno {
	if berr == wasix.BusErrorSuccess && !writeU32(m, ptr, v) {
		return busFault
	}
	return wasix.Errno(berr)
}

// busOut64 writes v to ptr when berr is success and returns berr.
func busOut64(m api.Memory, ptr uint32, v uint64, berr wasix.BusError) wasix.Errno {
	if berr == wasix.BusErrorSuccess && !writeU64(m, ptr, v) {
		return busFault
	}
	return wasix.Errno(berr)
}
