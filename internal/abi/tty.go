package abi

import (
	"context"
	"encoding/binary"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

// Offsets in the tty record, the same in every generation; only current
// has line_feeds (at 21, padding before).
const (
	ttyCols, ttyRows, ttyWidth, ttyHeight = 0, 4, 8, 12
	ttyStdin, ttyStdout, ttyStderr        = 16, 17, 18
	ttyEcho, ttyLineBuffered, ttyLineFeed = 19, 20, 21
	ttySize                               = 24
)

func init() {
	for _, g := range []Generation{Wasix2022, WasixSeed, WasixCurrent} {
		lf := g == WasixCurrent
		genCalls[g]["tty_get"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
			return ttyGet(p, m, uint32(s[0]), lf)
		}
		genCalls[g]["tty_set"] = func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
			return ttySet(p, m, uint32(s[0]), lf)
		}
	}
}

func ttyGet(p *kernel.Process, m api.Memory, ptr uint32, lf bool) wasix.Errno {
	b, ok := span(m, ptr, ttySize)
	if !ok {
		return wasix.ErrnoFault
	}
	t, errno := p.TTYGet()
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	clear(b)
	le32(b[ttyCols:], t.Cols)
	le32(b[ttyRows:], t.Rows)
	le32(b[ttyWidth:], t.Width)
	le32(b[ttyHeight:], t.Height)
	b[ttyStdin], b[ttyStdout], b[ttyStderr] = bit(t.StdinTTY), bit(t.StdoutTTY), bit(t.StderrTTY)
	b[ttyEcho], b[ttyLineBuffered] = bit(t.Echo), bit(t.LineBuffered)
	if lf {
		b[ttyLineFeed] = bit(t.LineFeeds)
	}
	return wasix.ErrnoSuccess
}

func ttySet(p *kernel.Process, m api.Memory, ptr uint32, lf bool) wasix.Errno {
	b, ok := span(m, ptr, ttySize)
	if !ok {
		return wasix.ErrnoFault
	}
	cur, errno := p.TTYGet()
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	t := cur
	t.Cols, t.Rows = binary.LittleEndian.Uint32(b[ttyCols:]), binary.LittleEndian.Uint32(b[ttyRows:])
	t.Width, t.Height = binary.LittleEndian.Uint32(b[ttyWidth:]), binary.LittleEndian.Uint32(b[ttyHeight:])
	t.Echo, t.LineBuffered = b[ttyEcho] != 0, b[ttyLineBuffered] != 0
	if lf {
		t.LineFeeds = b[ttyLineFeed] != 0
	}
	return p.TTYSet(t)
}

func bit(v bool) byte {
	if v {
		return 1
	}
	return 0
}
