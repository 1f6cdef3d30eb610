package vfs_test

import (
	"fmt"
	"os"

	"github.com/wasix-go/wasix/internal/vfs"
)

// A runtime's filesystem: a memory root with /dev, and a host directory
// mounted read-only at /data.
func Example() {
	root := vfs.NewRootMemFS()
	root.WriteFile("/etc/motd", []byte("hello\n"), 0o644)
	ns := vfs.NewNamespace(root)
	ns.Mount("/dev", vfs.NewDevFS(), false)
	host, err := vfs.NewHostFS(os.TempDir())
	if err != nil {
		panic(err)
	}
	defer host.Close()
	ns.Mount("/data", host, true)

	f, path, err := ns.Open("/", "etc/../etc/motd", vfs.ORead, 0)
	if err != nil {
		panic(err)
	}
	buf := make([]byte, 16)
	n, _ := f.Read(buf)
	fmt.Printf("%s: %q\n", path, buf[:n])
	f.Close()

	_, _, err = ns.Open("/", "/data/new", vfs.OWrite|vfs.OCreate, 0o644)
	fmt.Println(err)
	_, err = ns.Resolve("/data", "../etc/motd", true)
	fmt.Println(err)
	// Output:
	// /etc/motd: "hello\n"
	// read-only file system
	// vfs: path escapes its anchor
}
