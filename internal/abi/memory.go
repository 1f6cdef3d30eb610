package abi

import (
	"errors"
	"fmt"

	"github.com/tetratelabs/wazero/experimental"
)

// MemoryImport is the memory a guest imports, as its binary declares it.
// wazero's api.MemoryDefinition does not say whether a memory is shared, so
// the runtime reads the import section itself.
type MemoryImport struct {
	Module, Name string
	Min          uint32 // pages
	Max          uint32 // pages; meaningful when HasMax
	HasMax       bool
	Shared       bool
}

// ImportedMemory returns the first memory wasm imports, or nil if it
// imports none. It reads only the section headers and the import section.
func ImportedMemory(wasm []byte) (*MemoryImport, error) {
	imported, _, err := Memories(wasm)
	return imported, err
}

// Memories returns the first memory wasm imports and the first it defines
// (Module and Name empty), each nil if there is none. It reads only the
// section headers, the import section and the memory section.
func Memories(wasm []byte) (imported, defined *MemoryImport, err error) {
	r := &reader{b: wasm}
	if len(wasm) < 8 || string(wasm[:4]) != "\x00asm" {
		return nil, nil, errors.New("not a WebAssembly binary")
	}
	r.pos = 8
	for r.pos < len(r.b) {
		id := r.byte()
		size := r.u32()
		end := r.pos + int(size)
		if r.err != nil || end > len(r.b) || end < r.pos {
			return nil, nil, errors.New("malformed WebAssembly binary")
		}
		switch id {
		case 2:
			if imported, err = r.imports(end); err != nil {
				return nil, nil, err
			}
		case 5:
			if n := r.u32(); n > 0 {
				flags, min, max := r.limits()
				if r.err != nil {
					return nil, nil, errors.New("malformed memory section")
				}
				defined = &MemoryImport{Min: uint32(min), Max: uint32(max), HasMax: flags&1 != 0, Shared: flags&2 != 0}
			}
		}
		r.pos = end
	}
	return imported, defined, nil
}

// LimitAllocator returns a memory allocator that gives each memory a
// fixed buffer of at most maxPages pages, reserved at once (the Go runtime
// maps large allocations lazily, so untouched pages cost nothing) and never
// moved, which shared memories require. Growth past it fails as
// memory.grow does at a memory's maximum.
func LimitAllocator(maxPages uint32) experimental.MemoryAllocator {
	limit := uint64(maxPages) << 16
	return experimental.MemoryAllocatorFunc(func(_, max uint64) experimental.LinearMemory {
		return &fixedMemory{buf: make([]byte, 0, min(max, limit))}
	})
}

// fixedMemory is a linear memory that never moves.
type fixedMemory struct{ buf []byte }

// Reallocate gives the buffer size bytes, or nil past its capacity.
func (m *fixedMemory) Reallocate(size uint64) []byte {
	if size > uint64(cap(m.buf)) {
		return nil
	}
	m.buf = m.buf[:size]
	return m.buf
}

// Free lets the garbage collector have the buffer.
func (m *fixedMemory) Free() { m.buf = nil }

// imports scans the import section for the first memory.
func (r *reader) imports(end int) (*MemoryImport, error) {
	n := r.u32()
	for i := uint32(0); i < n && r.err == nil && r.pos < end; i++ {
		module, name := r.name(), r.name()
		switch kind := r.byte(); kind {
		case 0: // function: type index
			r.u32()
		case 1: // table: reference type and limits
			r.byte()
			r.limits()
		case 2: // memory
			flags, min, max := r.limits()
			if r.err != nil {
				break
			}
			if flags&4 != 0 {
				return nil, fmt.Errorf("%s.%s is a 64-bit memory, which this runtime does not support", module, name)
			}
			return &MemoryImport{Module: module, Name: name, Min: uint32(min), Max: uint32(max),
				HasMax: flags&1 != 0, Shared: flags&2 != 0}, nil
		case 3: // global: value type and mutability
			r.byte()
			r.byte()
		case 4: // tag: attribute and type index
			r.byte()
			r.u32()
		default:
			return nil, fmt.Errorf("import %s.%s has unknown kind %d", module, name, kind)
		}
	}
	if r.err != nil {
		return nil, errors.New("malformed import section")
	}
	return nil, nil
}

type reader struct {
	b   []byte
	pos int
	err error
}

func (r *reader) byte() byte {
	if r.pos >= len(r.b) {
		r.err = errors.New("unexpected end")
		return 0
	}
	c := r.b[r.pos]
	r.pos++
	return c
}

func (r *reader) u64() uint64 {
	var v uint64
	for shift := 0; shift < 70; shift += 7 {
		c := r.byte()
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v
		}
	}
	r.err = errors.New("bad LEB128")
	return 0
}

func (r *reader) u32() uint32 { return uint32(r.u64()) }

func (r *reader) name() string {
	n := int(r.u32())
	if r.err != nil || r.pos+n > len(r.b) || n < 0 {
		r.err = errors.New("bad name")
		return ""
	}
	s := string(r.b[r.pos : r.pos+n])
	r.pos += n
	return s
}

func (r *reader) limits() (flags byte, min, max uint64) {
	flags = r.byte()
	min = r.u64()
	if flags&1 != 0 {
		max = r.u64()
	}
	return
}

// memoryModule returns a WebAssembly binary that defines one memory with the
// given limits and exports it as "memory". A guest importing env.memory is
// linked against an instance of it, one per process.
func memoryModule(min, max uint32, shared bool) []byte {
	flags := byte(1) // a maximum is always given: it is how limits apply
	if shared {
		flags = 3
	}
	limits := append([]byte{1, flags}, leb(min)...) // one memory
	limits = append(limits, leb(max)...)
	export := append([]byte{1, 6}, "memory"...) // one export, a 6-byte name
	export = append(export, 2, 0)               // memory 0

	b := []byte("\x00asm\x01\x00\x00\x00")
	b = append(b, 5)
	b = append(b, leb(uint32(len(limits)))...)
	b = append(b, limits...)
	b = append(b, 7)
	b = append(b, leb(uint32(len(export)))...)
	return append(b, export...)
}

func leb(v uint32) []byte {
	var b []byte
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}
