package wasix

// These four constants are not in the witx; the seed's crate defines them by
// hand, and so do we.
const (
	// DircookieStart is the cookie that asks fd_readdir for the first entry
	// of a directory.
	DircookieStart Dircookie = 0

	// FdStdin is the descriptor of standard input.
	FdStdin Fd = 0
	// FdStdout is the descriptor of standard output.
	FdStdout Fd = 1
	// FdStderr is the descriptor of standard error.
	FdStderr Fd = 2
)
