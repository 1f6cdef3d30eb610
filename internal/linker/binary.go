package linker

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/wasix-go/wasix/internal/wasmbin"
)

// The parts of a module the linker reads before instantiating it: what it
// imports and exports, the initial values of its exported globals (a data
// symbol's offset from __memory_base), and its dylink.0 section.

// Extern kinds of imports and exports.
const (
	kindFunc   = 0
	kindTable  = 1
	kindMemory = 2
	kindGlobal = 3
	kindTag    = 4
)

// Value types the linker writes.
const (
	valI32     = 0x7f
	valI64     = 0x7e
	valF32     = 0x7d
	valF64     = 0x7c
	valFuncref = 0x70
)

// funcType is a function signature in binary value types.
type funcType struct {
	params, results []byte
}

func (t funcType) key() string { return string(t.params) + "|" + string(t.results) }

type importEntry struct {
	module, name string
	kind         byte
	typ          uint32 // function type index or tag type index
	valType      byte   // globals
	mutable      bool   // globals
	tableMin     uint64 // tables
}

type exportEntry struct {
	name  string
	kind  byte
	index uint32
}

type globalDef struct {
	valType byte
	mutable bool
	// init is the value of an i32.const (or i64.const) initialiser; hasInit
	// is false for other expressions.
	init    int64
	hasInit bool
}

// Dylink is the content of a module's dylink.0 section.
type Dylink struct {
	MemSize, MemAlign     uint32 // bytes, and alignment as a power of two
	TableSize, TableAlign uint32
	Needed                []string
	RuntimePath           []string
	TLSExports            map[string]bool // exported symbols that are thread-local
	WeakImports           map[string]bool // "module.field" of weak imports (see Weak)
}

// Weak says whether the import module.name is of a weak symbol. wasm-ld
// records a symbol's binding under "env" whichever way it is imported: a
// weak function whose address is taken is imported as GOT.func.NAME and
// listed as env.NAME.
func (d *Dylink) Weak(module, name string) bool {
	return d.WeakImports[module+"."+name] || d.WeakImports["env."+name]
}

// Binary is a parsed module.
type Binary struct {
	types       []funcType
	imports     []importEntry
	funcs       []uint32 // type index of each defined function
	globals     []globalDef
	exports     []exportEntry
	exportMap   map[string]exportEntry // read-only once parsed
	elems       []elemSeg
	shared      bool // the memory it imports is shared
	importFuncs int
	importGlobs int
	Dylink      *Dylink // nil for a module without dylink.0
	start       int64   // the start function's index; -1 for none

	ownOnce sync.Once
	own     map[uint32]uint32 // function index -> its place past __table_base (ownOffset)
	// startName is the export the linker calls as the start function of a
	// module whose start section it removed (PrepareLibrary,
	// PrepareMain); "" when wazero runs it.
	startName string
	// hidden numbers the functions a main program's compiled code does
	// not export, by name (PrepareMain); nil for other modules.
	hidden map[string]uint32
	// renamed, for a library PrepareLibrary prepared, names its own
	// imports (see envImport); "" for other modules.
	renamed string
}

// elemSeg is an active element segment of table 0: its offset is the
// value of global (an imported __table_base, when global >= 0) plus add.
type elemSeg struct {
	global int
	add    int64
	funcs  []uint32
}

// errFormat reports a malformed module.
var errFormat = errors.New("malformed module")

// limitsMin reads a table's or memory's limits, keeping the minimum.
func limitsMin(r *wasmbin.Reader) (uint64, error) {
	l, err := r.Limits()
	return l.Min, err
}

// hasDylink reports whether wasm has a dylink.0 section (the mark of a
// -pie program or a side module), reading only its sections' headers:
// every start asks, and nearly every program has none.
func hasDylink(wasm []byte) bool {
	r, err := wasmbin.Sections(wasm)
	if err != nil {
		return false
	}
	for !r.Done() {
		id, body, err := r.Section()
		if err != nil {
			return false
		}
		if id != 0 {
			continue
		}
		s := wasmbin.NewReader(body)
		if n, err := s.U32(); err == nil {
			if name, err := s.Bytes(uint64(n)); err == nil && string(name) == "dylink.0" {
				return true
			}
		}
	}
	return false
}

// Parse reads the sections of a module that linking needs.
func Parse(wasm []byte) (*Binary, error) {
	r, err := wasmbin.Sections(wasm)
	if err != nil {
		return nil, err
	}
	b := &Binary{start: -1}
	for !r.Done() {
		id, body, err := r.Section()
		if err != nil {
			return nil, err
		}
		s := wasmbin.NewReader(body)
		switch id {
		case 0:
			name, err := s.Name()
			if err != nil {
				return nil, err
			}
			if name == "dylink.0" {
				if b.Dylink, err = parseDylink(s); err != nil {
					return nil, fmt.Errorf("dylink.0: %w", err)
				}
			}
		case 1:
			err = b.parseTypes(s)
		case 2:
			err = b.parseImports(s)
		case 3:
			var n int
			if n, err = s.Count(); err == nil {
				for i := 0; i < n && err == nil; i++ {
					var t uint32
					t, err = s.U32()
					b.funcs = append(b.funcs, t)
				}
			}
		case 6:
			err = b.parseGlobals(s)
		case 7:
			err = b.parseExports(s)
		case 8:
			var f uint32
			f, err = s.U32()
			b.start = int64(f)
		case 9:
			err = b.parseElems(s)
		}
		if err != nil {
			return nil, err
		}
	}
	b.exportMap = make(map[string]exportEntry, len(b.exports))
	for _, e := range b.exports {
		b.exportMap[e.name] = e
	}
	return b, nil
}

func (b *Binary) parseTypes(s *wasmbin.Reader) error {
	n, err := s.Count()
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		if form, err := s.Byte(); err != nil || form != 0x60 {
			return fmt.Errorf("type %d: not a function type", i)
		}
		var t funcType
		for _, dst := range []*[]byte{&t.params, &t.results} {
			k, err := s.Count()
			if err != nil {
				return err
			}
			v, err := s.Bytes(uint64(k))
			if err != nil {
				return err
			}
			*dst = append([]byte(nil), v...)
		}
		b.types = append(b.types, t)
	}
	return nil
}

func (b *Binary) parseImports(s *wasmbin.Reader) error {
	n, err := s.Count()
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		var im importEntry
		if im.module, err = s.Name(); err != nil {
			return err
		}
		if im.name, err = s.Name(); err != nil {
			return err
		}
		if im.kind, err = s.Byte(); err != nil {
			return err
		}
		switch im.kind {
		case kindFunc:
			im.typ, err = s.U32()
			if err == nil && int(im.typ) >= len(b.types) {
				err = errFormat
			}
			b.importFuncs++
		case kindTable:
			if _, err = s.Byte(); err == nil {
				im.tableMin, err = limitsMin(s)
			}
		case kindMemory:
			var l wasmbin.Limits
			l, err = s.Limits()
			b.shared = b.shared || l.Shared
		case kindGlobal:
			if im.valType, err = s.Byte(); err == nil {
				var m byte
				m, err = s.Byte()
				im.mutable = m == 1
			}
			b.importGlobs++
		case kindTag:
			if _, err = s.Byte(); err == nil {
				im.typ, err = s.U32()
			}
		default:
			return fmt.Errorf("import kind %d", im.kind)
		}
		if err != nil {
			return err
		}
		b.imports = append(b.imports, im)
	}
	return nil
}

func (b *Binary) parseGlobals(s *wasmbin.Reader) error {
	n, err := s.Count()
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		var g globalDef
		if g.valType, err = s.Byte(); err != nil {
			return err
		}
		m, err := s.Byte()
		if err != nil {
			return err
		}
		g.mutable = m == 1
		// The initialiser: a constant is kept; anything else is skipped
		// to its end.
		op, err := s.Byte()
		if err != nil {
			return err
		}
		switch op {
		case 0x41, 0x42:
			if g.init, err = s.SLEB(); err != nil {
				return err
			}
			g.hasInit = true
		}
		for op != 0x0b {
			if op, err = s.Byte(); err != nil {
				return err
			}
		}
		b.globals = append(b.globals, g)
	}
	return nil
}

func (b *Binary) parseExports(s *wasmbin.Reader) error {
	n, err := s.Count()
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		var e exportEntry
		if e.name, err = s.Name(); err != nil {
			return err
		}
		if e.kind, err = s.Byte(); err != nil {
			return err
		}
		if e.index, err = s.U32(); err != nil {
			return err
		}
		b.exports = append(b.exports, e)
	}
	return nil
}

// dylink.0 subsection types (tool-conventions DynamicLinking.md).
const (
	dylinkMemInfo     = 1
	dylinkNeeded      = 2
	dylinkExportInfo  = 3
	dylinkImportInfo  = 4
	dylinkRuntimePath = 5

	symbolTLS  = 0x100
	symbolWeak = 0x1
)

func parseDylink(s *wasmbin.Reader) (*Dylink, error) {
	d := &Dylink{TLSExports: map[string]bool{}, WeakImports: map[string]bool{}}
	for !s.Done() {
		typ, err := s.Byte()
		if err != nil {
			return nil, err
		}
		size, err := s.U64()
		if err != nil {
			return nil, err
		}
		body, err := s.Bytes(size)
		if err != nil {
			return nil, err
		}
		ss := wasmbin.NewReader(body)
		switch typ {
		case dylinkMemInfo:
			for _, p := range []*uint32{&d.MemSize, &d.MemAlign, &d.TableSize, &d.TableAlign} {
				if *p, err = ss.U32(); err != nil {
					return nil, err
				}
			}
		case dylinkNeeded, dylinkRuntimePath:
			n, err := ss.Count()
			if err != nil {
				return nil, err
			}
			for i := 0; i < n; i++ {
				name, err := ss.Name()
				if err != nil {
					return nil, err
				}
				if typ == dylinkNeeded {
					d.Needed = append(d.Needed, name)
				} else {
					d.RuntimePath = append(d.RuntimePath, name)
				}
			}
		case dylinkExportInfo:
			n, err := ss.Count()
			if err != nil {
				return nil, err
			}
			for i := 0; i < n; i++ {
				name, err := ss.Name()
				if err != nil {
					return nil, err
				}
				flags, err := ss.U32()
				if err != nil {
					return nil, err
				}
				if flags&symbolTLS != 0 {
					d.TLSExports[name] = true
				}
			}
		case dylinkImportInfo:
			n, err := ss.Count()
			if err != nil {
				return nil, err
			}
			for i := 0; i < n; i++ {
				mod, err := ss.Name()
				if err != nil {
					return nil, err
				}
				field, err := ss.Name()
				if err != nil {
					return nil, err
				}
				flags, err := ss.U32()
				if err != nil {
					return nil, err
				}
				if flags&symbolWeak != 0 {
					d.WeakImports[mod+"."+field] = true
				}
			}
		}
	}
	if d.MemAlign > 16 || d.TableAlign > 16 {
		return nil, fmt.Errorf("alignment 2^%d too large", max(d.MemAlign, d.TableAlign))
	}
	return d, nil
}

// ParseDynamic returns the parsed module if it must be linked by the
// dynamic linker (a -pie main or a side module, which has a dylink.0
// section and imports its __memory_base), nil otherwise. Any other module
// costs it a walk of the section headers only.
func ParseDynamic(wasm []byte) *Binary {
	if !hasDylink(wasm) {
		return nil
	}
	if b, err := Parse(wasm); err == nil && b.IsDynamic() {
		return b
	}
	return nil
}

// IsDynamic is ParseDynamic's test for a parsed module.
func (b *Binary) IsDynamic() bool {
	if b.Dylink == nil {
		return false
	}
	for _, im := range b.imports {
		if im.module == "env" && im.name == "__memory_base" {
			return true
		}
	}
	return false
}

// exportedGlobal returns the definition of the global that export e names,
// or nil when it is imported.
func (b *Binary) exportedGlobal(e exportEntry) *globalDef {
	i := int(e.index) - b.importGlobs
	if i < 0 || i >= len(b.globals) {
		return nil
	}
	return &b.globals[i]
}

// funcTypeOf returns the signature of the function with index i.
func (b *Binary) funcTypeOf(i uint32) (funcType, bool) {
	if int(i) < b.importFuncs {
		k := 0
		for _, im := range b.imports {
			if im.kind == kindFunc {
				if k == int(i) {
					return b.types[im.typ], true
				}
				k++
			}
		}
	}
	j := int(i) - b.importFuncs
	if j < 0 || j >= len(b.funcs) || int(b.funcs[j]) >= len(b.types) {
		return funcType{}, false
	}
	return b.types[b.funcs[j]], true
}

// parseElems reads the active segments of table 0 that list function
// indexes (what wasm-ld writes); others are skipped, their functions then
// unknown to reflection.
func (b *Binary) parseElems(s *wasmbin.Reader) error {
	n, err := s.Count()
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		flags, err := s.U32()
		if err != nil {
			return err
		}
		seg := elemSeg{global: -1}
		active := flags&1 == 0
		if flags&2 != 0 && active {
			if t, err := s.U32(); err != nil || t != 0 {
				return fmt.Errorf("element segment of table %d", t)
			}
		}
		if active {
			// The offset: i32.const, global.get, i32.add, end.
			for {
				op, err := s.Byte()
				if err != nil {
					return err
				}
				if op == 0x0b {
					break
				}
				switch op {
				case 0x41:
					v, err := s.SLEB()
					if err != nil {
						return err
					}
					seg.add += v
				case 0x23:
					g, err := s.U32()
					if err != nil {
						return err
					}
					seg.global = int(g)
				case 0x6a:
				default:
					return fmt.Errorf("element offset opcode %#x", op)
				}
			}
		}
		if flags&3 != 0 { // an element kind (or reference type) byte
			if _, err := s.Byte(); err != nil {
				return err
			}
		}
		k, err := s.Count()
		if err != nil {
			return err
		}
		for j := 0; j < k; j++ {
			if flags&4 != 0 { // expressions: ref.func f end, or ref.null
				op, err := s.Byte()
				if err != nil {
					return err
				}
				var f uint32
				if op == 0xd2 {
					if f, err = s.U32(); err != nil {
						return err
					}
				} else if _, err := s.Byte(); err != nil {
					return err
				}
				if _, err := s.Byte(); err != nil {
					return err
				}
				seg.funcs = append(seg.funcs, f)
				continue
			}
			f, err := s.U32()
			if err != nil {
				return err
			}
			seg.funcs = append(seg.funcs, f)
		}
		if active {
			b.elems = append(b.elems, seg)
		}
	}
	return nil
}

// startExport is the name a library's start function is exported under
// once PrepareLibrary has taken it out of the start section.
const startExport = "__wasix_linker_start"

// PrepareLibrary parses a side module, which must have a dylink.0 section,
// and returns it with the code to compile:
//   - the module without its start section, its start function exported
//     instead (the linker calls it from the module that makes a load's
//     other calls, see helper): wazero would give each start function a
//     call engine of its own (a 10 KiB stack) at each instantiation;
//   - its imports renamed (envField) so that everything it imports but
//     functions comes from one module, "env", under names no other
//     library gives another meaning: the libraries of a start-up then
//     share one generated module, the thread's base (see planEnvs).
func PrepareLibrary(wasm []byte) (*Binary, []byte, error) {
	bin, err := Parse(wasm)
	if err != nil {
		return nil, nil, err
	}
	if bin.Dylink == nil {
		return nil, nil, errors.New("not a shared library (no dylink.0 section)")
	}
	sum := sha256.Sum256(wasm)
	bin.renamed = hex.EncodeToString(sum[:8])
	var entry []byte
	if bin.start >= 0 {
		entry = appendName(nil, startExport)
		entry = wasmbin.AppendULEB(append(entry, kindFunc), uint64(bin.start))
	}
	out := append(make([]byte, 0, len(wasm)+len(entry)+256), wasm[:8]...)
	r, _ := wasmbin.Sections(wasm)
	exported := entry == nil
	for !r.Done() {
		id, body, err := r.Section()
		if err != nil {
			return nil, nil, err // Parse read it whole: not reached
		}
		switch {
		case id == 2:
			if body, err = bin.renameImports(body); err != nil {
				return nil, nil, err
			}
			out = appendSection(out, id, body)
		case id == 7 && !exported:
			s := wasmbin.NewReader(body)
			n, err := s.U32()
			if err != nil {
				return nil, nil, err
			}
			nb := wasmbin.AppendULEB(nil, uint64(n)+1)
			nb = append(append(nb, body[s.Offset():]...), entry...)
			out = appendSection(out, 7, nb)
			exported = true
		case id == 8 && entry != nil:
			// The export section comes before the start section: a
			// module without one gets it here.
			if !exported {
				out = appendSection(out, 7, append(wasmbin.AppendULEB(nil, 1), entry...))
				exported = true
			}
		default:
			out = appendSection(out, id, body)
		}
	}
	if entry != nil {
		bin.startName = startExport
	}
	return bin, out, nil
}

// envImport is the module and name a module renamed by PrepareLibrary or
// PrepareMain imports im under:
//   - a function F from a module of its own, "env:F", which the linker
//     links to the instance that defines F, or to the env that has a
//     stub for it: no module re-exports another's functions;
//   - GOT.mem.X and GOT.func.X from env under those names;
//   - its __memory_base and __table_base from env under names of its own
//     (the hash of a library's content, "main" for the main program);
//   - the rest as it is.
//
// Other modules import im as it is.
func (b *Binary) envImport(im importEntry) (module, name string) {
	if b.renamed == "" {
		return im.module, im.name
	}
	switch {
	case im.module == "env" && im.kind == kindFunc:
		return funcModule + im.name, im.name
	case im.module == "GOT.mem" || im.module == "GOT.func":
		return "env", im.module + "." + im.name
	case im.module == "env" && im.kind == kindGlobal && (im.name == "__memory_base" || im.name == "__table_base"):
		return "env", im.name + "@" + b.renamed
	}
	return im.module, im.name
}

// funcModule prefixes the module name of a function a renamed module
// imports (see envImport).
const funcModule = "env:"

// Linked says whether a dynamically linked module's import from module
// is the linker's to resolve: env's (its functions included, renamed or
// not) and the GOT's.
func Linked(module string) bool {
	return module == "env" || module == "GOT.mem" || module == "GOT.func" || strings.HasPrefix(module, funcModule)
}

// renameImports is the import section body of bin's code renamed as
// envImport says.
func (b *Binary) renameImports(body []byte) ([]byte, error) {
	return wasmbin.RenameImports(body, func(module, name string, kind byte) (string, string) {
		return b.envImport(importEntry{module: module, name: name, kind: kind})
	})
}

func appendSection(out []byte, id byte, body []byte) []byte {
	out = wasmbin.AppendULEB(append(out, id), uint64(len(body)))
	return append(out, body...)
}

// ownOffset is where, past the module's __table_base, its element segments
// put function fn, if they do (the first place when several). It is
// worked out once per Binary, which a runtime keeps for every load of the
// library.
func (b *Binary) ownOffset(fn uint32) (uint32, bool) {
	b.ownOnce.Do(func() {
		tb, k := -1, 0
		for _, im := range b.imports {
			if im.kind == kindGlobal {
				if im.module == "env" && im.name == "__table_base" {
					tb = k
				}
				k++
			}
		}
		b.own = map[uint32]uint32{}
		for _, seg := range b.elems {
			if seg.global != tb || tb < 0 {
				continue
			}
			for i, f := range seg.funcs {
				if _, dup := b.own[f]; !dup {
					b.own[f] = uint32(seg.add) + uint32(i)
				}
			}
		}
	})
	off, ok := b.own[fn]
	return off, ok
}
