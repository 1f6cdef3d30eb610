package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
)

// limitFlags defines the flags of the runtime's limits: --max-memory,
// --max-procs, --max-host-fds, --max-fds and --max-memfs.
func limitFlags(fs *flag.FlagSet, o *runOptions, lastErr *error) {
	fs.Var(listFlag{err: lastErr, parse: func(s string) error {
		n, err := parseSize(s)
		if err != nil {
			return fmt.Errorf("--max-memory: %v", err)
		}
		pages := n >> 16
		if pages == 0 {
			return fmt.Errorf("--max-memory: %q is less than one 64 KiB page", s)
		}
		o.maxMemoryPages = uint32(min(pages, 65535))
		return nil
	}}, "max-memory", "")
	fs.Var(listFlag{err: lastErr, parse: func(s string) error {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return fmt.Errorf("--max-procs wants a number of processes, at least 1, got %q", s)
		}
		o.maxProcs = n
		return nil
	}}, "max-procs", "")
	fs.Var(listFlag{err: lastErr, parse: func(s string) error {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return fmt.Errorf("--max-host-fds wants a number of descriptors, at least 1, got %q", s)
		}
		o.maxHostFDs = n
		return nil
	}}, "max-host-fds", "")
	fs.Var(listFlag{err: lastErr, parse: func(s string) error {
		n, err := strconv.Atoi(s)
		if err != nil || n < 4 {
			return fmt.Errorf("--max-fds wants a number of descriptors, at least 4, got %q", s)
		}
		o.maxFDs = n
		return nil
	}}, "max-fds", "")
	fs.Var(listFlag{err: lastErr, parse: func(s string) error {
		n, err := parseSize(s)
		if err != nil {
			return fmt.Errorf("--max-memfs: %v", err)
		}
		o.maxMemFS = int64(n)
		if n == 0 {
			o.maxMemFS = -1 // no bound
		}
		return nil
	}}, "max-memfs", "")
}

// parseSize reads a byte count with an optional binary unit: 65536, 64K,
// 64KiB, 512M, 512MiB, 4G, 4GiB (case-insensitive, "B" optional).
func parseSize(s string) (uint64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimSuffix(t, "b")
	t = strings.TrimSuffix(t, "i")
	shift := 0
	switch {
	case strings.HasSuffix(t, "k"):
		shift = 10
	case strings.HasSuffix(t, "m"):
		shift = 20
	case strings.HasSuffix(t, "g"):
		shift = 30
	}
	if shift != 0 {
		t = t[:len(t)-1]
	}
	n, err := strconv.ParseUint(t, 10, 64)
	if err != nil || t == "" {
		return 0, errors.New("want a size such as 512MiB or 1GiB, got " + strconv.Quote(s))
	}
	if n > (1<<63)>>shift {
		return 0, errors.New("size too large: " + strconv.Quote(s))
	}
	return n << shift, nil
}
