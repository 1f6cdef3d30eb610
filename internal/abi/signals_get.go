package abi

import (
	"context"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

func init() {
	genCalls[WasixCurrent]["proc_signals_sizes_get"] = procSignalsSizesGet
	genCalls[WasixCurrent]["proc_signals_get"] = procSignalsGet
	// proc_snapshot stays without a handler (ENOSYS): it asks the host to
	// save the whole process for a later restore, which needs a journal
	// this runtime does not keep. Wasmer with journaling off answers
	// success and does nothing, so no caller has learnt to expect ENOTSUP
	// from a runtime without snapshots; ENOSYS at least says plainly that
	// the call is missing.
}

// signalDispositionSize is the size of a signal_disposition record
// {sig u8, disp u8}.
const signalDispositionSize = 2

// proc_signals_sizes_get(count*): how many entries proc_signals_get writes.
// The C library calls the pair at startup and gives up on any error, so
// both succeed whenever the pointers are good.
func procSignalsSizesGet(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	return putResult(m, uint32(s[0]), func() (uint32, wasix.Errno) {
		return uint32(len(p.DispositionTable())), wasix.ErrnoSuccess
	})
}

// proc_signals_get(buf*): writes the process's signal dispositions, one
// per catchable signal, as many as proc_signals_sizes_get said.
func procSignalsGet(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	list := p.DispositionTable()
	buf, ok := span(m, uint32(s[0]), uint32(len(list))*signalDispositionSize)
	if !ok {
		return wasix.ErrnoFault
	}
	for i, d := range list {
		buf[i*signalDispositionSize] = byte(d.Sig)
		buf[i*signalDispositionSize+1] = byte(d.Disp)
	}
	return wasix.ErrnoSuccess
}

// signalDispositions decodes a signal_disposition_array of n records at
// ptr (proc_spawn2). A null pointer gives nil, which keeps the dispositions
// the child inherits; false when the array is out of range.
func signalDispositions(m api.Memory, ptr, n uint32) ([]kernel.SignalDisposition, bool) {
	if ptr == 0 {
		return nil, true
	}
	b, ok := span64(m, ptr, uint64(n)*signalDispositionSize)
	if !ok {
		return nil, false
	}
	list := make([]kernel.SignalDisposition, 0, n)
	for i := 0; i+signalDispositionSize <= len(b); i += signalDispositionSize {
		list = append(list, kernel.SignalDisposition{Sig: wasix.Signal(b[i]), Disp: kernel.Disposition(b[i+1])})
	}
	return list, true
}
