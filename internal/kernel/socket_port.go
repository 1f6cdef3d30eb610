package kernel

import (
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/hostnet"
)

// NetPort returns the runtime's virtual interface (the port_* calls);
// EACCES when networking is off.
func (p *Process) NetPort() (*hostnet.Port, wasix.Errno) {
	port := p.network().Port()
	if port == nil {
		return nil, wasix.ErrnoAcces
	}
	return port, wasix.ErrnoSuccess
}

// PortBridge would join the interface to a remote network (port_bridge).
// The guest's sockets are the host's, on the host's network, so there is
// nothing to bridge: ENOTSUP, as for port_unbridge.
func (p *Process) PortBridge() wasix.Errno {
	if _, errno := p.NetPort(); errno != wasix.ErrnoSuccess {
		return errno
	}
	return wasix.ErrnoNotsup
}

// PortDHCPAcquire stands for a DHCP lease: the interface takes the host's
// addresses (port_dhcp_acquire).
func (p *Process) PortDHCPAcquire() wasix.Errno {
	port, errno := p.NetPort()
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	return netErrno(port.AcquireHost())
}
