package host

// SetRewriteAtomicWaits turns the rewrite of atomic waits on or off, for
// the benchmark that compares it with wazero's own wait.
func SetRewriteAtomicWaits(on bool) { rewriteAtomicWaits = on }
