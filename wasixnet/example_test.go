package wasixnet_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/wasix-go/wasix/wasixnet"
)

// A net/http server and client on wasixnet. Built for GOOS=wasip1 and run
// with `wasix run --net-loopback`, the sockets are the runtime's; built
// natively, they are the host's own.
func Example() {
	ln, err := wasixnet.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello from "+r.URL.Path)
	})}
	go srv.Serve(ln)
	defer srv.Close()

	client := &http.Client{Transport: &http.Transport{DialContext: wasixnet.DialContext}}
	resp, err := client.Get("http://" + ln.Addr().String() + "/guest")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var b strings.Builder
	io.Copy(&b, resp.Body)
	fmt.Println(resp.StatusCode, b.String())
	// Output: 200 hello from /guest
}
