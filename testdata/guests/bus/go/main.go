//go:build wasip1

// Command busgo is a Go guest on the bus, through the generated bindings
// of the root package: it opens the bus process named by its argument,
// calls "upper", then "nest" 3, serving the nested calls made back to it.
// It prints what it got and exits 1 on failure.
package main

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"syscall"

	"github.com/wasix-go/wasix"
)

func topic(name string) wasix.Hash {
	sum := sha256.Sum256([]byte(name))
	return wasix.Hash{B0: binary.LittleEndian.Uint64(sum[:8]), B1: binary.LittleEndian.Uint64(sum[8:16])}
}

// payload reads a payload descriptor to its end and closes it.
func payload(fd wasix.Fd) string {
	var out []byte
	buf := make([]byte, 4096)
	for {
		n, err := syscall.Read(int(fd), buf)
		if n <= 0 || err != nil {
			break
		}
		out = append(out, buf[:n]...)
	}
	syscall.Close(int(fd))
	return string(out)
}

// wait waits for the end of call cid, serving "nest" calls meanwhile.
func wait(cid wasix.Cid) (string, error) {
	var ev wasix.BusEvent
	for {
		n, err := wasix.BusPoll(wasix.Timestamp(^uint64(0)), &ev, 1)
		if err != nil {
			return "", err
		}
		if n == 0 {
			continue
		}
		switch ev.Tag {
		case wasix.BusEventTypeResult:
			if r := ev.Result(); r.Cid == cid {
				return payload(r.Fd), nil
			}
		case wasix.BusEventTypeFault:
			if f := ev.Fault(); f.Cid == cid {
				return "", f.Fault
			}
		case wasix.BusEventTypeCall:
			serve(ev.Call())
		}
	}
}

// serve answers "nest" as the C guests do, marking its answers with 'g'.
func serve(c wasix.BusEventCall) {
	req := payload(c.Fd)
	if c.TopicHash != topic("nest") {
		wasix.CallFault(c.Cid, wasix.BusErrorInvalidTopic)
		return
	}
	n, _ := strconv.Atoi(req)
	if n == 0 {
		wasix.CallReply(c.Cid, wasix.BusDataFormatRaw, []byte("0"))
		return
	}
	t := topic("nest")
	sub, err := wasix.BusSubcall(c.Cid, &t, wasix.BusDataFormatRaw, []byte(strconv.Itoa(n-1)))
	if err == nil {
		var res string
		if res, err = wait(sub); err == nil {
			wasix.CallReply(c.Cid, wasix.BusDataFormatRaw, []byte("g"+res))
			return
		}
	}
	wasix.CallFault(c.Cid, wasix.BusErrorAborted)
}

func call(bid wasix.Bid, name, req string) (string, error) {
	t := topic(name)
	cid, err := wasix.BusCall(bid, &t, wasix.BusDataFormatRaw, []byte(req))
	if err != nil {
		return "", err
	}
	return wait(cid)
}

func main() {
	bid, err := wasix.BusOpenLocal(os.Args[1], false)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	for _, c := range [][2]string{{"upper", "from go"}, {"nest", "3"}} {
		res, err := call(bid, c[0], c[1])
		if err != nil {
			fmt.Println(c[0], "failed:", err)
			os.Exit(1)
		}
		fmt.Printf("%s: %s\n", c[0], res)
	}
	if err := wasix.BusClose(bid); err != nil {
		fmt.Println("close:", err)
		os.Exit(1)
	}
}
