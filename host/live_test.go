package host

import (
	"testing"
	"time"
)

// TestLiveSet checks the counting that Runtime.Close and the release of
// an instance rely on: close waits for every goroutine counted, refuses
// new ones, and gives up when told to.
func TestLiveSet(t *testing.T) {
	var s liveSet
	if !s.add(nil) || !s.add(nil) {
		t.Fatal("add refused before close")
	}
	if s.close(closedChan) {
		t.Fatal("close reported idle with two goroutines counted")
	}
	if s.add(nil) {
		t.Fatal("add accepted after close")
	}
	s.done(nil)
	returned := make(chan bool)
	go func() { returned <- s.close(nil) }()
	select {
	case <-returned:
		t.Fatal("close returned with a goroutine still counted")
	case <-time.After(20 * time.Millisecond):
	}
	s.done(nil)
	select {
	case ok := <-returned:
		if !ok {
			t.Fatal("close reported a goroutine left")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("close did not return when the last goroutine was done")
	}
	if !s.close(nil) {
		t.Fatal("a second close did not return at once")
	}
}
