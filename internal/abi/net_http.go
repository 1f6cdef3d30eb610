package abi

import (
	"context"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/kernel"
)

// http_request, http_status and ws_connect exist in 2022 and the seed
// with the same signatures.
func init() {
	w := wasixCalls
	w["http_request"] = httpRequest
	w["http_status"] = httpStatus
	w["ws_connect"] = wsConnect
}

// http_request(url.ptr, url.len, method.ptr, method.len, headers.ptr,
// headers.len, gzip, ro_handles*): http_handles is three fds (request,
// response, headers) at 0, 4 and 8.
func httpRequest(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	url, ok1 := guestString(m, uint32(s[0]), uint32(s[1]))
	method, ok2 := guestString(m, uint32(s[2]), uint32(s[3]))
	headers, ok3 := guestString(m, uint32(s[4]), uint32(s[5]))
	out, ok4 := span(m, uint32(s[7]), 12)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return wasix.ErrnoFault
	}
	if uint32(s[6]) > 1 {
		return wasix.ErrnoInval
	}
	h, errno := p.HTTPRequest(ctx, url, method, headers, uint32(s[6]) != 0)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	le32(out, uint32(h.Request))
	le32(out[4:], uint32(h.Response))
	le32(out[8:], uint32(h.Headers))
	return wasix.ErrnoSuccess
}

// http_status(fd, status*): http_status is ok u8 at 0, redirected u8 at
// 1, size u64 at 8 and status u16 at 16 (24 bytes).
func httpStatus(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	out, ok := span(m, uint32(s[1]), 24)
	if !ok {
		return wasix.ErrnoFault
	}
	okStatus, redirected, size, status, errno := p.HTTPStatus(ctx, wasix.Fd(uint32(s[0])))
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	clear(out)
	if okStatus {
		out[0] = 1
	}
	if redirected {
		out[1] = 1
	}
	le64(out[8:], size)
	le16(out[16:], status)
	return wasix.ErrnoSuccess
}

// ws_connect(url.ptr, url.len, ro_fd*)
func wsConnect(ctx context.Context, p *kernel.Process, m api.Memory, s []uint64) wasix.Errno {
	url, ok1 := guestString(m, uint32(s[0]), uint32(s[1]))
	_, ok2 := span(m, uint32(s[2]), 4)
	if !ok1 || !ok2 {
		return wasix.ErrnoFault
	}
	fd, errno := p.WSConnect(ctx, url)
	if errno != wasix.ErrnoSuccess {
		return errno
	}
	return put32(m, uint32(s[2]), uint32(fd))
}
