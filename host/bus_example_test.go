package host_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/host"
)

// Serve a topic from Go to guests: busclient opens "gosvc" with
// bus_open_local and calls it; "nest" calls the guest back.
func ExampleRuntime_AddBusService() {
	ctx := context.Background()
	client, err := os.ReadFile("../testdata/guests/bus/bin/busclient.wasm")
	if err != nil {
		log.Fatal(err)
	}
	rt, err := host.NewRuntime(ctx, host.RuntimeConfig{})
	if err != nil {
		log.Fatal(err)
	}
	defer rt.Close(ctx)
	rt.AddBusService("gosvc", host.BusHandlerFunc(func(c *host.BusCall) {
		switch c.Topic {
		case host.Topic("echo"):
			c.Reply(c.Format, c.Data)
		case host.Topic("nest"): // n > 0: ask the caller for n-1, prefix its answer
			if string(c.Data) == "0" {
				c.Reply(wasix.BusDataFormatRaw, []byte("0"))
				return
			}
			_, res, err := c.Subcall(ctx, host.Topic("nest"), wasix.BusDataFormatRaw, []byte{c.Data[0] - 1})
			if err != nil {
				c.Fault(wasix.BusErrorAborted)
				return
			}
			c.Reply(wasix.BusDataFormatRaw, append([]byte("G"), res...))
		default:
			c.Fault(wasix.BusErrorInvalidTopic)
		}
	}))
	var out strings.Builder
	if _, err := rt.Run(ctx, client, host.Config{Args: []string{"busclient", "go"}, Stdout: &out}); err != nil {
		log.Fatal(err)
	}
	fmt.Print(out.String())
	// Output:
	// ok open gosvc
	// ok go echo: to go
	// ok go nest 3: GCG0
	// ok go unknown topic: 9
	// ok close
	// all ok
}

// Call the topics of a guest from Go: the program runs as a bus process
// until the client closes it.
func ExampleRuntime_OpenBus() {
	ctx := context.Background()
	server, err := os.ReadFile("../testdata/guests/bus/bin/busserver.wasm")
	if err != nil {
		log.Fatal(err)
	}
	rt, err := host.NewRuntime(ctx, host.RuntimeConfig{})
	if err != nil {
		log.Fatal(err)
	}
	defer rt.Close(ctx)
	if err := rt.AddCommand(ctx, "busserver", server); err != nil {
		log.Fatal(err)
	}
	c, err := rt.OpenBus("busserver", false)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	_, res, err := c.Call(ctx, host.Topic("upper"), wasix.BusDataFormatRaw, []byte("hello"))
	fmt.Println(string(res), err)
	_, _, err = c.Call(ctx, host.Topic("no-such-topic"), wasix.BusDataFormatRaw, nil)
	fmt.Println(err)
	// Output:
	// HELLO <nil>
	// the topic is not known
}
