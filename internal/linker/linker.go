// Package linker is the runtime's dynamic linker: it instantiates a -pie
// main program with the side modules it needs (its dylink.0 "needed"
// list) in one memory and one function table, and loads more of them for
// dlopen. It follows the WebAssembly tool-conventions' DynamicLinking.md:
// each module's data goes where the linker places it (__memory_base), its
// table entries likewise (__table_base), symbols one module takes from
// another come as imports from "env" (functions) and as GOT.mem / GOT.func
// globals (addresses and table indexes), and the linker runs each module's
// __wasm_apply_data_relocs and __wasm_call_ctors.
//
// wazero links an import by module name to one instance, so an instance
// imports what it needs from generated modules that define or re-export
// it under the names it imports (env.go, gen.go): modules of its own, or,
// for the modules a thread makes at its start, its base, shared. A
// function of a module instantiated later (a side module calling back
// into the main program) is reached through a trampoline calling a slot
// of the shared table, filled once that module exists.
package linker

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/wasix-go/wasix/internal/wasmbin"
)

// Flags of dlopen (the current generation's dl_flags).
const (
	FlagLazy   = 1 << 0
	FlagNow    = 1 << 1
	FlagGlobal = 1 << 2
	FlagNoLoad = 1 << 3
)

// MainHandle is the handle of the main program.
const MainHandle = 1

// Config says where a linker finds what it links against.
type Config struct {
	// Runtime compiles and instantiates the modules.
	Runtime wazero.Runtime
	// Resolver gives the host modules (wasix_32v1, preview1, ...); its
	// "env" is the module holding the process's memory.
	Resolver experimental.ImportResolver
	// Read reads a library. Paths are absolute guest paths, or begin with
	// "$ORIGIN/" for the directory the main program was loaded from.
	Read func(path string) ([]byte, error)
	// MainPath is where the main program came from ("$ORIGIN/NAME" when it
	// was not read from the guest's filesystem); $ORIGIN in its rpath is
	// its directory.
	MainPath string
	// LibraryPath is LD_LIBRARY_PATH of the program's environment.
	LibraryPath []string
	// Cwd, if not nil, is the program's working directory, against which a
	// relative library path is made absolute when it is opened (so that
	// "./libx.so" opened from two directories is two libraries).
	Cwd func() string
	// Compile, if not nil, compiles the generated modules and keeps what
	// it compiles (the linker never closes its results): a runtime-wide
	// cache, so that a program run again links without compiling. nil
	// compiles with Runtime, closed with the linker.
	Compile func(ctx context.Context, wasm []byte) (wazero.CompiledModule, error)
	// Load, if not nil, does for a library what PrepareLibrary and
	// compiling the code it returns do, keeping both results (by content:
	// the same bytes read again need neither parsing nor compiling). nil
	// prepares here and compiles as Compile says.
	Load func(ctx context.Context, path string, wasm []byte) (*Binary, wazero.CompiledModule, error)
	// Cached, if not nil, returns what Load returned for the library at
	// path when it knows the file unchanged since (by its identity, not
	// its contents), so that the library is neither read nor hashed.
	Cached func(path string) (*Binary, wazero.CompiledModule, bool)
	// Plans, if not nil, keeps what a program's start-up generated for the
	// next start of the same program (see plan). Used only with Compile.
	Plans *Plans
	// StackSize is the size of the main thread's stack (default 8 MiB, as
	// wasixcc-eh links static programs).
	StackSize uint32
}

// Linker links one process's modules. Its methods are safe for concurrent
// use (threads may dlopen at once).
type Linker struct {
	cfg Config

	mu    sync.Mutex
	mods  []*module // by handle-1
	paths map[string]*module
	scope []*module // the global scope: main, what it needs, RTLD_GLOBAL
	main  *module

	base      api.Module // the main thread's table and stack pointer, and the tags
	mainTh    *thread
	threads   []*thread // the other threads' instances
	tableSize uint32
	nextSlot  uint32
	slots     map[slotKey]uint32

	mem      api.Memory
	shared   bool
	memNext  uint32 // the start-up layout's next free byte; running once 0
	running  bool
	stackLow uint32
	stackTop uint32
	heapBase uint32

	generated []api.Module
	compiled  []wazero.CompiledModule

	play *plan // the start-up plan being replayed, or nil
	rec  *plan // the start-up plan being recorded, or nil

	types        map[uint32]funcType // signature of each slot the linker filled, and closures'
	elemMods     []*module           // modules whose element segments fill slots (elemType)
	closures     map[uint32]bool     // slots given out by ClosureAllocate
	freeClosures []uint32
	closureDefs  map[uint32]closureDef // how each prepared closure was made, for new threads
}

// thread is one thread's instances of the linked modules. A funcref in a
// table calls the instance it came from, and instances own their stack
// pointer and thread-local base, so every thread has its own table of the
// same layout, filled with its own instances: a function pointer is the
// same number in every thread and calls that thread's code.
type thread struct {
	base    api.Module   // its table, stack pointer, grow function (tags: the main thread's)
	grow    api.Function // looked up on the first growth: most runs never grow the table
	insts   map[*module]api.Module
	callers map[string]api.Function // call_dynamic's helpers by signature
	exports map[string]api.Function // the main program's hidden functions called by name (Export)
	gen     []api.Module
}

type closureDef struct {
	backing, userData uint32
	params, results   []byte
}

type slotKey struct {
	handle uint32
	name   string
}

// module is one linked module.
type module struct {
	path      string
	bin       *Binary
	compiled  wazero.CompiledModule
	owned     bool // compiled here, closed with the linker
	inst      api.Module
	handle    uint32
	memBase   uint32
	tableBase uint32
	tlsBlock  uint32
	deps      []*module
	exports   map[string]exportEntry
}

func (m *module) instName() string { return "m" + strconv.Itoa(int(m.handle)) }

// New returns a linker.
func New(cfg Config) *Linker {
	if cfg.StackSize == 0 {
		cfg.StackSize = 8 << 20
	}
	return &Linker{cfg: cfg, paths: map[string]*module{}, slots: map[slotKey]uint32{}, memNext: 1024, nextSlot: 1,
		types: map[uint32]funcType{}, closures: map[uint32]bool{}, closureDefs: map[uint32]closureDef{}}
}

// Error is a failure the guest sees as a dlerror message.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

func errorf(format string, args ...any) error { return &Error{fmt.Sprintf(format, args...)} }

// LinkMain instantiates the main program (wasm, compiled), the side
// modules it needs, and everything they need, then applies relocations,
// sets up their thread-local data and runs their constructors (the main
// program's own run from its _start). ctx is the context of instantiation
// (the process, the memory allocator); its import resolver is replaced.
func (l *Linker) LinkMain(ctx context.Context, bin *Binary, compiled wazero.CompiledModule) (api.Module, error) {
	l.mu.Lock()
	inst, h, err := l.linkMain(ctx, bin, compiled)
	l.mu.Unlock()
	if err != nil {
		return nil, err
	}
	// Constructors run without the lock: one may dlopen.
	return inst, h.run(ctx, stepCtors)
}

func (l *Linker) linkMain(ctx context.Context, bin *Binary, compiled wazero.CompiledModule) (api.Module, *helper, error) {
	if bin.Dylink == nil {
		return nil, nil, errors.New("the program has no dylink.0 section: not a dynamically linked program")
	}
	memMod := l.cfg.Resolver("env")
	if memMod == nil || memMod.ExportedMemory("memory") == nil {
		return nil, nil, errors.New("a dynamically linked program must import env.memory")
	}
	l.mem = memMod.ExportedMemory("memory")
	l.shared = bin.shared
	main := l.add(l.cfg.MainPath, bin, compiled, false)
	l.main = main
	mods, err := l.loadNeeded(main, l.cfg.LibraryPath)
	if err != nil {
		return nil, nil, err
	}
	l.scope = append([]*module{main}, mods...)
	all := append([]*module{main}, mods...)
	// The stack first, the data after it, the heap (sbrk) last.
	l.stackTop = stackTop(l.cfg.StackSize)
	l.stackLow = l.stackTop - l.cfg.StackSize
	l.memNext = l.stackTop
	if err := l.place(ctx, nil, all); err != nil {
		return nil, nil, err
	}
	l.heapBase = alignUp(l.memNext, 16)
	if need := (uint64(l.memNext) + 65535) / 65536; need > uint64(l.mem.Size()/65536) {
		if _, ok := l.mem.Grow(uint32(need - uint64(l.mem.Size()/65536))); !ok {
			return nil, nil, errors.New("the memory cannot hold the program and its libraries")
		}
	}
	l.tableSize = l.nextSlot + tableSpare
	l.beginPlan(all)
	order := make([]*module, len(all)) // as instantiateAll instantiates them
	for i, m := range all {
		order[len(all)-1-i] = m
	}
	plans, merged, err := l.planEnvs(ctx, order)
	if err != nil {
		l.endPlan(false)
		return nil, nil, err
	}
	l.tableSize = max(l.tableSize, l.nextSlot+tableSpare) // the slots the plan gave out
	th, err := l.newThread(ctx, l.stackTop, nil, merged)
	if err != nil {
		l.endPlan(false)
		return nil, nil, err
	}
	l.mainTh, l.base = th, th.base
	h, err := l.instantiateAll(ctx, all, th, map[*module]wazero.CompiledModule{main: compiled}, plans)
	l.endPlan(err == nil)
	if err != nil {
		return nil, nil, err
	}
	l.running = true
	return main.inst, h, nil
}

// add records a module and gives it the next handle.
func (l *Linker) add(p string, bin *Binary, compiled wazero.CompiledModule, owned bool) *module {
	m := &module{path: p, bin: bin, compiled: compiled, owned: owned, handle: uint32(len(l.mods) + 1),
		exports: bin.exportMap}
	l.mods = append(l.mods, m)
	if p != "" {
		l.paths[p] = m
	}
	return m
}

// loadNeeded reads, parses and compiles, breadth first, the libraries
// root needs that are not loaded yet, and returns them in load order.
// Every module's deps are set, loaded ones included.
func (l *Linker) loadNeeded(root *module, ldpath []string) ([]*module, error) {
	var out []*module
	queue := []*module{root}
	for len(queue) > 0 {
		m := queue[0]
		queue = queue[1:]
		for _, name := range m.bin.Dylink.Needed {
			dep, fresh, err := l.open(name, m, ldpath)
			if err != nil {
				return nil, err
			}
			m.deps = append(m.deps, dep)
			if fresh {
				out = append(out, dep)
				queue = append(queue, dep)
			}
		}
	}
	return out, nil
}

// open finds a library by name as requester would (its rpath, then
// LD_LIBRARY_PATH, /lib, /usr/lib), or returns the loaded one. fresh is
// true for a module loaded by this call.
func (l *Linker) open(name string, requester *module, ldpath []string) (m *module, fresh bool, err error) {
	var candidates []string
	if strings.Contains(name, "/") {
		candidates = []string{l.absPath(name)}
	} else {
		for i, src := range []*module{requester, l.main} {
			if src == nil || src.bin.Dylink == nil || i == 1 && src == requester {
				continue
			}
			for _, rp := range src.bin.Dylink.RuntimePath {
				rp = strings.ReplaceAll(strings.ReplaceAll(rp, "${ORIGIN}", "$ORIGIN"), "$ORIGIN", path.Dir(src.path))
				candidates = append(candidates, path.Join(rp, name))
			}
		}
		for _, dir := range ldpath {
			if dir != "" {
				candidates = append(candidates, path.Join(dir, name))
			}
		}
		candidates = append(candidates, "/lib/"+name, "/usr/lib/"+name)
	}
	for _, c := range candidates {
		if m := l.paths[c]; m != nil {
			return m, false, nil
		}
	}
	for _, c := range candidates {
		if l.cfg.Cached != nil {
			if bin, compiled, ok := l.cfg.Cached(c); ok {
				return l.add(c, bin, compiled, false), true, nil
			}
		}
		wasm, err := l.cfg.Read(c)
		if err != nil {
			continue
		}
		bin, compiled, owned, err := l.load(context.Background(), c, wasm)
		if err != nil {
			return nil, false, errorf("%s: %v", c, err)
		}
		return l.add(c, bin, compiled, owned), true, nil
	}
	return nil, false, errorf("%s: cannot open shared object file: No such file or directory", name)
}

// place gives each module its memory (data, bss, thread-local block of
// the main thread) and its table slots.
func (l *Linker) place(ctx context.Context, th *thread, mods []*module) error {
	for _, m := range mods {
		d := m.bin.Dylink
		base, err := l.alloc(ctx, th, d.MemSize, uint32(1)<<d.MemAlign)
		if err != nil {
			return err
		}
		m.memBase = base
		m.tableBase = alignUp(l.nextSlot, uint32(1)<<d.TableAlign)
		l.nextSlot = m.tableBase + d.TableSize
		if m != l.main {
			if size := m.constGlobal("__tls_size"); size > 0 {
				align := max(m.constGlobal("__tls_align"), 1)
				if m.tlsBlock, err = l.alloc(ctx, th, size, align); err != nil {
					return err
				}
			}
		}
	}
	return l.ensureTable(ctx, l.nextSlot)
}

// constGlobal is the initial value of an exported constant global, or 0.
func (m *module) constGlobal(name string) uint32 {
	e, ok := m.exports[name]
	if !ok || e.kind != kindGlobal {
		return 0
	}
	if g := m.bin.exportedGlobal(e); g != nil && g.hasInit {
		return uint32(g.init)
	}
	return 0
}

// alloc reserves size bytes of zeroed memory: from the start-up layout
// before the program runs, from the program's own allocator after.
func (l *Linker) alloc(ctx context.Context, th *thread, size, align uint32) (uint32, error) {
	if align == 0 || align&(align-1) != 0 {
		return 0, errorf("bad alignment %d", align)
	}
	if !l.running {
		p := alignUp(l.memNext, align)
		if uint64(p)+uint64(size) > 1<<32-1<<20 {
			return 0, errorf("out of memory placing libraries")
		}
		l.memNext = p + size
		return p, nil
	}
	fn := th.insts[l.main].ExportedFunction("aligned_alloc")
	if fn == nil {
		return 0, errorf("the program exports no aligned_alloc to place a library's data in")
	}
	res, err := fn.Call(ctx, uint64(max(align, 16)), uint64(max(alignUp(size, align), 16)))
	if err != nil {
		return 0, err
	}
	p := uint32(res[0])
	if p == 0 {
		return 0, errorf("out of memory loading a library")
	}
	if !l.mem.Write(p, make([]byte, size)) {
		return 0, errorf("the library's memory is out of bounds")
	}
	return p, nil
}

// stackTop is where the main thread's stack of size bytes ends: the stack
// goes first, as wasm-ld's --stack-first lays out a static program (an
// overflow runs into the unused bottom of memory, not into data), and its
// top 1 MiB into a 2 MiB page, where the data and then the heap begin.
// What a program touches first, the top of its stack, its data and the
// start of its heap, then shares one transparent huge page: a start
// faults in (and the kernel clears) one 2 MiB page where a layout across
// two costs a second, and unmapping the memory at exit is cheaper too.
// The memory below the stack (up to 1 MiB) is never touched.
func stackTop(size uint32) uint32 {
	const huge = 2 << 20
	t := alignUp(size+1024, huge/2)
	if t%huge == 0 {
		t += huge / 2
	}
	return t
}

func alignUp(v, a uint32) uint32 {
	if a <= 1 {
		return v
	}
	return (v + a - 1) &^ (a - 1)
}

// tags are the exception tags every module shares, by their import name.
var tags = []string{"__c_longjmp", "__cpp_exception"}

var tagType = funcType{params: []byte{valI32}}

// newThread instantiates the module that owns what one thread's
// instances share: the indirect function table (with a function to grow
// it) and the stack pointer; the exception tags are defined once, by the
// main thread's, and imported by the others' (tagsFrom). It also holds
// the env of the modules the thread instantiates at its start (merged,
// see planEnvs).
func (l *Linker) newThread(ctx context.Context, sp uint32, tagsFrom api.Module, merged []envEntry) (*thread, error) {
	names := map[string]api.Module{"mem": l.cfg.Resolver("env")}
	if tagsFrom != nil {
		names["tags"] = tagsFrom
	}
	first := tagsFrom == nil
	var c wazero.CompiledModule
	var err error
	if l.play != nil && first {
		c = l.play.base
	} else if c, err = l.generate(ctx, l.baseModule(sp, !first, merged)); err != nil {
		return nil, err
	}
	if l.rec != nil && first {
		l.rec.base = c
	}
	inst, err := l.instantiateCode(ctx, c, names)
	if err != nil {
		return nil, err
	}
	return &thread{base: inst, insts: map[*module]api.Module{},
		callers: map[string]api.Function{}, exports: map[string]api.Function{}}, nil
}

// baseModule is the module of a thread's table, stack pointer (at sp),
// grow function and tags (imported from "tags" when importTags), and the
// env entries merged (the memory, if they have it, imported from "mem").
func (l *Linker) baseModule(sp uint32, importTags bool, merged []envEntry) *modBuilder {
	b := newModBuilder()
	idx := &baseIndices{tags: map[string]uint32{}}
	if importTags {
		for _, t := range tags {
			idx.tags[t] = b.importTag("tags", t, tagType)
			b.export(t, kindTag, idx.tags[t])
		}
	}
	for _, e := range merged {
		if e.kind == envMemory {
			b.importMemory("mem", "memory", l.shared)
			break
		}
	}
	b.table(l.tableSize)
	b.export("table", kindTable, 0)
	idx.sp = b.globalI32(true, sp)
	b.export("__stack_pointer", kindGlobal, idx.sp)
	if !importTags {
		for _, t := range tags {
			idx.tags[t] = b.tag(tagType)
			b.export(t, kindTag, idx.tags[t])
		}
	}
	b.export("grow", kindFunc, b.function(funcType{params: []byte{valI32}, results: []byte{valI32}}, growBody()))
	l.addEnv(b, merged, idx)
	return b
}

// allThreads is the main thread and the others.
func (l *Linker) allThreads() []*thread {
	if l.mainTh == nil {
		return nil
	}
	return append([]*thread{l.mainTh}, l.threads...)
}

// threadOf finds the thread an instance (the caller of a dl* call)
// belongs to; the main thread when none.
func (l *Linker) threadOf(caller api.Module) *thread {
	for _, th := range l.threads {
		for _, inst := range th.insts {
			if inst == caller {
				return th
			}
		}
	}
	return l.mainTh
}

// The table's free entries past the start-up layout, for the slots dlsym,
// GOT.func and closures give out; and the least it grows by when they
// are used up. A start makes each thread's table (8 bytes an entry in
// wazero, cleared), and grows it rarely.
const (
	tableSpare  = 128
	tableGrowth = 1024
)

// ensureTable makes the table hold at least n entries.
func (l *Linker) ensureTable(ctx context.Context, n uint32) error {
	if l.mainTh == nil || n <= l.tableSize {
		return nil
	}
	delta := max(n-l.tableSize, tableGrowth)
	for _, th := range l.allThreads() {
		if th.grow == nil {
			th.grow = th.base.ExportedFunction("grow")
		}
		res, err := th.grow.Call(ctx, uint64(delta))
		if err != nil {
			return err
		}
		if uint32(res[0]) == ^uint32(0) {
			return errorf("the function table cannot grow")
		}
	}
	l.tableSize += delta
	return nil
}

// ModuleConfig instantiates every module the runtime makes itself (the
// linker's, and the host's calls, memories and helpers): unnamed, with no
// start function (the linker runs constructors itself). It is made once,
// at first use, and with a random source of its own: wazero makes a
// module's system context at each instantiation, and without one it seeds
// a new math/rand generator each time (5 KiB and some 10 µs, for modules
// that never read it: the host, not wazero, answers random_get).
var ModuleConfig = sync.OnceValue(func() wazero.ModuleConfig {
	return wazero.NewModuleConfig().WithName("").WithStartFunctions().WithRandSource(rand.Reader).
		WithSysWalltime().WithSysNanotime()
})

// instantiateGenerated compiles and instantiates a generated module whose
// imports resolve through names.
func (l *Linker) instantiateGenerated(ctx context.Context, b *modBuilder, names map[string]api.Module) (api.Module, error) {
	c, err := l.generate(ctx, b)
	if err != nil {
		return nil, err
	}
	return l.instantiateCode(ctx, c, names)
}

// threadFunc instantiates b, a generated module over th's table, and
// returns its function name; the instance of a thread other than the
// main one is closed when that thread ends.
func (l *Linker) threadFunc(ctx context.Context, th *thread, b *modBuilder, name string) (api.Function, error) {
	inst, err := l.instantiateGenerated(ctx, b, map[string]api.Module{"base": th.base})
	if err != nil {
		return nil, err
	}
	if th != l.mainTh {
		th.gen = append(th.gen, inst)
	}
	return inst.ExportedFunction(name), nil
}

// generate compiles a generated module. What the linker compiles itself
// (no Config.Compile) it closes with the rest.
func (l *Linker) generate(ctx context.Context, b *modBuilder) (wazero.CompiledModule, error) {
	c, owned, err := l.compile(ctx, b.encode())
	if err != nil {
		return nil, fmt.Errorf("linker: generated module: %w", err)
	}
	if owned {
		l.compiled = append(l.compiled, c)
	}
	return c, nil
}

// instantiateCode instantiates a generated module's code, its imports
// resolved through names.
func (l *Linker) instantiateCode(ctx context.Context, c wazero.CompiledModule, names map[string]api.Module) (api.Module, error) {
	ictx := experimental.WithImportResolver(ctx, func(name string) api.Module { return names[name] })
	inst, err := l.cfg.Runtime.InstantiateModule(ictx, c, ModuleConfig())
	if err != nil {
		return nil, fmt.Errorf("linker: generated module: %w", err)
	}
	l.generated = append(l.generated, inst)
	return inst, nil
}

// instantiateAll instantiates new modules in every thread, dependencies
// first (so that calls from a program into its libraries are direct).
// Then each thread gets one generated module (helper) that fills its
// slots given out before their modules existed and makes the calls the
// new modules need there: in the thread caller, their relocations and
// thread-local blocks, and (later) their constructors; in the others,
// their thread-local blocks. It runs the first, and returns caller's
// helper, whose constructors (not the main program's, which its _start
// runs) the caller runs without the lock. code overrides a module's
// compiled code (the main program's).
func (l *Linker) instantiateAll(ctx context.Context, mods []*module, caller *thread, code map[*module]wazero.CompiledModule, plans map[*module]*envPlan) (*helper, error) {
	threads := l.allThreads()
	for _, th := range threads {
		for i := len(mods) - 1; i >= 0; i-- {
			c := mods[i].compiled
			if cc := code[mods[i]]; cc != nil {
				c = cc
			}
			var p *envPlan
			if th == l.mainTh {
				p = plans[mods[i]]
			}
			if err := l.instantiate(ctx, th, mods[i], c, p); err != nil {
				return nil, err
			}
		}
	}
	helpers := make([]*helper, len(threads))
	var ch *helper
	for k, th := range threads {
		// The start functions first, in every thread's instances, in the
		// order of instantiation, as wazero would have run them.
		init := startCalls(mods)
		var ctors []initCall
		for i := len(mods) - 1; i >= 0; i-- {
			m := mods[i]
			if th == caller && m.hasFunc("__wasm_apply_data_relocs") {
				init = append(init, initCall{m: m, name: "__wasm_apply_data_relocs", what: "relocations"})
			}
			c, err := l.tlsCall(ctx, th, caller, m)
			if err != nil {
				return nil, err
			}
			if c != nil {
				init = append(init, *c)
			}
			if th == caller && m != l.main && m.hasFunc("__wasm_call_ctors") {
				ctors = append(ctors, initCall{m: m, name: "__wasm_call_ctors", what: "constructors"})
			}
		}
		h, err := l.loadHelper(ctx, th, mods, init, ctors)
		if err != nil {
			return nil, err
		}
		helpers[k] = h
		if th == caller {
			ch = h
		}
	}
	// The caller's first: the new modules' relocations are applied before
	// any of their code runs in another thread.
	if err := ch.run(ctx, stepInit); err != nil {
		return nil, err
	}
	for _, h := range helpers {
		if h != ch {
			if err := h.run(ctx, stepInit); err != nil {
				return nil, err
			}
		}
	}
	return ch, nil
}

// startCalls are the calls of the start functions of mods (those the
// linker took out of their start sections), last first.
func startCalls(mods []*module) []initCall {
	var calls []initCall
	for i := len(mods) - 1; i >= 0; i-- {
		if m := mods[i]; m.bin.startName != "" {
			calls = append(calls, initCall{m: m, name: m.bin.startName, what: "start function"})
		}
	}
	return calls
}

// hasFunc says whether m exports a function name.
func (m *module) hasFunc(name string) bool {
	e, ok := m.exports[name]
	return ok && e.kind == kindFunc
}

// tlsCall is the call of a side module's __wasm_init_tls that gives its
// instance in th its block of thread-local data, nil when it has none:
// the main thread's block was placed with the module; another thread's
// comes from the caller's allocator (a dlopen) or, for a new thread, from
// the memory grown for it (never freed: a leak per thread and library).
func (l *Linker) tlsCall(ctx context.Context, th, caller *thread, m *module) (*initCall, error) {
	if m == l.main {
		return l.mainTLSCall(th), nil
	}
	size := m.constGlobal("__tls_size")
	if size == 0 || !m.hasFunc("__wasm_init_tls") {
		return nil, nil
	}
	block := m.tlsBlock
	if th != l.mainTh {
		align := max(m.constGlobal("__tls_align"), 1)
		var err error
		if caller != nil && caller.insts[l.main] != nil {
			block, err = l.alloc(ctx, caller, size, align)
		} else {
			block, err = l.growAlloc(size, align)
		}
		if err != nil {
			return nil, err
		}
	}
	return &initCall{m: m, name: "__wasm_init_tls", arg: &block, what: "thread-local data"}, nil
}

// mainTLSCall is the call that applies the main program's thread-local
// relocations in the main thread, nil when there are none to apply: its
// start function puts the thread-local block in place (at __tls_base) but,
// in a -pie program, leaves the pointers in it unrelocated (other threads'
// blocks get them from __wasm_init_tls in wasi_thread_start).
// Initialising the block again before the program ran changes nothing
// else. The block is read from __tls_base when the call is made: the
// start function, which sets it, runs just before.
func (l *Linker) mainTLSCall(th *thread) *initCall {
	if th != l.mainTh || l.main.constGlobal("__tls_size") == 0 || !l.main.hasFunc("__wasm_init_tls") {
		return nil
	}
	if e, ok := l.main.exports["__tls_base"]; !ok || e.kind != kindGlobal {
		return nil
	}
	return &initCall{m: l.main, name: "__wasm_init_tls", argGlobal: "__tls_base", what: "thread-local relocations"}
}

// growAlloc reserves zeroed memory by growing the memory, for when no
// thread can run the program's allocator.
func (l *Linker) growAlloc(size, align uint32) (uint32, error) {
	pages := (uint64(size) + uint64(align) + 65535) / 65536
	old, ok := l.mem.Grow(uint32(pages))
	if !ok {
		return 0, errorf("out of memory for thread-local data")
	}
	return alignUp(old*65536, align), nil
}

// internal reports the names every module exports for the linker, never
// symbols. (A switch rather than a map built at package initialisation,
// which every start of the CLI would pay for.)
func internal(name string) bool {
	switch name {
	case "__wasm_call_ctors", "__wasm_apply_data_relocs", "__wasm_apply_global_relocs",
		"__wasm_init_tls", "__wasm_init_memory", "__wasm_start", "__wasix_init_tls",
		"__tls_base", "__tls_size", "__tls_align", "__memory_base", "__table_base",
		"__stack_pointer", "__indirect_function_table", "memory", "_start":
		return true
	}
	return false
}

// lookupScope is where module m's undefined symbols are found: the global
// scope, then m and what it needs (a library opened RTLD_LOCAL).
func (l *Linker) lookupScope(m *module) []*module {
	return append(append([]*module(nil), l.scope...), l.tree(m)...)
}

// tree is m and everything it needs, breadth first, each once.
func (l *Linker) tree(m *module) []*module {
	seen := map[*module]bool{m: true}
	out := []*module{m}
	for i := 0; i < len(out); i++ {
		for _, d := range out[i].deps {
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	return out
}

// resolve finds the first definition of name in scope.
func resolve(scope []*module, name string) (*module, exportEntry, bool) {
	if internal(name) {
		return nil, exportEntry{}, false
	}
	for _, m := range scope {
		if e, ok := m.exports[name]; ok {
			switch e.kind {
			case kindFunc:
				return m, e, true
			case kindGlobal:
				if g := m.bin.exportedGlobal(e); g != nil && !g.mutable && g.valType == valI32 {
					return m, e, true
				}
			}
		}
	}
	return nil, exportEntry{}, false
}

// dataAddress is the address of a data symbol exported by m.
func (m *module) dataAddress(e exportEntry) (uint32, bool) {
	g := m.bin.exportedGlobal(e)
	if g == nil || !g.hasInit {
		return 0, false
	}
	if m.bin.Dylink.TLSExports[e.name] {
		// Thread-local: relative to the module's block of the main thread.
		if m.tlsBlock == 0 && m.inst != nil {
			if tb := m.inst.ExportedGlobal("__tls_base"); tb != nil {
				return uint32(tb.Get()) + uint32(g.init), true
			}
		}
		return m.tlsBlock + uint32(g.init), true
	}
	return m.memBase + uint32(g.init), true
}

// slot returns the table slot holding function name of m, giving it one
// (and filling it, once m is instantiated) on first use.
func (l *Linker) slot(ctx context.Context, m *module, name string) (uint32, error) {
	k := slotKey{m.handle, name}
	if s, ok := l.slots[k]; ok {
		return s, nil
	}
	// A function the module's own element segments put in the table
	// already has an address there: giving out another slot would make
	// &f in the module differ from &f anywhere else.
	if e, ok := m.exports[name]; ok && e.kind == kindFunc {
		if s, ok := m.ownSlot(e.index); ok {
			return s, nil
		}
	}
	s := l.nextSlot
	if err := l.ensureTable(ctx, s+1); err != nil {
		return 0, err
	}
	l.nextSlot++
	l.slots[k] = s
	for _, th := range l.allThreads() {
		if th.insts[m] != nil {
			if err := l.fill(ctx, th, m, map[string]uint32{name: s}); err != nil {
				return 0, err
			}
		}
	}
	return s, nil
}

// ownSlot is the table slot where m's element segments (at its
// __table_base) put function fn, if they do.
func (m *module) ownSlot(fn uint32) (uint32, bool) {
	off, ok := m.bin.ownOffset(fn)
	return m.tableBase + off, ok
}

// fill puts functions of m (instantiated) into their table slots.
func (l *Linker) fill(ctx context.Context, th *thread, m *module, slots map[string]uint32) error {
	var items []fillItem
	for name, s := range slots {
		items = append(items, fillItem{m, name, s})
	}
	h, err := l.fillMany(ctx, th, items, nil, nil)
	if err != nil {
		return err
	}
	return h.run(ctx, stepInit) // the hidden functions' slots, if any
}

// fillItem is one function to put into a table slot.
type fillItem struct {
	m    *module
	name string
	slot uint32
}

// initCall is a call into a module once it is instantiated: its
// relocations, its thread-local block, its constructors.
type initCall struct {
	m    *module
	name string  // the function it exports
	arg  *uint32 // the one argument (__wasm_init_tls's block), or none
	what string  // what an error calls it
	// argGlobal, if not "", is the module's exported i32 global whose
	// value when the call is made is the argument instead.
	argGlobal string
}

// The steps of a helper: its calls at instantiation, and the
// constructors, run later.
const (
	stepInit  = 0
	stepCtors = 1
)

// helper is the instance of a generated module that filled table slots
// and makes a load's calls into its modules: its function "run" makes
// the calls calls[step] in turn, after, at stepInit, filling the slots of
// functions the main program hides (fills), which no element segment can
// name.
type helper struct {
	inst  api.Module
	fn    api.Function // "run", looked up once: each lookup makes a call engine
	calls [2][]initCall
	fills bool
}

// run makes the calls of step; a trap is the error of the call that
// trapped. A nil helper calls nothing.
func (h *helper) run(ctx context.Context, step int) error {
	if h == nil || len(h.calls[step]) == 0 && (step != stepInit || !h.fills) {
		return nil
	}
	if h.fn == nil {
		h.fn = h.inst.ExportedFunction("run")
	}
	if _, err := h.fn.Call(ctx, uint64(step)); err != nil {
		if i := uint32(h.inst.ExportedGlobal("at").Get()); int(i) < len(h.calls[step]) {
			c := h.calls[step][i]
			return fmt.Errorf("%s: %s: %w", c.m.path, c.what, err)
		}
		return err
	}
	return nil
}

// fillMany puts functions of modules instantiated in th into th's table
// slots, with one generated module, which also gets the function that
// makes init's calls or ctors' (see helper); nil when it has nothing to
// do.
func (l *Linker) fillMany(ctx context.Context, th *thread, items []fillItem, init, ctors []initCall) (*helper, error) {
	if len(items) == 0 && len(init) == 0 && len(ctors) == 0 {
		return nil, nil
	}
	p, err := l.planHelper(ctx, items, init, ctors)
	if err != nil {
		return nil, err
	}
	return l.startHelper(ctx, th, p, init, ctors)
}

// helperPlan is a helper's code and what it imports from.
type helperPlan struct {
	code  wazero.CompiledModule
	from  []uint32   // the modules it imports functions from, by handle
	types []slotType // the signatures of the slots it fills
	fills bool       // its run fills slots of hidden functions first
}

type slotType struct {
	slot uint32
	t    funcType
}

// planHelper makes the code of a helper: it imports the functions of
// items and of the calls. The items are sorted so that the same program
// generates the same bytes (and hits the compilation cache).
func (l *Linker) planHelper(ctx context.Context, items []fillItem, init, ctors []initCall) (*helperPlan, error) {
	slices.SortFunc(items, func(a, b fillItem) int { return cmp.Compare(a.slot, b.slot) })
	p := &helperPlan{}
	b := newModBuilder()
	b.importTable("base", "table", 0)
	type elem struct{ slot, fn uint32 }
	var direct []elem
	getters := map[*module]uint32{}
	var fills []byte // code setting the slots of hidden functions
	for _, it := range items {
		e := it.m.exports[it.name]
		t, ok := it.m.bin.funcTypeOf(e.index)
		if !ok {
			return nil, errorf("%s: bad function %s", it.m.path, it.name)
		}
		p.types = append(p.types, slotType{it.slot, t})
		if k, hidden := it.m.hiddenFunc(it.name); hidden {
			g, ok := getters[it.m]
			if !ok {
				p.from = append(p.from, it.m.handle)
				g = b.importFunc(it.m.instName(), getterExport, getterType)
				getters[it.m] = g
			}
			fills = appendGetterFill(fills, it.slot, k, g)
			continue
		}
		p.from = append(p.from, it.m.handle)
		direct = append(direct, elem{it.slot, b.importFunc(it.m.instName(), it.name, t)})
	}
	var callFns [2][]uint32
	var args [2][][]byte // the code pushing each call's argument, if it has one
	var nres [2][]int
	for k, calls := range [2][]initCall{init, ctors} {
		for _, c := range calls {
			idx := c.m.exports[c.name].index
			if c.name == c.m.bin.startName {
				idx = uint32(c.m.bin.start) // exported by PrepareLibrary or PrepareMain
			}
			t, ok := c.m.bin.funcTypeOf(idx)
			var arg []byte
			switch {
			case c.arg != nil:
				arg = wasmbin.AppendSLEB([]byte{0x41}, int64(int32(*c.arg)))
			case c.argGlobal != "":
				g := b.importGlobal(c.m.instName(), c.argGlobal, valI32, true)
				arg = wasmbin.AppendULEB([]byte{0x23}, uint64(g))
			}
			want := 0
			if arg != nil {
				want = 1
			}
			if !ok || len(t.params) != want || want == 1 && t.params[0] != valI32 {
				return nil, errorf("%s: %s has an unexpected signature", c.m.path, c.name)
			}
			p.from = append(p.from, c.m.handle)
			callFns[k] = append(callFns[k], b.importFunc(c.m.instName(), c.name, t))
			args[k] = append(args[k], arg)
			nres[k] = append(nres[k], len(t.results))
		}
	}
	for _, e := range direct {
		b.elem(e.slot, e.fn)
	}
	at := b.globalI32(true, 0)
	b.export("at", kindGlobal, at)
	p.fills = len(fills) > 0
	if len(init) > 0 || len(ctors) > 0 || p.fills {
		body := runBody(append(fills, callsCode(at, callFns[stepInit], args[stepInit], nres[stepInit])...),
			callsCode(at, callFns[stepCtors], args[stepCtors], nres[stepCtors]))
		b.export("run", kindFunc, b.function(funcType{params: []byte{valI32}}, body))
	}
	var err error
	p.code, err = l.generate(ctx, b)
	return p, err
}

// startHelper instantiates a helper in th that makes the calls init and
// ctors (those its code was made for).
func (l *Linker) startHelper(ctx context.Context, th *thread, p *helperPlan, init, ctors []initCall) (*helper, error) {
	names := map[string]api.Module{"base": th.base}
	for _, h := range p.from {
		d := l.mods[h-1]
		names[d.instName()] = th.insts[d]
	}
	for _, st := range p.types {
		l.types[st.slot] = st.t
	}
	inst, err := l.instantiateCode(ctx, p.code, names)
	if err != nil {
		return nil, err
	}
	if th != l.mainTh {
		th.gen = append(th.gen, inst)
	}
	return &helper{inst: inst, calls: [2][]initCall{init, ctors}, fills: p.fills}, nil
}

// pending is what fills th's slots of the functions of mods given out
// before they had instances there.
func (l *Linker) pending(th *thread, mods []*module) []fillItem {
	in := map[uint32]*module{}
	for _, m := range mods {
		in[m.handle] = m
	}
	var items []fillItem
	for k, s := range l.slots {
		if m := in[k.handle]; m != nil {
			items = append(items, fillItem{m, k.name, s})
		}
	}
	return items
}

// address resolves a data symbol that m imports as a global: its address,
// the linker's own symbols (the stack bounds, the heap start) included; a
// weak symbol found nowhere is 0.
func (l *Linker) address(scope []*module, m *module, im importEntry) (uint32, error) {
	switch im.name {
	case "__stack_low":
		return l.stackLow, nil
	case "__stack_high":
		return l.stackTop, nil
	case "__heap_base":
		return l.heapBase, nil
	}
	if def, e, ok := resolve(scope, im.name); ok {
		if e.kind == kindGlobal {
			if v, ok := def.dataAddress(e); ok {
				return v, nil
			}
		}
		if e.kind == kindFunc {
			return 0, errorf("%s: %s is a function, imported as data", m.path, im.name)
		}
	}
	if m.bin.Dylink.Weak(im.module, im.name) {
		return 0, nil
	}
	return 0, errorf("%s: undefined symbol: %s", m.path, im.name)
}

// Open is dlopen: it loads the library name (and what it needs) unless it
// is loaded already, and returns its handle. An empty name is the main
// program.
func (l *Linker) Open(ctx context.Context, caller api.Module, name string, flags uint32, ldpath []string) (uint32, error) {
	l.mu.Lock()
	handle, h, err := l.open1(ctx, caller, name, flags, ldpath)
	l.mu.Unlock()
	if err != nil {
		return 0, err
	}
	// Constructors run without the lock: one may dlopen in turn. A
	// constructor that traps leaves the library loaded and is the error.
	return handle, h.run(ctx, stepCtors)
}

func (l *Linker) open1(ctx context.Context, caller api.Module, name string, flags uint32, ldpath []string) (uint32, *helper, error) {
	if name == "" {
		return MainHandle, nil, nil
	}
	if flags&FlagNoLoad != 0 {
		m := l.findLoaded(name, ldpath)
		if m == nil {
			return 0, nil, errorf("%s: not loaded", name)
		}
		l.makeGlobal(m, flags)
		return m.handle, nil, nil
	}
	before := len(l.mods)
	m, fresh, err := l.open(name, l.main, append(ldpath, l.cfg.LibraryPath...))
	if err != nil {
		return 0, nil, err
	}
	if !fresh {
		l.makeGlobal(m, flags)
		return m.handle, nil, nil
	}
	fail := func(err error) (uint32, *helper, error) {
		l.forget(before)
		return 0, nil, err
	}
	mods, err := l.loadNeeded(m, append(ldpath, l.cfg.LibraryPath...))
	if err != nil {
		return fail(err)
	}
	all := append([]*module{m}, mods...)
	th := l.threadOf(caller)
	if err := l.place(ctx, th, all); err != nil {
		return fail(err)
	}
	h, err := l.instantiateAll(ctx, all, th, nil, nil)
	if err != nil {
		return fail(err)
	}
	l.makeGlobal(m, flags)
	return m.handle, h, nil
}

// absPath cleans a library path, relative ones made absolute against the
// working directory when the linker knows it.
func (l *Linker) absPath(name string) string {
	if !path.IsAbs(name) && l.cfg.Cwd != nil {
		name = path.Join(l.cfg.Cwd(), name)
	}
	return path.Clean(name)
}

// findLoaded returns the loaded library name would open, or nil.
func (l *Linker) findLoaded(name string, ldpath []string) *module {
	if m := l.paths[l.absPath(name)]; m != nil {
		return m
	}
	for _, m := range l.mods {
		if path.Base(m.path) == name {
			return m
		}
	}
	return nil
}

// makeGlobal adds m and what it needs to the global scope for RTLD_GLOBAL.
func (l *Linker) makeGlobal(m *module, flags uint32) {
	if flags&FlagGlobal == 0 {
		return
	}
	in := map[*module]bool{}
	for _, s := range l.scope {
		in[s] = true
	}
	for _, t := range l.tree(m) {
		if !in[t] {
			l.scope = append(l.scope, t)
		}
	}
}

// forget drops the modules of a dlopen that failed. Their memory and
// table slots stay reserved: a failed load may have run code that kept
// pointers into them.
func (l *Linker) forget(keep int) {
	for _, m := range l.mods[keep:] {
		delete(l.paths, m.path)
		for _, th := range l.allThreads() {
			if inst := th.insts[m]; inst != nil {
				_ = inst.Close(context.Background())
				delete(th.insts, m)
			}
		}
		if m.owned {
			_ = m.compiled.Close(context.Background())
		}
		for k := range l.slots {
			if k.handle == m.handle {
				delete(l.slots, k)
			}
		}
	}
	l.mods = l.mods[:keep]
	for _, m := range l.mods {
		for i, d := range m.deps {
			if int(d.handle) > keep {
				m.deps = m.deps[:i]
				break
			}
		}
	}
}

// Sym is dlsym: the address of a data symbol, or the table index of a
// function, found in the library of handle and what it needs; for handle 0
// (RTLD_DEFAULT) and the main program's handle (dlopen(NULL)) in the
// global scope, as POSIX has it. A thread-local variable's address is the
// calling thread's copy.
func (l *Linker) Sym(ctx context.Context, caller api.Module, handle uint32, name string) (uint32, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	scope := l.scope
	if handle != 0 && handle != MainHandle {
		if handle > uint32(len(l.mods)) {
			return 0, errorf("invalid library handle %d", handle)
		}
		scope = l.tree(l.mods[handle-1])
	}
	def, e, ok := resolve(scope, name)
	if !ok {
		return 0, errorf("undefined symbol: %s", name)
	}
	if e.kind == kindFunc {
		return l.slot(ctx, def, name)
	}
	if def.bin.Dylink.TLSExports[name] {
		if inst := l.threadOf(caller).insts[def]; inst != nil {
			if tb := inst.ExportedGlobal("__tls_base"); tb != nil {
				if g := def.bin.exportedGlobal(e); g != nil && g.hasInit {
					return uint32(tb.Get()) + uint32(g.init), nil
				}
			}
		}
	}
	v, ok := def.dataAddress(e)
	if !ok {
		return 0, errorf("undefined symbol: %s", name)
	}
	return v, nil
}

// Valid says whether handle names a loaded library (or the main program).
func (l *Linker) Valid(handle uint32) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return handle >= 1 && handle <= uint32(len(l.mods))
}

// Close closes the side modules and the generated modules; the main
// program's instance and compiled code belong to the caller.
func (l *Linker) Close(ctx context.Context) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, th := range l.threads {
		for m, inst := range th.insts {
			if m != l.main {
				_ = inst.Close(ctx)
			}
		}
		for _, g := range append(th.gen, th.base) {
			_ = g.Close(ctx)
		}
	}
	l.threads = nil
	for _, m := range l.mods {
		if m == l.main {
			continue
		}
		if m.inst != nil {
			_ = m.inst.Close(ctx)
		}
		if m.owned {
			_ = m.compiled.Close(ctx)
		}
	}
	for _, g := range l.generated {
		_ = g.Close(ctx)
	}
	for _, c := range l.compiled {
		_ = c.Close(ctx)
	}
	l.mods, l.generated, l.compiled = nil, nil, nil
}

// LinkThread instantiates, for a new thread whose stack pointer starts at
// sp, every loaded module again (the main program from main, its own
// compiled code) over a table of its own, fills that table as the other
// threads' are, and gives each library its thread-local block. It returns
// the thread's instance of the main program and the function that
// releases the thread's instances when it ends. Libraries loaded later, by
// any thread, are instantiated in it too.
func (l *Linker) LinkThread(ctx context.Context, main wazero.CompiledModule, sp uint32) (api.Module, func(), error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.mainTh == nil {
		return nil, nil, errors.New("linker: no program linked")
	}
	// The thread's base holds the env of its instances, as the main
	// thread's does: they are made in the same order.
	order := make([]*module, len(l.mods))
	for i, m := range l.mods {
		order[len(l.mods)-1-i] = m
	}
	plans, merged, err := l.planEnvs(ctx, order)
	if err != nil {
		return nil, nil, err
	}
	th, err := l.newThread(ctx, sp, l.base, merged)
	if err != nil {
		return nil, nil, err
	}
	l.threads = append(l.threads, th)
	release := func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		for i, t := range l.threads {
			if t == th {
				l.threads = append(l.threads[:i], l.threads[i+1:]...)
				break
			}
		}
		for m, inst := range th.insts {
			if m != l.main { // the caller closes the main instance
				_ = inst.Close(context.Background())
			}
		}
		for _, g := range append(th.gen, th.base) {
			_ = g.Close(context.Background())
		}
	}
	fail := func(err error) (api.Module, func(), error) {
		l.mu.Unlock()
		release()
		l.mu.Lock()
		return nil, nil, err
	}
	for _, m := range order {
		c := m.compiled
		if m == l.main {
			c = main
		}
		if err := l.instantiate(ctx, th, m, c, plans[m]); err != nil {
			return fail(err)
		}
	}
	init := startCalls(l.mods)
	for _, m := range l.mods {
		c, err := l.tlsCall(ctx, th, nil, m)
		if err != nil {
			return fail(err)
		}
		if c != nil {
			init = append(init, *c)
		}
	}
	h, err := l.fillMany(ctx, th, l.pending(th, l.mods), init, nil)
	if err != nil {
		return fail(err)
	}
	if err := h.run(ctx, stepInit); err != nil {
		return fail(err)
	}
	for slot, d := range l.closureDefs {
		if err := l.prepareIn(ctx, th, slot, d); err != nil {
			return fail(err)
		}
	}
	return th.insts[l.main], release, nil
}

// load parses and compiles a library through the configured cache, or on
// its own; owned says the linker must close the compiled code.
func (l *Linker) load(ctx context.Context, path string, wasm []byte) (*Binary, wazero.CompiledModule, bool, error) {
	if l.cfg.Load != nil {
		bin, c, err := l.cfg.Load(ctx, path, wasm)
		return bin, c, false, err
	}
	bin, code, err := PrepareLibrary(wasm)
	if err != nil {
		return nil, nil, false, err
	}
	c, owned, err := l.compile(ctx, code)
	return bin, c, owned, err
}

// compile compiles wasm through the configured cache, or on its own;
// owned says the linker must close the result.
func (l *Linker) compile(ctx context.Context, wasm []byte) (wazero.CompiledModule, bool, error) {
	if l.cfg.Compile != nil {
		c, err := l.cfg.Compile(ctx, wasm)
		return c, false, err
	}
	c, err := l.cfg.Runtime.CompileModule(ctx, wasm)
	return c, err == nil, err
}
