package abi

import (
	"context"
	"net/netip"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/hostnet"
	"github.com/wasix-go/wasix/internal/kernel"
)

// netGen is what the socket calls of one generation decode differently:
// the address layouts and the numbering of sock_type.
type netGen struct {
	gen Generation
	l   hostnet.Layout
}

// sockType converts a generation's sock_type: 2022 and the seed number
// datagram 0 and stream 1; today's WASIX has unused 0, stream 1, dgram 2.
func (g netGen) sockType(v uint32) (hostnet.SockType, bool) {
	if g.gen == WasixCurrent {
		switch v {
		case 1:
			return hostnet.Stream, true
		case 2:
			return hostnet.Dgram, true
		}
		return 0, v == 3 || v == 4 // raw and seqpacket: known, unsupported
	}
	switch v {
	case 0:
		return hostnet.Dgram, true
	case 1:
		return hostnet.Stream, true
	}
	return 0, v == 2 || v == 3
}

// sockTypeCode is the inverse of sockType.
func (g netGen) sockTypeCode(t hostnet.SockType) uint64 {
	switch {
	case g.gen == WasixCurrent && t == hostnet.Dgram:
		return 2
	case t == hostnet.Dgram:
		return 0
	}
	return 1
}

// addrPort reads the addr_port at ptr: EFAULT if it is out of memory,
// EINVAL if it is not a valid address.
func (g netGen) addrPort(m api.Memory, ptr uint32) (hostnet.Addr, wasix.Errno) {
	return decodeAt(m, ptr, g.l.AddrPortSize(), func(b []byte) (hostnet.Addr, bool) {
		a, ok := g.l.DecodeAddrPort(b)
		return a, ok && a.Family != hostnet.Unspec
	})
}

// decodeAt reads the size-byte record at ptr with dec: EFAULT if it is out
// of memory, EINVAL if dec refuses it.
func decodeAt[T any](m api.Memory, ptr, size uint32, dec func([]byte) (T, bool)) (T, wasix.Errno) {
	var zero T
	b, ok := span(m, ptr, size)
	if !ok {
		return zero, wasix.ErrnoFault
	}
	v, ok := dec(b)
	if !ok {
		return zero, wasix.ErrnoInval
	}
	return v, wasix.ErrnoSuccess
}

func (g netGen) putAddrPort(m api.Memory, ptr uint32, a hostnet.Addr) wasix.Errno {
	b, ok := span(m, ptr, g.l.AddrPortSize())
	if !ok {
		return wasix.ErrnoFault
	}
	g.l.EncodeAddrPort(b, a)
	return wasix.ErrnoSuccess
}

// netGens is the netGen of each generation that has socket calls.
func netGens() []netGen {
	return []netGen{
		{gen: Wasix2022, l: hostnet.Small},
		{gen: WasixSeed, l: hostnet.Small},
		{gen: WasixCurrent, l: hostnet.Wide},
	}
}

func init() {
	for _, g := range netGens() {
		c := genCalls[g.gen]
		c["sock_open"] = g.sockOpen
		c["sock_bind"] = g.sockBind
		c["sock_connect"] = g.sockConnect
		c["sock_recv_from"] = g.sockRecvFrom
		c["sock_send_to"] = g.sockSendTo
		c["sock_addr_local"] = g.sockAddr(false)
		c["sock_addr_peer"] = g.sockAddr(true)
		c["sock_get_opt_size"] = g.sockGetOptSize
		c["sock_join_multicast_v6"] = g.multicastV6(true)
		c["sock_leave_multicast_v6"] = g.multicastV6(false)
		c["resolve"] = g.resolve
		if g.gen == WasixCurrent {
			c["sock_accept_v2"] = g.sockAcceptAddr
			c["sock_pair"] = g.sockPair
		} else {
			c["sock_accept"] = g.sockAcceptAddr
		}
	}
	w := wasixCalls
	w["sock_listen"] = sockListen
	w["sock_status"] = sockStatus
	w["sock_set_opt_flag"] = sockSetOptFlag
	w["sock_get_opt_flag"] = sockGetOptFlag
	w["sock_set_opt_time"] = sockSetOptTime
	w["sock_get_opt_time"] = sockGetOptTime
	w["sock_set_opt_size"] = sockSetOptSize
	w["sock_join_multicast_v4"] = multicastV4(true)
	w["sock_leave_multicast_v4"] = multicastV4(false)
	w["sock_send_file"] = sockSendFile

	p := preview1Calls
	p["sock_accept"] = sockAccept
	p["sock_recv"] = sockRecv
	p["sock_send"] = sockSend
	p["sock_shutdown"] = sockShutdown
}

// sock_open(af, socktype, proto, ro_fd*)
func (g netGen) sockOpen(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	return putResult(m, uint32(s[3]), func() (wasix.Fd, wasix.Errno) {
		typ, known := g.sockType(uint32(s[1]))
		switch {
		case !known:
			return 0, wasix.ErrnoInval
		case typ == 0:
			// Raw and seqpacket sockets are not offered: Linux's answer
			// for a raw socket of protocol 0.
			return 0, wasix.ErrnoProtonosupport
		case uint32(s[2]) > 0xffff:
			return 0, wasix.ErrnoInval
		}
		return p.SockOpen(hostnet.Family(uint32(s[0])), typ, uint16(s[2]))
	})
}

// sock_pair(af, socktype, proto, ro_fd1*, ro_fd2*)
func (g netGen) sockPair(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	o1, o2 := uint32(s[3]), uint32(s[4])
	_, ok1 := span(m, o1, 4)
	_, ok2 := span(m, o2, 4)
	if !ok1 || !ok2 {
		return wasix.ErrnoFault
	}
	typ, known := g.sockType(uint32(s[1]))
	if !known || uint32(s[2]) > 0xffff {
		return wasix.ErrnoInval
	}
	if typ == 0 {
		return wasix.ErrnoNotsup
	}
	a, b, errno := p.SockPair(hostnet.Family(uint32(s[0])), typ, uint16(s[2]))
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	put32(m, o1, uint32(a))
	return put32(m, o2, uint32(b))
}

// sock_bind(fd, addr*)
func (g netGen) sockBind(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	a, errno := g.addrPort(m, uint32(s[1]))
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	return p.SockBind(wasix.Fd(uint32(s[0])), a)
}

// sock_connect(fd, addr*)
func (g netGen) sockConnect(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	a, errno := g.addrPort(m, uint32(s[1]))
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	return p.SockConnect(ctx, wasix.Fd(uint32(s[0])), a)
}

// sock_listen(fd, backlog)
func sockListen(_ context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
	return p.SockListen(wasix.Fd(uint32(s[0])), int(min(uint32(s[1]), 1<<16)))
}

// sock_accept(fd, flags, ro_fd*) of preview1.
func sockAccept(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	return putResult(m, uint32(s[2]), func() (wasix.Fd, wasix.Errno) {
		if uint32(s[1]) > 0xffff {
			return 0, wasix.ErrnoInval
		}
		fd, _, errno := p.SockAccept(ctx, wasix.Fd(uint32(s[0])), wasix.Fdflags(s[1]))
		return fd, errno
	})
}

// sock_accept(fd, flags, ro_fd*, ro_addr*) of 2022 and the seed, and
// sock_accept_v2 of today's WASIX.
func (g netGen) sockAcceptAddr(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	out, addr := uint32(s[2]), uint32(s[3])
	_, ok1 := span(m, out, 4)
	_, ok2 := span(m, addr, g.l.AddrPortSize())
	if !ok1 || !ok2 {
		return wasix.ErrnoFault
	}
	if uint32(s[1]) > 0xffff {
		return wasix.ErrnoInval
	}
	fd, peer, errno := p.SockAccept(ctx, wasix.Fd(uint32(s[0])), wasix.Fdflags(s[1]))
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	g.putAddrPort(m, addr, peer)
	return put32(m, out, uint32(fd))
}

// recvFlags decodes riflags: peek 1, waitall 2, data_truncated 4 (report a
// datagram's real length), dont_wait 8 (today's WASIX).
func recvFlags(v uint32) (kernel.RecvFlags, bool) {
	if v&^0xf != 0 {
		return kernel.RecvFlags{}, false
	}
	return kernel.RecvFlags{Peek: v&1 != 0, WaitAll: v&2 != 0, Trunc: v&4 != 0, DontWait: v&8 != 0}, true
}

// sock_recv(fd, ri_data, ri_data_len, ri_flags, ro_datalen*, ro_flags*)
func sockRecv(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	n, ro, _, errno := recvCommon(ctx, p, m, s, false)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	put16(m, uint32(s[5]), ro)
	return put32(m, uint32(s[4]), n)
}

// sock_recv_from(fd, ri_data, ri_data_len, ri_flags, ro_datalen*, ro_flags*, ro_addr*)
func (g netGen) sockRecvFrom(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	if _, ok := span(m, uint32(s[6]), g.l.AddrPortSize()); !ok {
		return wasix.ErrnoFault
	}
	n, ro, from, errno := recvCommon(ctx, p, m, s, true)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	put16(m, uint32(s[5]), ro)
	g.putAddrPort(m, uint32(s[6]), from)
	return put32(m, uint32(s[4]), n)
}

func recvCommon(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64, wantFrom bool) (uint32, uint16, hostnet.Addr, wasix.Errno) {
	_, ok1 := span(m, uint32(s[4]), 4)
	_, ok2 := span(m, uint32(s[5]), 2)
	if !ok1 || !ok2 {
		return 0, 0, hostnet.Addr{}, wasix.ErrnoFault
	}
	f, ok := recvFlags(uint32(s[3]))
	if !ok {
		return 0, 0, hostnet.Addr{}, wasix.ErrnoInval
	}
	f.From = wantFrom
	bufs, ok := iovecs(m, uint32(s[1]), uint32(s[2]), nil)
	if !ok {
		return 0, 0, hostnet.Addr{}, wasix.ErrnoFault
	}
	n, trunc, from, errno := p.SockRecv(ctx, wasix.Fd(uint32(s[0])), bufs, f)
	var ro uint16
	if trunc {
		ro = uint16(wasix.RoflagsRecvDataTruncated)
	}
	return n, ro, from, errno
}

// sock_send(fd, si_data, si_data_len, si_flags, ro_datalen*)
func sockSend(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	return vectoredIO(ctx, m, s, 4, func(bufs [][]byte) (uint32, wasix.Errno) {
		return p.SockSend(ctx, wasix.Fd(uint32(s[0])), bufs, nil)
	})
}

// sock_send_to(fd, si_data, si_data_len, si_flags, addr*, ro_datalen*):
// the out-pointer is checked before the address, as vectoredIO checks it
// before the iovecs.
func (g netGen) sockSendTo(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	if _, ok := span(m, uint32(s[5]), 4); !ok {
		return wasix.ErrnoFault
	}
	a, errno := g.addrPort(m, uint32(s[4]))
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	return vectoredIO(ctx, m, s, 5, func(bufs [][]byte) (uint32, wasix.Errno) {
		return p.SockSend(ctx, wasix.Fd(uint32(s[0])), bufs, &a)
	})
}

// sock_send_file(out_fd, in_fd, offset, count, ro_sent*)
func sockSendFile(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	return putResult(m, uint32(s[4]), func() (uint64, wasix.Errno) {
		return p.SockSendFile(ctx, wasix.Fd(uint32(s[0])), wasix.Fd(uint32(s[1])), s[2], s[3])
	})
}

// sock_shutdown(fd, how)
func sockShutdown(_ context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
	if uint32(s[1]) > 0xff {
		return wasix.ErrnoInval
	}
	return p.SockShutdown(wasix.Fd(uint32(s[0])), wasix.Sdflags(s[1]))
}

// sock_status(fd, ro_status*)
func sockStatus(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	b, ok := span(m, uint32(s[1]), 1)
	if !ok {
		return wasix.ErrnoFault
	}
	st, errno := p.SockStatus(wasix.Fd(uint32(s[0])))
	if errno == wasix.ErrnoSuccess {
		b[0] = byte(st)
	}
	return errno
}

// sock_addr_local(fd, ro_addr*) and sock_addr_peer(fd, ro_addr*)
func (g netGen) sockAddr(peer bool) call {
	return func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		out := uint32(s[1])
		if _, ok := span(m, out, g.l.AddrPortSize()); !ok {
			return wasix.ErrnoFault
		}
		get := p.SockAddrLocal
		if peer {
			get = p.SockAddrPeer
		}
		a, errno := get(wasix.Fd(uint32(s[0])))
		if errno != wasix.ErrnoSuccess {
			return errno
		}
		return g.putAddrPort(m, out, a)
	}
}

// sock_set_opt_flag(fd, sockopt, flag)
func sockSetOptFlag(_ context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
	if uint32(s[1]) > 0xff || uint32(s[2]) > 1 {
		return wasix.ErrnoInval
	}
	return p.SockSetOptFlag(wasix.Fd(uint32(s[0])), wasix.SockOption(s[1]), uint32(s[2]) != 0)
}

// sock_get_opt_flag(fd, sockopt, ro_flag*)
func sockGetOptFlag(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	b, ok := span(m, uint32(s[2]), 1)
	if !ok {
		return wasix.ErrnoFault
	}
	if uint32(s[1]) > 0xff {
		return wasix.ErrnoInval
	}
	v, errno := p.SockGetOptFlag(wasix.Fd(uint32(s[0])), wasix.SockOption(s[1]))
	if errno == wasix.ErrnoSuccess {
		b[0] = bit(v)
	}
	return errno
}

// sock_set_opt_time(fd, sockopt, timeout*): an option_timestamp, tag u8
// at 0 (0 none, 1 some) and the nanoseconds at 8.
func sockSetOptTime(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	ns, errno := optTimestamp(m, uint32(s[2]))
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	if uint32(s[1]) > 0xff {
		return wasix.ErrnoInval
	}
	return p.SockSetOptTime(wasix.Fd(uint32(s[0])), wasix.SockOption(s[1]), ns)
}

// sock_get_opt_time(fd, sockopt, ro_timeout*)
func sockGetOptTime(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	b, ok := span(m, uint32(s[2]), 16)
	if !ok {
		return wasix.ErrnoFault
	}
	if uint32(s[1]) > 0xff {
		return wasix.ErrnoInval
	}
	ns, errno := p.SockGetOptTime(wasix.Fd(uint32(s[0])), wasix.SockOption(s[1]))
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	putOptTimestamp(b, ns)
	return wasix.ErrnoSuccess
}

// sock_set_opt_size(fd, sockopt, size)
func sockSetOptSize(_ context.Context, p *kernel.Process, _ api.Memory, s []uint64) wasix.Errno {
	if uint32(s[1]) > 0xff {
		return wasix.ErrnoInval
	}
	return p.SockSetOptSize(wasix.Fd(uint32(s[0])), wasix.SockOption(s[1]), s[2])
}

// sock_get_opt_size(fd, sockopt, ro_size*); the type option answers in
// the generation's sock_type numbering.
func (g netGen) sockGetOptSize(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	return putResult(m, uint32(s[2]), func() (uint64, wasix.Errno) {
		if uint32(s[1]) > 0xff {
			return 0, wasix.ErrnoInval
		}
		opt := wasix.SockOption(s[1])
		v, errno := p.SockGetOptSize(wasix.Fd(uint32(s[0])), opt)
		if errno == wasix.ErrnoSuccess && opt == wasix.SockOptionType {
			v = g.sockTypeCode(hostnet.SockType(v))
		}
		return v, errno
	})
}

// sock_join_multicast_v4(fd, multiaddr*, interface*), and leave.
func multicastV4(join bool) call {
	return func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		g, ok1 := span(m, uint32(s[1]), 4)
		i, ok2 := span(m, uint32(s[2]), 4)
		if !ok1 || !ok2 {
			return wasix.ErrnoFault
		}
		return p.SockMulticastV4(wasix.Fd(uint32(s[0])), netip.AddrFrom4([4]byte(g)), netip.AddrFrom4([4]byte(i)), join)
	}
}

// sock_join_multicast_v6(fd, multiaddr*, interface), and leave. The
// addr_ip6 is 16 bytes, 24 in today's WASIX (with flow label and scope).
func (g netGen) multicastV6(join bool) call {
	size := uint32(16)
	if g.l.Wide {
		size = 24
	}
	return func(_ context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
		b, ok := span(m, uint32(s[1]), size)
		if !ok {
			return wasix.ErrnoFault
		}
		return p.SockMulticastV6(wasix.Fd(uint32(s[0])), netip.AddrFrom16([16]byte(b[:16])), uint32(s[2]), join)
	}
}

// resolve(host.ptr, host.len, port, addrs*, naddrs, ro_n*): addrs is an
// array of addr (2022, seed) or addr_ip (today), 18 bytes each in both;
// the port is not part of either and only checked.
func (g netGen) resolve(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	const recSize = 18
	host, ok := guestString(m, uint32(s[0]), uint32(s[1]))
	if !ok {
		return wasix.ErrnoFault
	}
	if uint32(s[2]) > 0xffff {
		return wasix.ErrnoInval
	}
	n := uint32(s[4])
	arr, ok1 := span64(m, uint32(s[3]), uint64(n)*recSize)
	_, ok2 := span(m, uint32(s[5]), 4)
	if !ok1 || !ok2 {
		return wasix.ErrnoFault
	}
	ips, errno := p.Resolve(ctx, host)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	k := min(uint32(len(ips)), n)
	for i := uint32(0); i < k; i++ {
		hostnet.Small.EncodeAddr(arr[i*recSize:(i+1)*recSize], ips[i])
	}
	return put32(m, uint32(s[5]), k)
}
