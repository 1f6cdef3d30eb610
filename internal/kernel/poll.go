package kernel

import (
	"context"
	"time"

	"github.com/wasix-go/wasix"
)

// Subscription is one poll_oneoff subscription, decoded from guest memory.
type Subscription struct {
	Userdata uint64
	Type     wasix.Eventtype
	// For a clock subscription:
	Clock   wasix.Clockid
	Timeout uint64 // nanoseconds: a delay, or a clock reading if Abstime
	Abstime bool
	// For an fd_read or fd_write subscription:
	Fd wasix.Fd
}

// Event is one outcome of poll_oneoff.
type Event struct {
	Userdata uint64
	Errno    wasix.Errno
	Type     wasix.Eventtype
	Nbytes   uint64 // fd events: bytes available to read, or room to write
	Hangup   bool   // fd events: the other end is gone
}

// pollSub is a subscription with what the wait needs at hand.
type pollSub struct {
	s        Subscription
	deadline int64 // clock: monotonic nanoseconds
	obj      object
	write    bool
}

// PollOneoff waits until at least one subscription has an event and
// returns every event that is ready then (poll_oneoff). Clock deadlines are
// kept on the monotonic clock (an absolute realtime one is converted once);
// descriptors are watched through their wait queues, so the wait sleeps
// until the earliest deadline or a change of state, never spinning. A
// subscription that cannot be honoured (bad descriptor, missing right,
// unsupported clock, unknown type) produces an event with its errno at
// once. No subscriptions give EINVAL; an ended context gives EINTR.
func (p *Process) PollOneoff(ctx context.Context, subs []Subscription) ([]Event, wasix.Errno) {
	if len(subs) == 0 {
		return nil, wasix.ErrnoInval
	}
	var events []Event
	ps := make([]pollSub, 0, len(subs))
	now := p.k.monotonic()
	for _, s := range subs {
		switch s.Type {
		case wasix.EventtypeClock:
			var d int64
			switch {
			case s.Clock != wasix.ClockidRealtime && s.Clock != wasix.ClockidMonotonic:
				events = append(events, Event{Userdata: s.Userdata, Type: s.Type, Errno: wasix.ErrnoInval})
				continue
			case !s.Abstime:
				d = satAdd(now, s.Timeout)
			case s.Clock == wasix.ClockidMonotonic:
				d = int64(min(s.Timeout, 1<<63-1))
			default:
				real := p.k.realtime()
				if s.Timeout <= uint64(real) {
					d = now
				} else {
					d = satAdd(now, s.Timeout-uint64(real))
				}
			}
			ps = append(ps, pollSub{s: s, deadline: d})
		case wasix.EventtypeFdRead, wasix.EventtypeFdWrite:
			e, errno := p.fds.get(s.Fd, wasix.RightsPollFdReadwrite)
			if errno != wasix.ErrnoSuccess {
				events = append(events, Event{Userdata: s.Userdata, Type: s.Type, Errno: errno})
				continue
			}
			ps = append(ps, pollSub{s: s, obj: e.of.obj, write: s.Type == wasix.EventtypeFdWrite})
		default:
			events = append(events, Event{Userdata: s.Userdata, Type: s.Type, Errno: wasix.ErrnoInval})
		}
	}
	if len(events) > 0 {
		return append(events, p.ready(ps, now)...), wasix.ErrnoSuccess
	}

	var ch chan struct{}
	for i := range ps {
		if ps[i].obj == nil {
			continue
		}
		for _, q := range ps[i].obj.waiters() {
			if ch == nil {
				ch = make(chan struct{}, 1)
			}
			q.add(ch)
			defer q.remove(ch)
		}
	}
	var timer *time.Timer
	for {
		now = p.k.monotonic()
		if evs := p.ready(ps, now); len(evs) > 0 {
			if timer != nil {
				timer.Stop()
			}
			return evs, wasix.ErrnoSuccess
		}
		var tc <-chan time.Time
		if d, ok := earliest(ps); ok {
			if timer == nil {
				timer = time.NewTimer(time.Duration(d - now))
			} else {
				timer.Reset(time.Duration(d - now))
			}
			tc = timer.C
		}
		select {
		case <-ch: // nil when nothing can change: then only the clock or ctx
		case <-tc:
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return nil, wasix.ErrnoIntr
		}
	}
}

// ready returns the events of the subscriptions ready at now.
func (p *Process) ready(ps []pollSub, now int64) []Event {
	var evs []Event
	for i := range ps {
		s := &ps[i]
		if s.obj == nil {
			if now >= s.deadline {
				evs = append(evs, Event{Userdata: s.s.Userdata, Type: wasix.EventtypeClock})
			}
			continue
		}
		if ok, n, hup := s.obj.poll(s.write); ok {
			evs = append(evs, Event{Userdata: s.s.Userdata, Type: s.s.Type, Nbytes: n, Hangup: hup})
		}
	}
	return evs
}

func earliest(ps []pollSub) (int64, bool) {
	var d int64
	found := false
	for i := range ps {
		if ps[i].obj == nil && (!found || ps[i].deadline < d) {
			d, found = ps[i].deadline, true
		}
	}
	return d, found
}

// satAdd adds a non-negative duration without overflowing.
func satAdd(t int64, d uint64) int64 {
	if d > uint64(1<<63-1-t) {
		return 1<<63 - 1
	}
	return t + int64(d)
}
