package shime2e

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"golang.org/x/sys/unix"
)

// openPty returns the master and slave of a new pseudo-terminal.
func openPty() (master, slave *os.File, err error) {
	master, err = os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, err
	}
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		master.Close()
		return nil, nil, err
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		master.Close()
		return nil, nil, err
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		return nil, nil, err
	}
	return master, slave, nil
}

// runTerminal is `ctr run -t --rm` on a terminal of its own, as a user at
// a terminal runs it; it returns what the terminal showed and ctr's status.
func (e *env) runTerminal(id string, args ...string) (string, int) {
	e.t.Helper()
	master, slave, err := openPty()
	if err != nil {
		e.t.Skipf("no pseudo-terminal: %v", err)
	}
	defer master.Close()
	cmd := exec.Command("ctr", append([]string{"--address", e.sock, "--namespace", namespace,
		"run", "-t", "--rm", "--snapshotter", e.snap, "--runtime", runtimeName, imageName, id}, args...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	var out bytes.Buffer
	copied := make(chan struct{})
	go func() { io.Copy(&out, master); close(copied) }() // EIO once every slave is closed
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	slave.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		<-done
		e.t.Fatalf("ctr run -t %s did not end", id)
	}
	select {
	case <-copied:
	case <-time.After(10 * time.Second):
		e.t.Fatalf("the terminal stayed open after ctr ended")
	}
	return out.String(), cmd.ProcessState.ExitCode()
}
