// Command goprobe is probe.c in Go (GOOS=wasip1): it reports what a Go
// program sees of the filesystem, for the CLI's tests.
package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

func main() {
	args := os.Args[1:]
	for i := 0; i < len(args); i++ {
		switch op := args[i]; {
		case op == "pwd":
			wd, err := os.Getwd()
			if err != nil {
				wd = msg(err)
			}
			fmt.Printf("pwd: %s\n", wd)
		case op == "cat" && i+1 < len(args):
			i++
			b, err := os.ReadFile(args[i])
			if err != nil {
				fmt.Printf("cat %s: error: %s\n", args[i], msg(err))
				continue
			}
			fmt.Printf("cat %s: %s\n", args[i], b)
		case op == "write" && i+1 < len(args):
			i++
			if err := os.WriteFile(args[i], []byte("x"), 0o644); err != nil {
				fmt.Printf("write %s: error: %s\n", args[i], msg(err))
				continue
			}
			fmt.Printf("write %s: ok\n", args[i])
		default:
			fmt.Printf("unknown operation %s\n", op)
			os.Exit(2)
		}
	}
}

// msg is the errno's message alone, as C's strerror gives it.
func msg(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Error()
	}
	return err.Error()
}
