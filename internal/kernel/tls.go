package kernel

import "github.com/wasix-go/wasix"

// tlsState holds the thread-local keys of a process (2022 and seed
// thread_local_*): each key carries the guest's user data, handed to the
// destructor with every value left when a thread ends.
type tlsState struct {
	keys map[uint32]uint64 // key -> user data; guarded by threads.mu
	next uint32
}

// TLSValue is a thread-local value with its key's user data, for the
// guest's destructor.
type TLSValue struct {
	UserData, Value uint64
}

// TLSCreate makes a key whose values start at 0 in every thread.
func (p *Process) TLSCreate(userData uint64) (uint32, wasix.Errno) {
	th := &p.thr
	th.mu.Lock()
	defer th.mu.Unlock()
	if th.tls.keys == nil {
		th.tls.keys = map[uint32]uint64{}
	}
	if len(th.tls.keys) >= 1<<16 {
		return 0, wasix.ErrnoAgain
	}
	for {
		th.tls.next++
		if _, used := th.tls.keys[th.tls.next]; !used && th.tls.next != 0 {
			break
		}
	}
	th.tls.keys[th.tls.next] = userData
	return th.tls.next, wasix.ErrnoSuccess
}

// TLSDestroy removes key from every thread and returns the values it held
// that are not 0, for the destructor.
func (p *Process) TLSDestroy(key uint32) ([]TLSValue, wasix.Errno) {
	th := &p.thr
	th.mu.Lock()
	defer th.mu.Unlock()
	ud, ok := th.tls.keys[key]
	if !ok {
		return nil, wasix.ErrnoInval
	}
	delete(th.tls.keys, key)
	var out []TLSValue
	for _, t := range th.byTid {
		if v := t.tls[key]; v != 0 {
			out = append(out, TLSValue{ud, v})
		}
		delete(t.tls, key)
	}
	return out, wasix.ErrnoSuccess
}

// TLSSet sets t's value of key.
func (t *Thread) TLSSet(key uint32, v uint64) wasix.Errno {
	th := &t.p.thr
	th.mu.Lock()
	defer th.mu.Unlock()
	if _, ok := th.tls.keys[key]; !ok {
		return wasix.ErrnoInval
	}
	t.tls[key] = v
	return wasix.ErrnoSuccess
}

// TLSGet returns t's value of key.
func (t *Thread) TLSGet(key uint32) (uint64, wasix.Errno) {
	th := &t.p.thr
	th.mu.Lock()
	defer th.mu.Unlock()
	if _, ok := th.tls.keys[key]; !ok {
		return 0, wasix.ErrnoInval
	}
	return t.tls[key], wasix.ErrnoSuccess
}

// TLSTakeAll clears t's values and returns those that are not 0, ordered
// by key, for the destructors run as the thread ends.
func (t *Thread) TLSTakeAll() []TLSValue {
	th := &t.p.thr
	th.mu.Lock()
	defer th.mu.Unlock()
	var out []TLSValue
	for key := uint32(1); len(t.tls) > 0 && key <= th.tls.next; key++ {
		if v, ok := t.tls[key]; ok {
			delete(t.tls, key)
			if v != 0 {
				out = append(out, TLSValue{th.tls.keys[key], v})
			}
		}
	}
	clear(t.tls)
	return out
}
