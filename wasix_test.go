package wasix_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unsafe"

	"github.com/wasix-go/wasix"
)

func TestErrno(t *testing.T) {
	var err error = wasix.ErrnoBadf
	if !errors.Is(err, wasix.ErrnoBadf) || errors.Is(err, wasix.ErrnoNoent) {
		t.Error("errors.Is does not tell errnos apart")
	}
	if got := wasix.ErrnoBadf.Name(); got != "BADF" {
		t.Errorf("Name() = %q", got)
	}
	if got := wasix.Errno2big.Name(); got != "2BIG" {
		t.Errorf("Name() = %q", got)
	}
	if msg := wasix.ErrnoBadf.Error(); msg == "" || strings.HasSuffix(msg, ".") || msg != wasix.ErrnoBadf.Message() {
		t.Errorf("Error() = %q", msg)
	}
	if got := wasix.ErrnoBadf.String(); got != "badf" {
		t.Errorf("String() = %q", got)
	}
	// Codes the spec does not name are still printable: the Rust crate's
	// behaviour there is undefined, ours is not.
	for _, e := range []wasix.Errno{wasix.ErrnoNotcapable + 100, 65535} {
		if !strings.Contains(e.Error(), fmt.Sprint(uint16(e))) || !strings.HasPrefix(e.Name(), "ERRNO(") {
			t.Errorf("unknown errno %d: %q %q", uint16(e), e.Name(), e.Error())
		}
	}
	var be error = wasix.BusErrorInvalidHandle
	if be.Error() == "" || wasix.BusErrorInvalidHandle.Name() != "INVALID_HANDLE" {
		t.Errorf("BusError: %q %q", be.Error(), wasix.BusErrorInvalidHandle.Name())
	}
}

func TestUnionAccessors(t *testing.T) {
	var o wasix.OptionTimestamp
	o.SetSome(123456789)
	if o.Tag != wasix.OptionSome || o.Some() != 123456789 {
		t.Errorf("SetSome/Some: tag %d value %d", o.Tag, o.Some())
	}
	o.SetNone()
	if o.Tag != wasix.OptionNone || o.Some() != 0 {
		t.Errorf("SetNone left tag %d value %d", o.Tag, o.Some())
	}
	// The payload sits where the wasm32 ABI puts it.
	b := (*[16]byte)(unsafe.Pointer(&o))
	o.SetSome(0x0102030405060708)
	if b[0] != 1 || b[8] != 8 || b[15] != 1 {
		t.Errorf("layout of OptionTimestamp: % x", b[:])
	}
}

func TestLayoutsOnThisHost(t *testing.T) {
	for _, c := range []struct {
		name string
		got  uintptr
		want uintptr
	}{
		{"Filestat", unsafe.Sizeof(wasix.Filestat{}), 64},
		{"Fdstat", unsafe.Sizeof(wasix.Fdstat{}), 24},
		{"Fdstat.FsRightsBase", unsafe.Offsetof(wasix.Fdstat{}.FsRightsBase), 8},
		{"Event.Type", unsafe.Offsetof(wasix.Event{}.Type), 10},
		{"Subscription", unsafe.Sizeof(wasix.Subscription{}), 48},
		{"ThreadStart", unsafe.Sizeof(wasix.ThreadStart{}), 64},
		{"BusEvent", unsafe.Sizeof(wasix.BusEvent{}), 64},
		{"AddrPort", unsafe.Sizeof(wasix.AddrPort{}), 20},
	} {
		if c.got != c.want {
			t.Errorf("%s: %d, want %d", c.name, c.got, c.want)
		}
	}
	if wasix.DircookieStart != 0 || wasix.FdStdin != 0 || wasix.FdStdout != 1 || wasix.FdStderr != 2 {
		t.Error("hand-written constants changed")
	}
}
