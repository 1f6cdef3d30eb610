package kernel

import (
	"context"
	"math"
	"net/netip"
	"time"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/hostnet"
)

// The options of sock_set/get_opt_* fall in three kinds; a named option
// used through the call of another kind, or a number no generation names,
// gives EINVAL. An option that does not apply to the socket (only_v6 on
// IPv4, no_delay on UDP) gives the host's answer, ENOPROTOOPT.

// The options of each kind, by number: arrays (static data), not maps,
// which package initialisation would build at every start.
type optEntry[T any] struct {
	v  T
	ok bool
}

func lookupOpt[T any](tab []optEntry[T], opt wasix.SockOption) (T, bool) {
	if int(opt) < len(tab) && tab[opt].ok {
		return tab[opt].v, true
	}
	var zero T
	return zero, false
}

var flagOpts = [...]optEntry[hostnet.Opt]{
	wasix.SockOptionReusePort:       {hostnet.OptReusePort, true},
	wasix.SockOptionReuseAddr:       {hostnet.OptReuseAddr, true},
	wasix.SockOptionNoDelay:         {hostnet.OptNoDelay, true},
	wasix.SockOptionDontRoute:       {hostnet.OptDontRoute, true},
	wasix.SockOptionOnlyV6:          {hostnet.OptOnlyV6, true},
	wasix.SockOptionBroadcast:       {hostnet.OptBroadcast, true},
	wasix.SockOptionMulticastLoopV4: {hostnet.OptMulticastLoopV4, true},
	wasix.SockOptionMulticastLoopV6: {hostnet.OptMulticastLoopV6, true},
	wasix.SockOptionKeepAlive:       {hostnet.OptKeepAlive, true},
	wasix.SockOptionOobInline:       {hostnet.OptOOBInline, true},
	wasix.SockOptionListening:       {hostnet.OptListening, true},
}

var sizeOpts = [...]optEntry[hostnet.Opt]{
	wasix.SockOptionRecvBufSize:    {hostnet.OptRecvBufSize, true},
	wasix.SockOptionSendBufSize:    {hostnet.OptSendBufSize, true},
	wasix.SockOptionRecvLowat:      {hostnet.OptRecvLowat, true},
	wasix.SockOptionSendLowat:      {hostnet.OptSendLowat, true},
	wasix.SockOptionTtl:            {hostnet.OptTTL, true},
	wasix.SockOptionMulticastTtlV4: {hostnet.OptMulticastTTLV4, true},
}

var timeOpts = [...]optEntry[int]{
	wasix.SockOptionRecvTimeout:    {toRecv, true},
	wasix.SockOptionSendTimeout:    {toSend, true},
	wasix.SockOptionConnectTimeout: {toConnect, true},
	wasix.SockOptionAcceptTimeout:  {toAccept, true},
}

// SockSetOptFlag sets a boolean option (sock_set_opt_flag). Promiscuous
// mode needs a raw interface the runtime does not give: ENOTSUP.
func (p *Process) SockSetOptFlag(fd wasix.Fd, opt wasix.SockOption, on bool) wasix.Errno {
	s, _, errno := p.sock(fd, 0)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	switch opt {
	case wasix.SockOptionPromiscuous:
		return wasix.ErrnoNotsup
	case wasix.SockOptionListening:
		return wasix.ErrnoNoprotoopt // read-only
	}
	o, ok := lookupOpt(flagOpts[:], opt)
	if !ok {
		return wasix.ErrnoInval
	}
	v := 0
	if on {
		v = 1
	}
	return netErrno(s.h.SetOpt(o, v))
}

// SockGetOptFlag reads a boolean option (sock_get_opt_flag).
func (p *Process) SockGetOptFlag(fd wasix.Fd, opt wasix.SockOption) (bool, wasix.Errno) {
	s, _, errno := p.sock(fd, 0)
	if errno != wasix.ErrnoSuccess {
		return false, errno
	}
	if opt == wasix.SockOptionPromiscuous {
		return false, wasix.ErrnoSuccess
	}
	o, ok := lookupOpt(flagOpts[:], opt)
	if !ok {
		return false, wasix.ErrnoInval
	}
	v, err := s.h.GetOpt(o)
	return v != 0, netErrno(err)
}

// SockSetOptTime sets a timeout (sock_set_opt_time): nil clears it. The
// receive, send, connect and accept timeouts bound the waits of the
// blocking calls; linger is the host's SO_LINGER, in whole seconds.
func (p *Process) SockSetOptTime(fd wasix.Fd, opt wasix.SockOption, ns *uint64) wasix.Errno {
	s, _, errno := p.sock(fd, 0)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	if opt == wasix.SockOptionLinger {
		v := -1
		if ns != nil {
			v = int(min(*ns/uint64(time.Second), math.MaxInt32))
		}
		return netErrno(s.h.SetOpt(hostnet.OptLinger, v))
	}
	i, ok := lookupOpt(timeOpts[:], opt)
	if !ok {
		return wasix.ErrnoInval
	}
	var d time.Duration
	if ns != nil {
		d = time.Duration(min(*ns, math.MaxInt64))
	}
	s.mu.Lock()
	s.timeouts[i] = d
	s.mu.Unlock()
	return wasix.ErrnoSuccess
}

// SockGetOptTime reads a timeout (sock_get_opt_time); nil means none.
func (p *Process) SockGetOptTime(fd wasix.Fd, opt wasix.SockOption) (*uint64, wasix.Errno) {
	s, _, errno := p.sock(fd, 0)
	if errno != wasix.ErrnoSuccess {
		return nil, errno
	}
	if opt == wasix.SockOptionLinger {
		v, err := s.h.GetOpt(hostnet.OptLinger)
		if err != nil || v < 0 {
			return nil, netErrno(err)
		}
		ns := uint64(v) * uint64(time.Second)
		return &ns, wasix.ErrnoSuccess
	}
	i, ok := lookupOpt(timeOpts[:], opt)
	if !ok {
		return nil, wasix.ErrnoInval
	}
	d := s.timeout(i)
	if d == 0 {
		return nil, wasix.ErrnoSuccess
	}
	ns := uint64(d)
	return &ns, wasix.ErrnoSuccess
}

// SockSetOptSize sets a numeric option (sock_set_opt_size).
func (p *Process) SockSetOptSize(fd wasix.Fd, opt wasix.SockOption, v uint64) wasix.Errno {
	s, _, errno := p.sock(fd, 0)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	switch opt {
	case wasix.SockOptionLastError, wasix.SockOptionType, wasix.SockOptionProto:
		return wasix.ErrnoNoprotoopt // read-only
	}
	o, ok := lookupOpt(sizeOpts[:], opt)
	if !ok {
		return wasix.ErrnoInval
	}
	if v > math.MaxInt32 {
		return wasix.ErrnoInval
	}
	return netErrno(s.h.SetOpt(o, int(v)))
}

// SockGetOptSize reads a numeric option (sock_get_opt_size). last_error
// takes the pending error as a wasi errno; type and proto describe the
// socket (type in the seed's numbering, which the ABI layer converts).
func (p *Process) SockGetOptSize(fd wasix.Fd, opt wasix.SockOption) (uint64, wasix.Errno) {
	s, _, errno := p.sock(fd, 0)
	if errno != wasix.ErrnoSuccess {
		return 0, errno
	}
	switch opt {
	case wasix.SockOptionLastError:
		return uint64(netErrno(s.h.TakeError())), wasix.ErrnoSuccess
	case wasix.SockOptionType:
		return uint64(s.h.Type), wasix.ErrnoSuccess
	case wasix.SockOptionProto:
		if s.h.Family == hostnet.Unix {
			return 0, wasix.ErrnoSuccess
		}
		if s.h.Type == hostnet.Stream {
			return 6, wasix.ErrnoSuccess
		}
		return 17, wasix.ErrnoSuccess
	}
	o, ok := lookupOpt(sizeOpts[:], opt)
	if !ok {
		return 0, wasix.ErrnoInval
	}
	v, err := s.h.GetOpt(o)
	return uint64(max(v, 0)), netErrno(err)
}

// SockMulticastV4 joins or leaves an IPv4 multicast group on the interface
// with address iface (unspecified: the host picks).
func (p *Process) SockMulticastV4(fd wasix.Fd, group, iface netip.Addr, join bool) wasix.Errno {
	s, _, errno := p.sock(fd, 0)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	if !group.Is4() || !group.IsMulticast() {
		return wasix.ErrnoInval
	}
	if err := p.network().Policy().CheckAddr(hostnet.OpBind, netip.AddrPortFrom(group, 0)); err != nil {
		return netErrno(err)
	}
	return netErrno(s.h.JoinMulticast(group, iface, 0, join))
}

// SockMulticastV6 joins or leaves an IPv6 multicast group on the interface
// with index iface (0: the host picks).
func (p *Process) SockMulticastV6(fd wasix.Fd, group netip.Addr, iface uint32, join bool) wasix.Errno {
	s, _, errno := p.sock(fd, 0)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	if !group.Is6() || !group.IsMulticast() {
		return wasix.ErrnoInval
	}
	if err := p.network().Policy().CheckAddr(hostnet.OpBind, netip.AddrPortFrom(group, 0)); err != nil {
		return netErrno(err)
	}
	return netErrno(s.h.JoinMulticast(group, netip.Addr{}, iface, join))
}

// sendFileChunk is how much sock_send_file reads at a time.
const sendFileChunk = 64 << 10

// SockSendFile sends count bytes of the file in from offset to the socket
// out (sock_send_file), without moving in's offset; a stream that has no
// offset (a pipe) is read from where it is. It returns the bytes sent,
// fewer at the end of the file.
func (p *Process) SockSendFile(ctx context.Context, out, in wasix.Fd, offset, count uint64) (uint64, wasix.Errno) {
	s, se, errno := p.sock(out, wasix.RightsFdWrite)
	if errno != wasix.ErrnoSuccess {
		return 0, errno
	}
	ie, errno := p.fds.get(in, wasix.RightsFdRead)
	if errno != wasix.ErrnoSuccess {
		return 0, errno
	}
	if offset > math.MaxInt64 {
		return 0, wasix.ErrnoInval
	}
	fo, isFile := ie.of.obj.(*fileObj)
	buf := make([]byte, min(count, sendFileChunk))
	var sent uint64
	for sent < count {
		chunk := buf[:min(uint64(len(buf)), count-sent)]
		var n int
		var err error
		if isFile {
			n, err = fo.pread([][]byte{chunk}, int64(offset+sent))
		} else {
			n, err = ie.of.obj.read(ctx, [][]byte{chunk}, ie.of.nonblock())
		}
		if n == 0 || err != nil && sent > 0 {
			break
		}
		if err != nil {
			return 0, ToErrno(err)
		}
		w, err := s.send(ctx, [][]byte{chunk[:n]}, nil, se.of.nonblock())
		sent += uint64(w)
		if err != nil || w < n {
			if sent == 0 {
				return 0, netErrno(err)
			}
			break
		}
	}
	return sent, wasix.ErrnoSuccess
}

// Resolve looks a host name up (resolve), as the policy allows.
func (p *Process) Resolve(ctx context.Context, host string) ([]netip.Addr, wasix.Errno) {
	if host == "" {
		return nil, wasix.ErrnoInval
	}
	ips, err := p.network().Resolve(ctx, host)
	if err != nil {
		return nil, netErrno(err)
	}
	return ips, wasix.ErrnoSuccess
}
