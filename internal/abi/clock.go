package abi

import (
	"context"
	"encoding/binary"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

func init() {
	preview1Calls["clock_res_get"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		r, errno := p.ClockResGet(wasix.Clockid(uint32(s[0])))
		if errno != wasix.ErrnoSuccess {
			return errno
		}
		return put64(m, uint32(s[1]), r)
	}
	rawCalls["clock_time_get"] = clockTimeGet
	wasixCalls["clock_time_set"] = func(_ context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
		return p.ClockTimeSet(wasix.Clockid(uint32(s[0])), s[1])
	}
}

// clock_time_get(id, precision, time*) is the hottest call of many
// programs: the monotonic clock is read without looking the process up.
func clockTimeGet(ctx context.Context, mod api.Module, s []uint64) {
	var t uint64
	if id := wasix.Clockid(uint32(s[0])); id == wasix.ClockidMonotonic {
		t = uint64(kernel.Monotonic())
	} else {
		p := kernel.ProcessFrom(ctx)
		if p == nil {
			s[0] = uint64(wasix.ErrnoNosys)
			return
		}
		var errno wasix.Errno
		if t, errno = p.ClockTimeGet(id); errno != wasix.ErrnoSuccess {
			s[0] = uint64(errno)
			return
		}
	}
	// One Read, whose range check api.Memory promises, instead of span's
	// extra Size call: this path is measured against wazero's own.
	if m := mod.Memory(); m != nil {
		if b, ok := m.Read(uint32(s[2]), 8); ok && len(b) == 8 {
			binary.LittleEndian.PutUint64(b, t)
			s[0] = 0
			return
		}
	}
	s[0] = uint64(wasix.ErrnoFault)
}
