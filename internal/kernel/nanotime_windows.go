package kernel

import "time"

var nanoBase = time.Now()

// nanotime reads the monotonic clock through time.Since on Windows.
func nanotime() int64 { return int64(time.Since(nanoBase)) }
