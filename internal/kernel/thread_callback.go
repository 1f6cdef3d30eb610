package kernel

import "sync"

// Callback names a guest export the runtime calls back into.
type Callback uint8

// The callbacks a guest may register by name.
const (
	CallbackSignal     Callback = iota // callback_signal: takes a signal number
	CallbackThread                     // callback_thread: 2022 thread entry
	CallbackReactor                    // callback_reactor: 2022 reactor entry
	CallbackTLSDestroy                 // callback_thread_local_destroy
	numCallbacks
)

// defaultCallbacks are the exports used until the guest names others.
// Signals have none: without registration the default actions apply.
var defaultCallbacks = [numCallbacks]string{
	CallbackThread:  "_start_thread",
	CallbackReactor: "_react",
}

type callbacks struct {
	mu    sync.RWMutex
	names [numCallbacks]string
	set   [numCallbacks]bool
}

// SetCallback records the export the runtime calls for kind.
func (p *Process) SetCallback(kind Callback, name string) {
	if kind >= numCallbacks {
		return
	}
	c := &p.thr.cb
	c.mu.Lock()
	c.names[kind], c.set[kind] = name, true
	c.mu.Unlock()
}

// Callback returns the export the runtime calls for kind, or "" if none.
func (p *Process) Callback(kind Callback) string {
	if kind >= numCallbacks {
		return ""
	}
	c := &p.thr.cb
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.set[kind] {
		return c.names[kind]
	}
	return defaultCallbacks[kind]
}
