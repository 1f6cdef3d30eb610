package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/wasix-go/wasix/internal/compcache"
)

const cacheHelp = `Usage: wasix cache [--cache-dir DIR] [--cache-max SIZE] COMMAND

Shows or empties the compile cache, where wasix run keeps the machine code
of the programs it has compiled. wasix run keeps it within --cache-max
(default 1GiB), evicting the least recently used programs first.

Commands:
  dir     print the cache directory
  size    print the bytes the cache holds and its limit
  list    list the programs in the cache, most recently used first
  clear   remove everything from the cache
  prune   evict least recently used programs down to --cache-max
`

func cacheCmd(args []string, stdout, stderr io.Writer) int {
	dir, max := defaultCacheDir(), int64(compcache.DefaultMax)
	fs := flag.NewFlagSet("wasix cache", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&dir, "cache-dir", dir, "")
	var sizeErr error
	fs.Func("cache-max", "", func(s string) error {
		n, err := compcache.ParseSize(s)
		if err != nil {
			sizeErr = fmt.Errorf("--cache-max: %v", err)
			return sizeErr
		}
		max = n
		return nil
	})
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, cacheHelp)
			return 0
		}
		if sizeErr != nil {
			err = sizeErr
		} else {
			err = explainFlagError(err)
		}
		fmt.Fprintf(stderr, "wasix cache: %v\n", err)
		return exitUsage
	}
	if fs.NArg() != 1 {
		fmt.Fprint(stderr, cacheHelp)
		return exitUsage
	}
	if dir == "" {
		fmt.Fprintln(stderr, "wasix cache: the cache is off (--cache-dir is empty)")
		return exitFailure
	}
	c := &compcache.Cache{Dir: dir, Max: max}
	limit := "no limit"
	if max > 0 {
		limit = "limit " + compcache.FormatSize(max)
	}
	var err error
	switch fs.Arg(0) {
	case "dir":
		fmt.Fprintln(stdout, dir)
	case "size":
		var n int64
		var k int
		if n, k, err = c.Size(); err == nil {
			fmt.Fprintf(stdout, "%s in %d entries (%s)\n", compcache.FormatSize(n), k, limit)
		}
	case "list":
		var ps []*compcache.Program
		var other int64
		if ps, other, err = c.List(); err == nil {
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "LAST USED\tSIZE\tPROGRAM")
			for _, p := range ps {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", p.Used.Local().Format(time.DateTime), compcache.FormatSize(p.Size), p.Name)
			}
			if other > 0 {
				fmt.Fprintf(tw, "-\t%s\t(compiled by an older wasix or another tool)\n", compcache.FormatSize(other))
			}
			tw.Flush()
		}
	case "clear":
		var n int64
		if n, err = c.Clear(); err == nil {
			fmt.Fprintf(stdout, "removed %s\n", compcache.FormatSize(n))
		}
	case "prune":
		var n int64
		if n, err = c.Prune(max); err == nil {
			left, _, _ := c.Size()
			fmt.Fprintf(stdout, "removed %s; %s left (%s)\n", compcache.FormatSize(n), compcache.FormatSize(left), limit)
		}
	default:
		fmt.Fprintf(stderr, "wasix cache: unknown command %q; the commands are dir, size, list, clear and prune\n", fs.Arg(0))
		return exitUsage
	}
	if err != nil {
		fmt.Fprintf(stderr, "wasix cache: %v\n", err)
		return exitFailure
	}
	return 0
}
