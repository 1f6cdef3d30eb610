package kernel

import (
	"context"
	"io"
	"net/url"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/httpc"
)

// wsEnd is the guest's end of a WebSocket (ws_connect): one end of a
// two-way pipe whose other end two goroutines copy to and from the
// connection, each guest write going out as one binary message. It
// reports itself as a stream socket.
type wsEnd struct {
	*pipeEnd
}

func (w *wsEnd) filetype() wasix.Filetype { return wasix.FiletypeSocketStream }

// WSConnect opens a WebSocket to rawURL (ws:// or wss://) as a descriptor
// (ws_connect). The handshake is made before the call returns; the host
// and the addresses dialled must pass the policy.
func (p *Process) WSConnect(ctx context.Context, rawURL string) (wasix.Fd, wasix.Errno) {
	n := p.network()
	if n == nil {
		return 0, wasix.ErrnoAcces
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
		return 0, wasix.ErrnoInval
	}
	client := &httpc.Client{Dial: policyDialer(n), TLS: n.TLS}
	// The connection lives as long as the descriptor, not the call.
	conn, err := client.DialWebSocket(ctx, u)
	if err != nil {
		return 0, netErrno(err)
	}
	bg := context.WithoutCancel(ctx)
	// Two one-way buffers; the host side has a separate end for each, so
	// that either direction can end alone.
	in, out := &pipeBuf{readers: 1, writers: 1}, &pipeBuf{readers: 1, writers: 1}
	guest := &pipeEnd{in: in, out: out, ino: nextPipeIno()}
	hostW, hostR := &pipeEnd{out: in}, &pipeEnd{in: out}
	go func() {
		io.Copy(pipeWriter{bg, hostW}, conn) // messages in
		hostW.close()
	}()
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := hostR.read(bg, [][]byte{buf}, false)
			if n > 0 {
				if _, werr := conn.Write(buf[:n]); werr != nil {
					break
				}
			}
			if n == 0 || err != nil {
				break
			}
		}
		conn.Close()
		hostR.close()
	}()
	return p.add(newOpenFile(&wsEnd{guest}, 0), rightsSocket, rightsSocket, false)
}
