// Package hostnet is the runtime's door to the host network: non-blocking
// host sockets with readiness callbacks, the guest's address encodings of
// each ABI generation, the policy that decides what a guest may bind,
// connect to and resolve, the host resolver, and the virtual interface
// state behind the port_* calls.
//
// Nothing here knows about descriptors or processes; internal/kernel wraps
// a Socket into a descriptor object and applies the Policy.
package hostnet
