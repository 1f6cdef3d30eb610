package linker

import (
	"context"
	"slices"
	"sync"

	"github.com/tetratelabs/wazero"
)

// A program's start-up links the same way every time its libraries are
// the same: they get the same places, the same symbols resolve to the
// same addresses and slots, and so every generated module has the same
// bytes. A plan keeps what linking a start-up generated (the compiled
// modules, what each imports from, which slots were given out), so that
// the next start of the program with those libraries instantiates them
// without resolving a symbol, writing a module or hashing it: half the
// linker's own time at start-up. Only the start-up of the main thread is
// planned; dlopen and new threads link as they always do.
type plan struct {
	bins   []*Binary // the modules, main first, in load order
	layout []uint32  // what place decided (checked before a replay)
	base   wazero.CompiledModule
	slots  []slotKey // the slots planning gave out, in order
	mods   []envPlan // in the order of instantiation
	helper *helperPlan
	calls  [2][]callRef // the helper's calls, which it was made for
}

// callRef is an initCall by the handle of its module.
type callRef struct {
	handle uint32
	name   string
	arg    uint32
	hasArg bool
	global string // argGlobal
}

// Plans keeps the start-up plans of a runtime's programs (see plan), by
// main program: one each, the last made.
type Plans struct {
	mu      sync.Mutex
	plans   map[*Binary]*plan
	replays int // start-ups that replayed a plan
}

// maxPlans bounds the programs whose plans a Plans keeps; past it one is
// dropped for each new one.
const maxPlans = 256

// replay returns the plan of main if it was made for the modules bins
// placed as layout says.
func (ps *Plans) replay(bins []*Binary, layout []uint32) *plan {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	p := ps.plans[bins[0]]
	if p == nil || !slices.Equal(p.bins, bins) || !slices.Equal(p.layout, layout) {
		return nil
	}
	ps.replays++
	return p
}

func (ps *Plans) put(main *Binary, p *plan) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.plans == nil {
		ps.plans = map[*Binary]*plan{}
	}
	if _, ok := ps.plans[main]; !ok && len(ps.plans) >= maxPlans {
		for k := range ps.plans {
			delete(ps.plans, k)
			break
		}
	}
	ps.plans[main] = p
}

// layoutOf is what place and linkMain decided for the start-up modules
// all: where each one's data and table slots went, the stack, the table.
func (l *Linker) layoutOf(all []*module) []uint32 {
	out := make([]uint32, 0, 3*len(all)+4)
	for _, m := range all {
		out = append(out, m.memBase, m.tableBase, m.tlsBlock)
	}
	b := uint32(0)
	if l.shared {
		b = 1
	}
	return append(out, l.stackLow, l.stackTop, l.tableSize, b)
}

// beginPlan makes the start-up of all replay the program's plan when it
// was made for the same modules placed the same way, or else record one.
// Generated modules the linker compiles itself (no Config.Compile) are
// closed with it, so they are never planned.
func (l *Linker) beginPlan(all []*module) {
	ps := l.cfg.Plans
	if ps == nil || l.cfg.Compile == nil {
		return
	}
	bins := make([]*Binary, len(all))
	for i, m := range all {
		bins[i] = m.bin
	}
	layout := l.layoutOf(all)
	if l.play = ps.replay(bins, layout); l.play != nil {
		return
	}
	l.rec = &plan{bins: bins, layout: layout}
}

// endPlan keeps the plan recorded by a start-up that succeeded.
func (l *Linker) endPlan(ok bool) {
	if l.rec != nil && ok {
		l.cfg.Plans.put(l.rec.bins[0], l.rec)
	}
	l.play, l.rec = nil, nil
}

// loadHelper is fillMany for a load of mods in th; at start-up, from the
// plan when it was made for these calls, or into the plan recorded.
func (l *Linker) loadHelper(ctx context.Context, th *thread, mods []*module, init, ctors []initCall) (*helper, error) {
	// Only a start-up compares or keeps the calls: a dlopen or a new
	// thread builds its helper as it always did.
	var calls [2][]callRef
	if l.play != nil || l.rec != nil {
		calls = [2][]callRef{refsOf(init), refsOf(ctors)}
	}
	if p := l.play; p != nil && th == l.mainTh && slices.Equal(p.calls[0], calls[0]) && slices.Equal(p.calls[1], calls[1]) {
		if p.helper == nil {
			return nil, nil
		}
		return l.startHelper(ctx, th, p.helper, init, ctors)
	}
	items := l.pending(th, mods)
	if len(items) == 0 && len(init) == 0 && len(ctors) == 0 {
		if l.rec != nil {
			l.rec.calls = calls
		}
		return nil, nil
	}
	hp, err := l.planHelper(ctx, items, init, ctors)
	if err != nil {
		return nil, err
	}
	if l.rec != nil {
		l.rec.helper, l.rec.calls = hp, calls
	}
	return l.startHelper(ctx, th, hp, init, ctors)
}

func refsOf(calls []initCall) []callRef {
	out := make([]callRef, len(calls))
	for i, c := range calls {
		out[i] = callRef{handle: c.m.handle, name: c.name, global: c.argGlobal}
		if c.arg != nil {
			out[i].arg, out[i].hasArg = *c.arg, true
		}
	}
	return out
}
