package wasixnet_test

import (
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/wasix-go/wasix/wasixnet"
)

// These tests run natively with go test, and inside the runtime with
//
//	GOOS=wasip1 GOARCH=wasm go test -exec "wasix run --net-loopback" ./wasixnet

func TestEchoAndClose(t *testing.T) {
	ln, err := wasixnet.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			_, err = io.Copy(c, c)
			c.Close()
		}
		done <- err
	}()
	c, err := wasixnet.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	if c.RemoteAddr().String() != ln.Addr().String() {
		t.Errorf("remote %v, listener %v", c.RemoteAddr(), ln.Addr())
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "ping")
	buf := make([]byte, 4)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "ping" {
		t.Fatalf("%q %v", buf, err)
	}
	c.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	// Close wakes a blocked Accept with net.ErrClosed.
	go func() {
		time.Sleep(20 * time.Millisecond)
		ln.Close()
	}()
	if _, err := ln.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Accept after Close: %v", err)
	}
}

func TestPacketDeadline(t *testing.T) {
	pc, err := wasixnet.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	pc.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	var ne net.Error
	if _, _, err := pc.ReadFrom(make([]byte, 8)); !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("ReadFrom past the deadline: %v", err)
	}
	pc.SetReadDeadline(time.Time{})
	if _, err := pc.WriteTo([]byte("self"), pc.LocalAddr()); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8)
	n, from, err := pc.ReadFrom(buf)
	if err != nil || string(buf[:n]) != "self" || from.String() != pc.LocalAddr().String() {
		t.Fatalf("%q from %v: %v", buf[:n], from, err)
	}
}
