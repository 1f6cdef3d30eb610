package hostnet

import (
	"errors"
)

// RecvFlags modify a receive.
type RecvFlags uint8

// Receive flags.
const (
	RecvPeek  RecvFlags = 1 << iota // leave the data queued
	RecvTrunc                       // report a datagram's full length
)

// Opt is a socket option the guest may set or read, independent of its
// numbering in a generation.
type Opt uint8

// The socket options kept by the host socket (the guest's sock_option
// names). Timeouts are kept by the kernel, not here.
const (
	OptReusePort Opt = iota + 1
	OptReuseAddr
	OptNoDelay
	OptDontRoute
	OptOnlyV6
	OptBroadcast
	OptMulticastLoopV4
	OptMulticastLoopV6
	OptKeepAlive
	OptLinger // seconds; negative means off
	OptOOBInline
	OptRecvBufSize
	OptSendBufSize
	OptRecvLowat
	OptSendLowat
	OptTTL
	OptMulticastTTLV4
	OptListening // read-only
	OptError     // read-only: takes the pending error (SO_ERROR)
)

// ErrUnsupported is returned by platforms without host sockets.
var ErrUnsupported = errors.New("host sockets are not supported on this platform")
