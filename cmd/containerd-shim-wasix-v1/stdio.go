package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"sync"
	"syscall"

	"github.com/containerd/console"
	"github.com/containerd/fifo"
)

// taskIO is a task's standard streams: the FIFOs (or log file) containerd
// named, and a pseudo-terminal between them and the program when the task
// asks for a terminal.
type taskIO struct {
	stdin          io.ReadCloser
	stdout, stderr io.WriteCloser

	pty     console.Console // the terminal's master side, or nil
	slave   *os.File        // what the program sees as its terminal
	copying sync.WaitGroup  // the copy from the master to stdout
}

// openIO opens the streams containerd named. An empty name is no stream.
// The FIFOs live as long as the task, not the request that created it, so
// they are opened with their own context.
func openIO(stdin, stdout, stderr string, terminal bool) (_ *taskIO, err error) {
	t := &taskIO{}
	defer func() {
		if err != nil {
			t.close()
		}
	}()
	ctx := context.Background()
	if stdin != "" {
		if t.stdin, err = fifo.OpenFifo(ctx, stdin, syscall.O_RDONLY|syscall.O_NONBLOCK, 0); err != nil {
			return nil, fmt.Errorf("stdin: %w", err)
		}
	}
	if t.stdout, err = openOutput(ctx, stdout); err != nil {
		return nil, fmt.Errorf("stdout: %w", err)
	}
	if !terminal {
		if t.stderr, err = openOutput(ctx, stderr); err != nil {
			return nil, fmt.Errorf("stderr: %w", err)
		}
		return t, nil
	}
	pty, slavePath, err := console.NewPty()
	if err != nil {
		return nil, fmt.Errorf("terminal: %w", err)
	}
	t.pty = pty
	if t.slave, err = os.OpenFile(slavePath, os.O_RDWR|syscall.O_NOCTTY, 0); err != nil {
		return nil, fmt.Errorf("terminal: %w", err)
	}
	if t.stdin != nil {
		go io.Copy(pty, t.stdin) //nolint:errcheck // ends when either side closes
	}
	if t.stdout != nil {
		t.copying.Add(1)
		go func() {
			defer t.copying.Done()
			io.Copy(t.stdout, pty) //nolint:errcheck // EIO once the slave is closed and drained
		}()
	}
	return t, nil
}

// openOutput opens an output stream: a FIFO path, or a file:// URI for a
// log file (ctr run --log-uri). Binary loggers (binary://) are refused.
func openOutput(ctx context.Context, name string) (io.WriteCloser, error) {
	if name == "" {
		return nil, nil
	}
	u, err := url.Parse(name)
	if err == nil && u.Scheme != "" {
		if u.Scheme != "file" {
			return nil, fmt.Errorf("%s: %s:// log URIs are not supported by the wasix shim", name, u.Scheme)
		}
		return os.OpenFile(u.Path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o640)
	}
	return fifo.OpenFifo(ctx, name, syscall.O_WRONLY, 0)
}

// streams returns what the program gets as its descriptors 0, 1 and 2.
func (t *taskIO) streams() (stdin io.Reader, stdout, stderr io.Writer) {
	if t.slave != nil {
		return t.slave, t.slave, t.slave
	}
	if t.stdin != nil {
		stdin = t.stdin
	}
	if t.stdout != nil {
		stdout = t.stdout
	}
	if t.stderr != nil {
		stderr = t.stderr
	}
	return stdin, stdout, stderr
}

// resize sets the terminal's size; without a terminal it is an error.
func (t *taskIO) resize(width, height uint32) error {
	if t.pty == nil {
		return errors.New("the task has no terminal")
	}
	return t.pty.Resize(console.WinSize{Width: uint16(width), Height: uint16(height)})
}

// closeStdin closes the program's input (ctr's end of stdin closed).
func (t *taskIO) closeStdin() {
	if t.stdin != nil {
		t.stdin.Close()
	}
}

// finish is called once the program has ended: what it wrote to the
// terminal is copied out before stdout closes, so that the reader sees
// all of it and then the end of the stream. The terminal itself stays
// until the task is deleted: containerd may still resize it.
func (t *taskIO) finish() {
	if t.slave != nil {
		t.slave.Close()
		t.copying.Wait()
	}
	for _, c := range []io.Closer{t.stdin, t.stdout, t.stderr} {
		if c != nil {
			c.Close()
		}
	}
}

// close releases every stream; it is safe to call more than once.
func (t *taskIO) close() {
	if t.stdin != nil {
		t.stdin.Close()
	}
	if t.stdout != nil {
		t.stdout.Close()
	}
	if t.stderr != nil {
		t.stderr.Close()
	}
	t.slave.Close() // nil-safe
	if t.pty != nil {
		t.pty.Close()
	}
}
