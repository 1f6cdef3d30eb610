//go:build !(linux || darwin)

package hostnet

import "net/netip"

// Socket is a host socket; this platform has none, so Open fails with
// ErrUnsupported and no Socket is ever made.
type Socket struct {
	Family Family
	Type   SockType
}

// Open fails: no host sockets here.
func Open(Family, SockType, int) (*Socket, error) { return nil, ErrUnsupported }

// Pair fails: no host sockets here.
func Pair(SockType) (*Socket, *Socket, error) { return nil, nil, ErrUnsupported }

// Watch does nothing.
func (s *Socket) Watch(bool, func()) {}

// Ready reports a socket always ready, so that no wait hangs.
func (s *Socket) Ready(bool) (bool, uint64, bool) { return true, 0, true }

// Bind fails.
func (s *Socket) Bind(Addr) error { return ErrUnsupported }

// Listen fails.
func (s *Socket) Listen(int) error { return ErrUnsupported }

// Accept fails.
func (s *Socket) Accept() (*Socket, Addr, error) { return nil, Addr{}, ErrUnsupported }

// Connect fails.
func (s *Socket) Connect(Addr) error { return ErrUnsupported }

// Recv fails.
func (s *Socket) Recv([][]byte, RecvFlags) (int, bool, Addr, error) {
	return 0, false, Addr{}, ErrUnsupported
}

// Send fails.
func (s *Socket) Send([][]byte, *Addr) (int, error) { return 0, ErrUnsupported }

// Shutdown fails.
func (s *Socket) Shutdown(bool, bool) error { return ErrUnsupported }

// LocalAddr fails.
func (s *Socket) LocalAddr() (Addr, error) { return Addr{}, ErrUnsupported }

// PeerAddr fails.
func (s *Socket) PeerAddr() (Addr, error) { return Addr{}, ErrUnsupported }

// TakeError fails.
func (s *Socket) TakeError() error { return ErrUnsupported }

// SetOpt fails.
func (s *Socket) SetOpt(Opt, int) error { return ErrUnsupported }

// GetOpt fails.
func (s *Socket) GetOpt(Opt) (int, error) { return 0, ErrUnsupported }

// JoinMulticast fails.
func (s *Socket) JoinMulticast(netip.Addr, netip.Addr, uint32, bool) error { return ErrUnsupported }

// Close does nothing.
func (s *Socket) Close() error { return nil }
