package kernel

// ABI is the generation of the ABI the program of a process was built
// for. The kernel keeps one set of semantics; where the generations'
// toolchains expect different answers from the same call (fd_renumber,
// exec, stdio, ...), the rule follows the program's generation, so that a
// 2022 rule never leaks into a plain WASI program or today's WASIX.
type ABI uint8

// The generations, numbered as the ABI layer numbers its own.
const (
	ABIUnknown      ABI = iota // tests and embedders that never said: today's rules
	ABIPreview1                // wasi_snapshot_preview1 alone
	ABIWasix2022               // wasix_32v1 as the wasix-libc of late 2022 used it
	ABIWasixSeed               // the seed's snapshot
	ABIWasixCurrent            // today's wasix_32v1
)

// SetABI records the generation of the program the process now runs; the
// host calls it whenever a program is instantiated (start, spawn, exec).
func (p *Process) SetABI(a ABI) { p.abi.Store(uint32(a)) }

// ABI returns the generation recorded by SetABI (or ProcConfig.ABI).
func (p *Process) ABI() ABI { return ABI(p.abi.Load()) }

// rules are the answers that depend on the generation.
type rules struct {
	// renumberWASI: fd_renumber is WASI's move (the source is closed, the
	// target must be open). Otherwise it is Wasmer's dup2.
	renumberWASI bool
	// renumber2022: 2022 Wasmer's move: the source is closed and the
	// target need not be open.
	renumber2022 bool
	// stdioTTY: the standard streams are character devices, whatever the
	// host gives, as 2022 Wasmer presented them.
	stdioTTY bool
	// execClosesAll: exec closes every descriptor but stdio and the
	// preopens: 2022 libc never told the host about close-on-exec.
	execClosesAll bool
	// tid0Main: thread id 0 names the main thread (2022 programs that
	// never ask for their thread id raise on 0).
	tid0Main bool
	// lenientEventFlags: fd_event ignores flag bits it does not know.
	lenientEventFlags bool
	// bidirectionalPipes: fd_pipe's ends both read and write.
	bidirectionalPipes bool
	// keepPreopens: fd_close of a preopen succeeds and leaves it open
	// (WASIX, as Wasmer; see preopen_close.go).
	keepPreopens bool
	// raiseSigpipe: a write without reader raises SIGPIPE, whose default
	// then ends the process (today's WASIX; see sigpipe.go).
	raiseSigpipe bool
	// absoluteSymlinks: path_symlink may store an absolute target. A
	// WASIX program has one root, "/", which such a target then means (as
	// in Wasmer); a plain WASI program has none, so it gets EPERM.
	absoluteSymlinks bool
	// getcwdRange: a buffer too short for getcwd is ERANGE, as POSIX's
	// getcwd: today's libc passes the errno on and retries
	// getcwd(NULL, 0) on ERANGE with a buffer of the size given back.
	// Older ones expected EOVERFLOW.
	getcwdRange bool
}

// GetcwdRange tells the ABI layer which getcwd the program expects (see
// rules.getcwdRange).
func (p *Process) GetcwdRange() bool { return p.rules().getcwdRange }

func (p *Process) rules() rules {
	switch p.ABI() {
	case ABIPreview1:
		return rules{renumberWASI: true}
	case ABIWasix2022:
		return rules{renumber2022: true, stdioTTY: true, execClosesAll: true, tid0Main: true,
			lenientEventFlags: true, bidirectionalPipes: true, keepPreopens: true, absoluteSymlinks: true}
	case ABIWasixSeed:
		return rules{bidirectionalPipes: p.cfg.BidirectionalPipes, keepPreopens: true, absoluteSymlinks: true}
	case ABIWasixCurrent:
		return rules{bidirectionalPipes: p.cfg.BidirectionalPipes, keepPreopens: true, raiseSigpipe: true,
			absoluteSymlinks: true, getcwdRange: true}
	}
	return rules{bidirectionalPipes: p.cfg.BidirectionalPipes, getcwdRange: true}
}
