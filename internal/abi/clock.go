package abi

import (
	"context"

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
	preview1Calls["clock_time_get"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		t, errno := p.ClockTimeGet(wasix.Clockid(uint32(s[0])))
		if errno != wasix.ErrnoSuccess {
			return errno
		}
		return put64(m, uint32(s[2]), t)
	}
	wasixCalls["clock_time_set"] = func(_ context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
		return p.ClockTimeSet(wasix.Clockid(uint32(s[0])), s[1])
	}
}
