package kernel

// Personality holds what the toolchain that built a program expects of
// the system where ABI generations differ in behaviour, not in layout.
// The ABI layer says which personality a generation has; the kernel acts
// on it. The zero value is plain WASI's.
type Personality struct {
	// KeepPreopens makes fd_close of a preopened directory succeed and
	// leave it open, as Wasmer does: wasix-libc resolves every path,
	// relative ones through its own cwd, against the preopen descriptors
	// it found at start, so a program that closes all its descriptors
	// would lose the filesystem.
	KeepPreopens bool
	// RaiseSigpipe makes a write to a pipe or socket without a reader
	// raise SIGPIPE on the writing thread, besides failing with EPIPE;
	// the signal's default action then ends the process.
	RaiseSigpipe bool
}

// SetPersonality sets the behaviours of the program the process runs now;
// an exec sets them again for the new program.
func (p *Process) SetPersonality(pers Personality) {
	p.persMu.Lock()
	p.pers = pers
	p.persMu.Unlock()
}

func (p *Process) personality() Personality {
	p.persMu.Lock()
	defer p.persMu.Unlock()
	return p.pers
}
