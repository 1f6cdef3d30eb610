package abi

import (
	"context"
	"encoding/binary"
	"unsafe"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

func init() {
	preview1Calls["poll_oneoff"] = pollOneoff
}

// Layouts of subscription (48 bytes) and event (32 bytes), taken from the
// generated types.
var (
	subSize     = uint32(unsafe.Sizeof(wasix.Subscription{}))
	evSize      = uint32(unsafe.Sizeof(wasix.Event{}))
	subU        = unsafe.Offsetof(wasix.Subscription{}.U)
	subPayload  = subU + 8 // after the tag, at the union's alignment
	clockID     = subPayload + unsafe.Offsetof(wasix.SubscriptionClock{}.Id)
	clockTime   = subPayload + unsafe.Offsetof(wasix.SubscriptionClock{}.Timeout)
	clockFlags  = subPayload + unsafe.Offsetof(wasix.SubscriptionClock{}.Flags)
	evError     = unsafe.Offsetof(wasix.Event{}.Error)
	evType      = unsafe.Offsetof(wasix.Event{}.Type)
	evRW        = unsafe.Offsetof(wasix.Event{}.FdReadwrite)
	evRWFlags   = evRW + unsafe.Offsetof(wasix.EventFdReadwrite{}.Flags)
	evRWNbytes  = evRW + unsafe.Offsetof(wasix.EventFdReadwrite{}.Nbytes)
	subUserdata = unsafe.Offsetof(wasix.Subscription{}.Userdata)
)

// poll_oneoff(in, out, nsubscriptions, nevents*)
func pollOneoff(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	inPtr, outPtr, n, nPtr := uint32(s[0]), uint32(s[1]), uint32(s[2]), uint32(s[3])
	if n == 0 {
		return wasix.ErrnoInval
	}
	in, ok1 := span64(m, inPtr, uint64(n)*uint64(subSize))
	out, ok2 := span64(m, outPtr, uint64(n)*uint64(evSize))
	_, ok3 := span(m, nPtr, 4)
	if !ok1 || !ok2 || !ok3 {
		return wasix.ErrnoFault
	}
	subs := make([]kernel.Subscription, n)
	for i := range subs {
		b := in[uint32(i)*subSize:]
		sub := &subs[i]
		sub.Userdata = binary.LittleEndian.Uint64(b[subUserdata:])
		sub.Type = wasix.Eventtype(b[subU])
		switch sub.Type {
		case wasix.EventtypeClock:
			sub.Clock = wasix.Clockid(binary.LittleEndian.Uint32(b[clockID:]))
			sub.Timeout = binary.LittleEndian.Uint64(b[clockTime:])
			flags := wasix.Subclockflags(binary.LittleEndian.Uint16(b[clockFlags:]))
			sub.Abstime = flags&wasix.SubclockflagsSubscriptionClockAbstime != 0
		case wasix.EventtypeFdRead, wasix.EventtypeFdWrite:
			sub.Fd = wasix.Fd(binary.LittleEndian.Uint32(b[subPayload:]))
		}
	}
	evs, errno := p.PollOneoff(ctx, subs)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	for i, ev := range evs {
		b := out[uint32(i)*evSize : uint32(i+1)*evSize]
		clear(b)
		le64(b, ev.Userdata)
		le16(b[evError:], uint16(ev.Errno))
		b[evType] = byte(ev.Type)
		if ev.Type != wasix.EventtypeClock {
			le64(b[evRWNbytes:], ev.Nbytes)
			if ev.Hangup {
				le16(b[evRWFlags:], uint16(wasix.EventrwflagsFdReadwriteHangup))
			}
		}
	}
	return put32(m, nPtr, uint32(len(evs)))
}
