package host

import (
	"context"
	"fmt"
	"io"
	"net"

	"github.com/wasix-go/wasix/internal/hostnet"
	"github.com/wasix-go/wasix/internal/tlsproc"
)

// NetConfig turns networking on for the programs of a Runtime and says
// what they may reach. Rules are those of the CLI's --net-allow and
// --net-deny:
//
//	[ops=]target     ops: connect, bind, resolve, joined by "+" (default all)
//	10.0.0.0/8       an address range; a bare address is a single host
//	127.0.0.1:8080   with a port or a port range (8000-8999)
//	[::1]:80         IPv6 in brackets
//	*:443, *         any address
//	*.example.com    a host name pattern, for resolve (and connect)
//	unix:/run/app    unix sockets at or below a host path
//
// A request matching a Deny rule is refused; otherwise it is allowed when
// Allow is empty or one of its rules matches. Unix socket paths reach the
// host's filesystem outside every mount and need an explicit unix: rule.
// Refusals fail with EACCES.
type NetConfig struct {
	// LoopbackOnly limits every address to 127.0.0.0/8 and ::1, and
	// lookups to localhost.
	LoopbackOnly bool
	// Allow and Deny are rules as above.
	Allow, Deny []string
	// Log, if not nil, receives one line per refusal, with its reason.
	Log io.Writer
	// TLS, if not nil, makes the connections of https and wss requests
	// (http_request, ws_connect) TLS connections in process, for example
	// with crypto/tls:
	//
	//	func(ctx context.Context, conn net.Conn, name string) (net.Conn, error) {
	//		tc := tls.Client(conn, &tls.Config{ServerName: name})
	//		if err := tc.HandshakeContext(ctx); err != nil {
	//			conn.Close()
	//			return nil, err
	//		}
	//		return tc, nil
	//	}
	//
	// By default they are made by the helper command wasix-tls, found
	// beside the running program or on PATH, so that a runtime links no
	// TLS stack (its initialisation would cost every start).
	TLS func(ctx context.Context, conn net.Conn, serverName string) (net.Conn, error)
}

// network builds the runtime's network from c; nil for no network.
func (c *NetConfig) network() (*hostnet.Network, error) {
	if c == nil {
		return nil, nil
	}
	p := hostnet.Policy{LoopbackOnly: c.LoopbackOnly}
	for _, list := range []struct {
		in  []string
		out *[]hostnet.Rule
	}{{c.Allow, &p.Allow}, {c.Deny, &p.Deny}} {
		for _, s := range list.in {
			rs, err := hostnet.ParseRules(s)
			if err != nil {
				return nil, err
			}
			*list.out = append(*list.out, rs...)
		}
	}
	if w := c.Log; w != nil {
		p.OnDeny = func(op hostnet.Op, target, reason string) {
			fmt.Fprintf(w, "net: %s %s denied: %s\n", op, target, reason)
		}
	}
	n := hostnet.NewNetwork(p)
	n.TLS = c.TLS
	if n.TLS == nil {
		n.TLS = tlsproc.Client
	}
	return n, nil
}
