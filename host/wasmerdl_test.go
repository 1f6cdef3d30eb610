package host_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasix-go/wasix/host"
)

// dlDir holds programs after Wasmer's own dynamic-linking tests, all in
// one -pie main (dltest.wasm, one copy of libc) that runs one test per
// argument, and their side modules.
var dlDir = filepath.Join("..", "testdata", "guests", "dl")

// TestWasmerDynamicLinking runs each test of dltest.wasm as Wasmer's test
// harness would (the directory of the program mounted, libraries found by
// relative path and in /lib) and compares the whole output.
func TestWasmerDynamicLinking(t *testing.T) {
	bin, err := filepath.Abs(filepath.Join(dlDir, "bin"))
	if err != nil {
		t.Fatal(err)
	}
	wasm, err := os.ReadFile(filepath.Join(bin, "dltest.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	rt := newRuntime(t, host.RuntimeConfig{})
	for _, tc := range []struct {
		args []string
		code uint32
		want string
	}{
		// tests/wasix/dlopen
		{[]string{"dlopen"}, 0, `side_twice(42) = 84
dlclose(handle) = 0
dlclose(bad handle) = -1, dlerror set
dlerror again: cleared
`},
		// tests/wasix/dl-needed
		{[]string{"needed"}, 0, `main_needed_func(42) = 43
side_func(42) = 92
main_exported has one address in every module: yes
dlclose = 0
All tests passed successfully!
`},
		// tests/wasix/dl-tls
		{[]string{"tls"}, 0, `main thread's copies after the thread ran: 20 and 40
thread-local data is per thread and per module
`},
		// tests/wasix/dl-cache
		{[]string{"cache"}, 0, `libcache1 side_func(2) = 44
libcache2 side_func(2) = 4
pointers differ
RTLD_DEFAULT finds the first
`},
		// duplicate-dynamic-lib, and ./libdup.so from each directory
		{[]string{"dup"}, 0, `Module A returned: A
Module B returned: B
Module ./libdup.so in a returned: A
Module ./libdup.so in b returned: B
`},
		// simple-dynamic-lib
		{[]string{"simple"}, 0, "The shared library returned: 42\n"},
		// dlclose-executes-destructors: this libc's dlclose unloads
		// nothing, so a library's destructors run at exit, before those
		// of the modules loaded earlier.
		{[]string{"ctors"}, 0, `b-ctor
a-ctor
main-ctor
main
lib-ctor
dlclosed
lib-dtor
main-dtor
a-dtor
b-dtor
`},
		// weak-symbol-defined, weak-symbol-undefined, extern-variable
		{[]string{"weak"}, 0, `missing_func is not defined, but the program still linked
other_func returned 42
error number: 444
`},
		// exception tests: exceptions-across-modules and the others
		{[]string{"exc"}, 0, `static thrower, static catcher: thrown by main
shared thrower, static catcher: thrown by libthrower
static thrower, shared catcher: thrown by main
shared thrower, shared catcher: thrown by libthrower
catch-all in a shared library: 42
static thrower via shared proxy, static catcher: thrown by main
no throw: (nothing caught)
longjmp from a library: setjmp returned 7 after 1 call
`},
		{[]string{"scope"}, 0, `dlsym(local handle) found
dlsym(RTLD_DEFAULT) of a RTLD_LOCAL symbol: not found
dlopen of a library needing it: failed
dlerror names local_value
RTLD_NOLOAD|RTLD_GLOBAL gives the same handle: yes
dlsym(RTLD_DEFAULT) now: found
user_value() = 18
one address for local_value: yes
dlopen(NULL): main_only is the main's
dlsym(NULL handle) of a global library's symbol: found
dlsym of a missing symbol: not found
dlerror names it: yes
dlerror after reading: cleared
missing library: failed, dlerror names it: yes
`},
		// exit-nonzero-in-fficall, exit-nonzero-in-dyncall-thread
		{[]string{"exitdyn", "main"}, 99, "Dyncall in main\n"},
		{[]string{"exitdyn", "thread"}, 99, "Dyncall in thread\n"},
	} {
		t.Run(strings.Join(tc.args, "-"), func(t *testing.T) {
			r := runGuest(t, rt, wasm, host.Config{
				Args: append([]string{"dltest"}, tc.args...), Cwd: "/work", MaxMemoryPages: testPages,
				Mounts: []host.Mount{{GuestPath: "/work", HostDir: bin, ReadOnly: true},
					{GuestPath: "/lib", HostDir: bin, ReadOnly: true}},
			})
			if r.err != nil || r.code != tc.code || r.stdout != tc.want {
				t.Errorf("exit %d, error %v, stdout:\n%s\nwant exit %d, stdout:\n%s\nstderr:\n%s",
					r.code, r.err, r.stdout, tc.code, tc.want, r.stderr)
			}
		})
	}
}

// TestWasmerDynamicLinkingFresh holds dl/bin/SOURCES.sha256 against the
// sources, as its Makefile computes it.
func TestWasmerDynamicLinkingFresh(t *testing.T) {
	checkFresh(t, dlDir, []string{"*.c", "*.h", "*.s"})
}

// TestWasmerDynamicLinkingRebuild builds one library and the hash into a
// scratch directory when the toolchain is installed, so that the Makefile
// itself stays working.
func TestWasmerDynamicLinkingRebuild(t *testing.T) {
	checkRebuild(t, dlDir, "libdlside.so")
}
