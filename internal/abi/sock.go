package abi

import (
	"context"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

// The preview1 socket calls work on descriptors handed over by the host;
// the runtime has none yet, so every descriptor is not a socket.
func init() {
	notSock := func(_ context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
		return p.NotSocket(wasix.Fd(uint32(s[0])))
	}
	for _, name := range []string{"sock_accept", "sock_recv", "sock_send", "sock_shutdown"} {
		preview1Calls[name] = notSock
	}
}
