package host_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasix-go/wasix/host"
)

// TestDynamicLinking runs dyn.wasm, a -pie main that needs libneed.so at
// start (found beside it through rpath $ORIGIN, here Config.Origin) and
// dlopens libplug.so, which needs libdep.so: constructors, static data,
// relocations, function pointers both ways, dlsym, the same library twice,
// missing library and symbol as dlerror.
func TestDynamicLinking(t *testing.T) {
	bin := filepath.Join(ehDir, "bin")
	r := runGuest(t, newRuntime(t, host.RuntimeConfig{}), ehGuest(t, "dyn.wasm"),
		host.Config{Args: []string{"dyn"}, Origin: host.DirFS(bin), MaxMemoryPages: testPages})
	checkTAP(t, r, 0)
}

// TestDynamicLinkingLibraryPath: the same with the libraries in the
// guest's filesystem, found through LD_LIBRARY_PATH instead of $ORIGIN.
func TestDynamicLinkingLibraryPath(t *testing.T) {
	bin, _ := filepath.Abs(filepath.Join(ehDir, "bin"))
	r := runGuest(t, newRuntime(t, host.RuntimeConfig{}), ehGuest(t, "dyn.wasm"), host.Config{
		Args: []string{"dyn"}, MaxMemoryPages: testPages,
		Env:    []string{"LD_LIBRARY_PATH=/opt/x:/opt/lib"},
		Mounts: []host.Mount{{GuestPath: "/opt/lib", HostDir: bin, ReadOnly: true}},
	})
	checkTAP(t, r, 0)
}

// TestDynamicLinkingLegacyLibrary: the same with libneed.so in the legacy
// exception encoding (its setjmp is try/catch), found first through
// LD_LIBRARY_PATH: the library is translated to exnref as a main program
// is, and longjmp into it still lands.
func TestDynamicLinkingLegacyLibrary(t *testing.T) {
	bin, _ := filepath.Abs(filepath.Join(ehDir, "bin"))
	r := runGuest(t, newRuntime(t, host.RuntimeConfig{}), ehGuest(t, "dyn.wasm"), host.Config{
		Args: []string{"dyn"}, MaxMemoryPages: testPages,
		Env: []string{"LD_LIBRARY_PATH=/opt/legacy:/opt/lib"},
		Mounts: []host.Mount{{GuestPath: "/opt/lib", HostDir: bin, ReadOnly: true},
			{GuestPath: "/opt/legacy", HostDir: filepath.Join(bin, "legacy"), ReadOnly: true}},
	})
	checkTAP(t, r, 0)
}

// TestDynamicLinkingMissingLibrary: a needed library found nowhere fails
// the start with a message naming it, not a trap.
func TestDynamicLinkingMissingLibrary(t *testing.T) {
	r := runGuest(t, newRuntime(t, host.RuntimeConfig{}), ehGuest(t, "dyn.wasm"), host.Config{Args: []string{"dyn"}, MaxMemoryPages: testPages})
	if r.err == nil || !strings.Contains(r.err.Error(), "libneed.so") {
		t.Fatalf("error %v, want one naming libneed.so", r.err)
	}
	var trap *host.TrapError
	if ok := asTrap(r.err, &trap); ok {
		t.Errorf("a missing library is a trap: %v", r.err)
	}
}

func asTrap(err error, trap **host.TrapError) bool {
	for e := err; e != nil; {
		if t, ok := e.(*host.TrapError); ok {
			*trap = t
			return true
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		e = u.Unwrap()
	}
	return false
}

// TestCallDynamicAndClosures runs ffi.wasm: reflect_signature and
// call_dynamic on functions of the main program and of a side module, and
// closures of two signatures around generic backing functions.
func TestCallDynamicAndClosures(t *testing.T) {
	r := runGuest(t, newRuntime(t, host.RuntimeConfig{}), ehGuest(t, "ffi.wasm"), host.Config{
		Args: []string{"ffi"}, Origin: os.DirFS(filepath.Join(ehDir, "bin")), MaxMemoryPages: testPages})
	checkTAP(t, r, 0)
}

// TestDynamicLinkingThreads runs dynthreads.wasm: threads of a -pie
// program call its libraries, have their own thread-local data of a side
// module, and a library one thread dlopens serves every thread.
func TestDynamicLinkingThreads(t *testing.T) {
	r := runGuest(t, newRuntime(t, host.RuntimeConfig{}), ehGuest(t, "dynthreads.wasm"), host.Config{
		Args: []string{"dynthreads"}, Origin: host.DirFS(filepath.Join(ehDir, "bin")), MaxMemoryPages: testPages})
	checkTAP(t, r, 0)
}

// TestDynamicLinkingLibraryChanged: a runtime keeps what it made of a
// library by the file's identity, so that a program started again does
// not read its libraries; a library rewritten between two starts (here
// with bytes that are no module, the same size, the time set back) is
// read again, from $ORIGIN and from the guest's filesystem alike.
func TestDynamicLinkingLibraryChanged(t *testing.T) {
	for _, viaOrigin := range []bool{true, false} {
		dir := t.TempDir()
		libs, _ := filepath.Glob(filepath.Join(ehDir, "bin", "*.so"))
		for _, name := range libs {
			name = filepath.Base(name)
			b, err := os.ReadFile(filepath.Join(ehDir, "bin", name))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		cfg := host.Config{Args: []string{"dyn"}, MaxMemoryPages: testPages}
		if viaOrigin {
			cfg.Origin = host.DirFS(dir)
		} else {
			cfg.Env = []string{"LD_LIBRARY_PATH=/opt/lib"}
			cfg.Mounts = []host.Mount{{GuestPath: "/opt/lib", HostDir: dir}}
		}
		rt := newRuntime(t, host.RuntimeConfig{})
		checkTAP(t, runGuest(t, rt, ehGuest(t, "dyn.wasm"), cfg), 0)

		lib := filepath.Join(dir, "libneed.so")
		good, _ := os.ReadFile(lib)
		st, _ := os.Stat(lib)
		bad := []byte(strings.Repeat("x", len(good)))
		if err := os.WriteFile(lib, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(lib, st.ModTime(), st.ModTime())
		r := runGuest(t, rt, ehGuest(t, "dyn.wasm"), cfg)
		if r.err == nil || !strings.Contains(r.err.Error(), "libneed.so") {
			t.Fatalf("origin %v: a library rewritten with junk: error %v, want one naming libneed.so", viaOrigin, r.err)
		}
		if err := os.WriteFile(lib, good, 0o644); err != nil {
			t.Fatal(err)
		}
		checkTAP(t, runGuest(t, rt, ehGuest(t, "dyn.wasm"), cfg), 0)
	}
}
