package linker

import (
	"context"
	"fmt"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// A module's env is what it imports other than the host's calls: the
// memory, the table, the stack pointer, the exception tags, its bases,
// the addresses of the data and the slots of the functions it names
// (GOT.mem, GOT.func, env globals), and the functions it calls in other
// modules. The linker generates it: a module of its own, instantiated
// just before the module; or, for the modules a thread instantiates at
// its start, the thread's base, which then holds the env of all of them
// (planEnvs): each instance costs wazero some microseconds, however
// small it is.

// envKind is what an env export is.
type envKind uint8

const (
	envMemory envKind = iota // the memory
	envTable                 // the thread's table
	envStack                 // the thread's stack pointer
	envTag                   // the exception tag name
	envConst                 // an i32 global of value v
	envStub                  // a function that calls slot v of the table
	envTrap                  // a weak function defined nowhere: a trap
	envFrom                  // the function of module handle v's instance, re-exported
	envGrow                  // the base's function that grows the table
)

// envEntry is one export of an env: ns and name are the module and name
// the module's compiled code imports it under (see Binary.envImport).
type envEntry struct {
	ns, name string
	kind     envKind
	v        uint32
	mutable  bool
	t        funcType // a function's or a tag's signature
}

// same says whether e and o are the same export (two modules importing
// the same thing under the same name).
func (e *envEntry) same(o *envEntry) bool {
	return e.ns == o.ns && e.name == o.name && e.kind == o.kind && e.v == o.v && e.mutable == o.mutable &&
		e.t.key() == o.t.key()
}

// envPlan is how a module is instantiated: over the env modules made for
// it (its env, and for a module not renamed its GOT modules unless the
// GOT fits in its env), or over the thread's base (inBase).
type envPlan struct {
	env             wazero.CompiledModule
	inBase          bool
	gotInEnv        bool
	gotMem, gotFunc wazero.CompiledModule // nil when empty
	gotShared       bool                  // gotMem holds GOT.func too
	from            []uint32              // the modules env imports functions from, by handle
	// direct links a renamed module's import modules of functions
	// ("env:F") to the modules that define them, by handle: instances in
	// the thread before it.
	direct map[string]uint32
}

// envNeeds is what a module imports from env (es), and the functions it
// imports from modules already instantiated: through env (from, a module
// not renamed) or directly (direct, see envPlan).
type envNeeds struct {
	es     []envEntry
	from   []uint32
	direct map[string]uint32
}

// instantiate instantiates m in th over p, or over an env made for it now
// when p is nil.
func (l *Linker) instantiate(ctx context.Context, th *thread, m *module, code wazero.CompiledModule, p *envPlan) error {
	if p == nil {
		n, err := l.envEntries(ctx, m, func(d *module) bool { return th.insts[d] != nil })
		if err != nil {
			return err
		}
		if p, err = l.envModules(ctx, m, n); err != nil {
			return err
		}
	}
	envInst := th.base
	if !p.inBase {
		names := map[string]api.Module{"base": th.base, "mem": l.cfg.Resolver("env"), "tags": l.base}
		for _, h := range p.from {
			d := l.mods[h-1]
			names[d.instName()] = th.insts[d]
		}
		var err error
		if envInst, err = l.instantiateCode(ctx, p.env, names); err != nil {
			return fmt.Errorf("%s: %w", m.path, err)
		}
	}
	memInst, funcInst := envInst, envInst
	if !p.gotInEnv && !p.inBase {
		memInst, funcInst = nil, nil
		var err error
		if p.gotMem != nil {
			if memInst, err = l.instantiateCode(ctx, p.gotMem, nil); err != nil {
				return err
			}
		}
		if p.gotShared {
			funcInst = memInst
		} else if p.gotFunc != nil {
			if funcInst, err = l.instantiateCode(ctx, p.gotFunc, nil); err != nil {
				return err
			}
		}
	}
	resolver := func(name string) api.Module {
		switch name {
		case "env":
			return envInst
		case "GOT.mem":
			return memInst
		case "GOT.func":
			return funcInst
		}
		if h, ok := p.direct[name]; ok {
			return th.insts[l.mods[h-1]]
		}
		if strings.HasPrefix(name, funcModule) && m.bin.renamed != "" {
			return envInst // a stub's
		}
		return l.cfg.Resolver(name)
	}
	inst, err := l.cfg.Runtime.InstantiateModule(experimental.WithImportResolver(ctx, resolver), code, ModuleConfig())
	if err != nil {
		return fmt.Errorf("%s: %w", m.path, err)
	}
	th.insts[m] = inst
	if th == l.mainTh {
		m.inst = inst
		l.elemMods = append(l.elemMods, m)
	} else if !p.inBase {
		th.gen = append(th.gen, envInst)
		if memInst != nil && memInst != envInst {
			th.gen = append(th.gen, memInst)
		}
		if funcInst != nil && funcInst != memInst && funcInst != envInst {
			th.gen = append(th.gen, funcInst)
		}
	}
	return nil
}

// envEntries is what m imports from env (and GOT.mem, GOT.func): its
// memory, table and stack pointer, its bases, the functions it imports
// (from their instances when before says they have one, else through a
// table slot) and the addresses and slots of its GOT.
func (l *Linker) envEntries(ctx context.Context, m *module, before func(*module) bool) (n envNeeds, err error) {
	scope := l.lookupScope(m)
	fail := func(err error) (envNeeds, error) { return envNeeds{}, err }
	for _, im := range m.bin.imports {
		ns, name := m.bin.envImport(im)
		e := envEntry{ns: ns, name: name}
		switch im.module {
		case "env":
			switch im.kind {
			case kindMemory:
				e.kind = envMemory
			case kindTable:
				e.kind = envTable
			case kindTag:
				known := false
				for _, t := range tags {
					known = known || t == im.name
				}
				if !known {
					return fail(errorf("%s: unknown exception tag %s", m.path, im.name))
				}
				e.kind, e.t = envTag, m.bin.types[im.typ]
			case kindGlobal:
				e.kind, e.mutable = envConst, im.mutable
				switch im.name {
				case "__stack_pointer":
					e.kind, e.mutable = envStack, true
				case "__memory_base":
					e.v = m.memBase
				case "__table_base":
					e.v = m.tableBase
				default:
					if e.v, err = l.address(scope, m, im); err != nil {
						return fail(err)
					}
				}
			case kindFunc:
				e.t = m.bin.types[im.typ]
				def, ex, ok := resolve(scope, im.name)
				if ok && ex.kind != kindFunc {
					ok = false
				}
				if !ok {
					if m.bin.Dylink.Weak(im.module, im.name) {
						e.kind = envTrap
						break
					}
					return fail(errorf("%s: undefined symbol: %s", m.path, im.name))
				}
				if dt, _ := def.bin.funcTypeOf(ex.index); dt.key() != e.t.key() {
					return fail(errorf("%s: symbol %s of %s has another signature", m.path, im.name, def.path))
				}
				// A function the main program hides (PrepareMain) is
				// called through its slot, as one not instantiated yet.
				if _, hidden := def.hiddenFunc(im.name); before(def) && !hidden {
					if m.bin.renamed != "" {
						if n.direct == nil {
							n.direct = map[string]uint32{}
						}
						n.direct[ns] = def.handle
						continue
					}
					n.from = append(n.from, def.handle)
					e.kind, e.v = envFrom, def.handle
					break
				}
				e.kind = envStub
				if e.v, err = l.planSlot(ctx, def, im.name); err != nil {
					return fail(err)
				}
			default:
				return fail(errorf("%s: cannot import %s.%s of this kind", m.path, im.module, im.name))
			}
		case "GOT.mem":
			e.kind, e.mutable = envConst, true
			if e.v, err = l.address(scope, m, im); err != nil {
				return fail(err)
			}
		case "GOT.func":
			e.kind, e.mutable = envConst, true
			def, ex, ok := resolve(scope, im.name)
			switch {
			case ok && ex.kind == kindFunc:
				if e.v, err = l.planSlot(ctx, def, im.name); err != nil {
					return fail(err)
				}
			case !m.bin.Dylink.Weak(im.module, im.name):
				return fail(errorf("%s: undefined symbol: %s", m.path, im.name))
			}
		default:
			continue
		}
		n.es = append(n.es, e)
	}
	return n, nil
}

// planSlot is l.slot, recorded when a start-up plan is recorded: a replay
// gives out the same slots in the same order.
func (l *Linker) planSlot(ctx context.Context, m *module, name string) (uint32, error) {
	if l.rec != nil {
		l.rec.slots = append(l.rec.slots, slotKey{m.handle, name})
	}
	return l.slot(ctx, m, name)
}

// baseIndices are where a thread's base has what an env merged into it
// exports: the memory is its only one, the table its only one.
type baseIndices struct {
	sp   uint32
	tags map[string]uint32
}

// addEnv adds the entries es to b, as a module of their own (base nil):
// it imports the memory from "mem", the table and stack pointer from
// "base", the tags from "tags" and re-exported functions from their
// modules' instances; or to a thread's base, which has the memory,
// table, stack pointer and tags itself (base), and exports them under
// these names too unless it does already.
func (l *Linker) addEnv(b *modBuilder, es []envEntry, base *baseIndices) {
	idx := make([]uint32, len(es))
	for i, e := range es { // imports come before any definition
		switch {
		case base != nil:
		case e.kind == envMemory:
			b.importMemory("mem", "memory", l.shared)
		case e.kind == envTable:
			b.importTable("base", "table", 0)
		case e.kind == envStack:
			idx[i] = b.importGlobal("base", "__stack_pointer", valI32, true)
		case e.kind == envTag:
			idx[i] = b.importTag("tags", e.name, e.t)
		case e.kind == envFrom:
			idx[i] = b.importFunc(l.mods[e.v-1].instName(), e.name, e.t)
		}
	}
	for i, e := range es {
		if b.nExport[e.name] {
			continue // the base's own
		}
		switch e.kind {
		case envMemory:
			b.export(e.name, kindMemory, 0)
		case envTable:
			b.export(e.name, kindTable, 0)
		case envStack:
			if base != nil {
				idx[i] = base.sp
			}
			b.export(e.name, kindGlobal, idx[i])
		case envTag:
			if base != nil {
				idx[i] = base.tags[e.name]
			}
			b.export(e.name, kindTag, idx[i])
		case envFrom:
			b.export(e.name, kindFunc, idx[i])
		case envStub:
			b.export(e.name, kindFunc, b.function(e.t, callIndirectBody(b.typeOf(e.t), e.t, e.v)))
		case envTrap:
			b.export(e.name, kindFunc, b.function(e.t, unreachableBody()))
		case envConst:
			b.export(e.name, kindGlobal, b.globalI32(e.mutable, e.v))
		}
	}
}

// envModules makes the env of m (n) a module of its own; a module not
// renamed gets its GOT in it too unless a name is in two namespaces,
// then GOT.mem and GOT.func get one module, or one each when they share
// a name too; none when empty.
func (l *Linker) envModules(ctx context.Context, m *module, n envNeeds) (*envPlan, error) {
	p := &envPlan{from: n.from, direct: n.direct}
	es := n.es
	var env, gotMem, gotFunc []envEntry
	names := map[string]string{} // export name -> the namespace that has it first
	envClash, clash := false, false
	for _, e := range es {
		switch e.ns {
		case "GOT.mem":
			gotMem = append(gotMem, e)
		case "GOT.func":
			gotFunc = append(gotFunc, e)
		default:
			env = append(env, e)
		}
	}
	for _, e := range env {
		names[e.name] = "env"
	}
	for _, e := range gotMem {
		envClash = envClash || names[e.name] == "env"
		if names[e.name] == "" {
			names[e.name] = "GOT.mem"
		}
	}
	for _, e := range gotFunc {
		envClash = envClash || names[e.name] == "env"
		clash = clash || names[e.name] == "GOT.mem"
	}
	gotModule := func(entries ...[]envEntry) (wazero.CompiledModule, error) {
		b := newModBuilder()
		k := 0
		for _, es := range entries {
			l.addEnv(b, es, nil)
			k += len(es)
		}
		if k == 0 {
			return nil, nil
		}
		return l.generate(ctx, b)
	}
	var err error
	switch {
	case !envClash && !clash:
		p.gotInEnv = true
		env = append(append(env, gotMem...), gotFunc...)
	case clash:
		if p.gotMem, err = gotModule(gotMem); err != nil {
			return nil, err
		}
		if p.gotFunc, err = gotModule(gotFunc); err != nil {
			return nil, err
		}
	default:
		if p.gotMem, err = gotModule(gotMem, gotFunc); err != nil {
			return nil, err
		}
		p.gotShared = true
	}
	b := newModBuilder()
	l.addEnv(b, env, nil)
	if p.env, err = l.generate(ctx, b); err != nil {
		return nil, fmt.Errorf("%s: %w", m.path, err)
	}
	return p, nil
}

// planEnvs plans the env of the modules a new thread instantiates (the
// main thread's at start-up, or another's), in the order it instantiates
// them (order), knowing which come before which. The modules
// PrepareLibrary or PrepareMain renamed share the thread's base: their
// entries (merged) go into it, unless one disagrees with another's under
// the same name (the same library loaded twice). The others get env
// modules of their own. A replayed start-up plan gives out the slots it
// recorded and has the rest.
func (l *Linker) planEnvs(ctx context.Context, order []*module) (map[*module]*envPlan, []envEntry, error) {
	plans := make(map[*module]*envPlan, len(order))
	if p := l.play; p != nil {
		for _, k := range p.slots {
			if _, err := l.slot(ctx, l.mods[k.handle-1], k.name); err != nil {
				return nil, nil, err
			}
		}
		for i, m := range order {
			plans[m] = &p.mods[i]
		}
		return plans, nil, nil
	}
	// The base's own exports, which an env must mean the same by.
	merged := []envEntry{{name: "table", kind: envTable}, {name: "grow", kind: envGrow},
		{ns: "env", name: "__stack_pointer", kind: envStack, mutable: true}}
	for _, t := range tags {
		merged = append(merged, envEntry{ns: "env", name: t, kind: envTag, t: tagType})
	}
	own := len(merged)
	byName := map[string]int{}
	for i, e := range merged {
		byName[e.name] = i
	}
	before := map[*module]bool{}
	for _, m := range order {
		n, err := l.envEntries(ctx, m, func(d *module) bool { return before[d] })
		if err != nil {
			return nil, nil, err
		}
		before[m] = true
		agrees := m.bin.renamed != ""
		for i := 0; agrees && i < len(n.es); i++ {
			if k, ok := byName[n.es[i].name]; ok && !merged[k].same(&n.es[i]) {
				agrees = false
			}
		}
		if agrees {
			for _, e := range n.es {
				if _, ok := byName[e.name]; !ok {
					byName[e.name] = len(merged)
					merged = append(merged, e)
				}
			}
			plans[m] = &envPlan{inBase: true, direct: n.direct}
			continue
		}
		if plans[m], err = l.envModules(ctx, m, n); err != nil {
			return nil, nil, err
		}
	}
	if l.rec != nil {
		for _, m := range order {
			l.rec.mods = append(l.rec.mods, *plans[m])
		}
	}
	return plans, merged[own:], nil
}
