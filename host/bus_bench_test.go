package host_test

import (
	"bytes"
	"context"
	"strconv"
	"testing"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/host"
)

// BenchmarkBusRoundTrip times one call of a 16-byte echo and its answer:
// guest to guest and guest to Go endpoint timed inside busclient (the
// start of the processes left out), Go to guest and Go to Go timed here.
func BenchmarkBusRoundTrip(b *testing.B) {
	b.Run("guest-guest", func(b *testing.B) { benchBusGuest(b, "busserver") })
	b.Run("guest-go", func(b *testing.B) { benchBusGuest(b, "gosvc") })
	b.Run("go-guest", func(b *testing.B) { benchBusGo(b, "busserver") })
	b.Run("go-go", func(b *testing.B) { benchBusGo(b, "gosvc") })
}

func benchBusGuest(b *testing.B, server string) {
	rt := busRuntime(b)
	m, err := rt.Compile(context.Background(), procGuest(b, "bus", "busclient.wasm"))
	if err != nil {
		b.Fatal(err)
	}
	var out bytes.Buffer
	b.ResetTimer()
	code, err := rt.RunModule(context.Background(), m, host.Config{Args: []string{"busclient", "bench", strconv.Itoa(b.N), server}, Stdout: &out})
	b.StopTimer()
	if err != nil || code != 0 {
		b.Fatalf("exit %d, %v\n%s", code, err, out.String())
	}
	reportNs(b, out.Bytes())
}

func benchBusGo(b *testing.B, server string) {
	rt := busRuntime(b)
	c, err := rt.OpenBus(server, false)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	ctx, topic, req := context.Background(), host.Topic("echo"), []byte("0123456789abcdef")
	for range 100 { // the guest's first calls, out of the timing
		if _, _, err := c.Call(ctx, topic, wasix.BusDataFormatRaw, req); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		if _, _, err := c.Call(ctx, topic, wasix.BusDataFormatRaw, req); err != nil {
			b.Fatal(err)
		}
	}
}
