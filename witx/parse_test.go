package witx_test

import (
	"strings"
	"testing"

	"github.com/wasix-go/wasix/witx"
)

const sample = `
;; A small spec exercising every constructor.
(typename $size (@witx usize))
;;; An error code.
(typename $errno (enum (@witx tag u16) ;;; fine
  $success
  ;;; bad
  $badf))
(typename $rights (flags (@witx repr u64) $read $write))
(typename $fd (handle))
(typename $iovec (record (field $buf (@witx pointer u8)) (field $len $size)))
(typename $iovec_array (list $iovec))
(typename $tag (enum (@witx tag u8) $none $some))
(typename $opt (union (@witx tag $tag) u8 u64))
(typename $opt2 (variant (@witx tag u8) (case $none) (case $some $fd)))
(module $m
  (import "memory" (memory))
  ;;; Reads.
  (@interface func (export "read")
    (param $fd $fd)
    (param $iovs $iovec_array)
    (param $name string)
    (result $error (expected (tuple $size $fd) (error $errno))))
  (@interface func (export "exit") (param $code u32) (@witx noreturn))
)
`

func TestParseSample(t *testing.T) {
	f, err := witx.Parse("sample.witx", sample)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := witx.Load(f)
	if err != nil {
		t.Fatal(err)
	}
	errno := doc.Type("errno")
	if errno.Doc != "An error code." || errno.Type.Members[1].Doc != "bad" || errno.Type.Members[0].Doc != "fine" {
		t.Errorf("docs not attached: %q %+v", errno.Doc, errno.Type.Members)
	}
	if got := doc.Type("rights").Type.Members[1].Value; got != 2 {
		t.Errorf("flag value %d", got)
	}
	for _, c := range []struct {
		abi              witx.ABI
		name             string
		size, align, pay uint32
	}{
		{witx.Wasm32, "iovec", 8, 4, 0},
		{witx.Wasm64, "iovec", 16, 8, 0},
		{witx.Wasm32, "opt", 16, 8, 8},
		{witx.Wasm32, "opt2", 8, 4, 4},
		{witx.Wasm64, "iovec_array", 16, 8, 0},
	} {
		tn := doc.Type(c.name)
		l := c.abi.Layout(tn.Type)
		if l.Size != c.size || l.Align != c.align {
			t.Errorf("%s %s: size %d align %d, want %d %d", c.abi, c.name, l.Size, l.Align, c.size, c.align)
		}
		if tn.Type.Kind == witx.KindVariant {
			if off := c.abi.PayloadOffset(tn.Type); off != c.pay {
				t.Errorf("%s payload at %d, want %d", c.name, off, c.pay)
			}
		}
	}
	opt := doc.Type("opt").Type
	if opt.Cases[1].Name != "some" || opt.Cases[1].Value != 1 {
		t.Errorf("union cases not named from tag: %+v", opt.Cases)
	}
	m := doc.Module("m")
	sig, err := witx.Wasm32.Lower(m.Func("read"))
	if err != nil {
		t.Fatal(err)
	}
	if got := sig.String(); got != "(i32 i32 i32 i32 i32 i32 i32) -> (i32)" {
		t.Errorf("read lowers to %s", got)
	}
	sig64, _ := witx.Wasm64.Lower(m.Func("read"))
	if got := sig64.String(); got != "(i32 i64 i64 i64 i64 i64 i64) -> (i32)" {
		t.Errorf("read lowers on wasm64 to %s", got)
	}
	if !m.Func("exit").NoReturn {
		t.Error("exit should be noreturn")
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"(typename $a", "x.witx:1:1: unclosed '('"},
		{"(typename $a u32))", "x.witx:1:18: unexpected ')'"},
		{"\n  (typename a u32)", "x.witx:2:13: expected a type name ($name)"},
		{"(typename $a (enum (@witx tag s8) $x))", "x.witx:1:31: expected an unsigned integer representation"},
		{"(typename $a $b)", "x.witx:1:14: unknown type $b"},
		{"(typename $a (record (field $x $a)))", "x.witx:1:1: type $a contains itself"},
		{"(frobnicate)", "x.witx:1:1: expected (use ...), (typename ...) or (module ...), found (frobnicate ...)"},
		{`(module $m (@interface func (export "f") (result $r u32) (param $p u32)))`, "x.witx:1:58: a param cannot follow a result"},
		{"(typename $a u32) (typename $a u64)", "x.witx:1:19: type $a already declared at x.witx:1:1"},
		{`(typename $s "str")`, "x.witx:1:14: expected a type"},
		{"(; open", "x.witx:1:1: unterminated block comment"},
		{"(typename $e (enum (@witx tag u8) $a $a))", "duplicate member $a"},
	} {
		f, err := witx.Parse("x.witx", c.src)
		if err == nil {
			_, err = witx.Load(f)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.src, err, c.want)
		}
	}
}

// FuzzParse checks that no input makes the parser or resolver panic or hang.
func FuzzParse(f *testing.F) {
	f.Add(sample)
	f.Add("(typename $a (union (@witx tag $a) u8))")
	f.Add("(;(;;)")
	f.Fuzz(func(t *testing.T, src string) {
		file, err := witx.Parse("fuzz.witx", src)
		if err != nil {
			return
		}
		doc, err := witx.Load(file)
		if err != nil {
			return
		}
		for _, tn := range doc.Types {
			witx.Wasm32.Layout(tn.Type)
			witx.Wasm64.Layout(tn.Type)
		}
		for _, m := range doc.Modules {
			for _, fn := range m.Funcs {
				witx.Wasm32.Lower(fn)
			}
		}
	})
}
