package kernel

import (
	"os"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY returns the two ends of a fresh pseudo-terminal, or skips.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skip("no pseudo-terminals:", err)
	}
	t.Cleanup(func() { m.Close() })
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Skip("unlockpt:", err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skip("ptsname:", err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skip("open slave:", err)
	}
	t.Cleanup(func() { s.Close() })
	return m, s
}

func TestTTYOnTerminal(t *testing.T) {
	_, slave := openPTY(t)
	if err := unix.IoctlSetWinsize(int(slave.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 33, Col: 99}); err != nil {
		t.Fatal(err)
	}
	p, err := New(Config{}).NewProcess(ProcConfig{Stdin: slave, Stdout: slave})
	if err != nil {
		t.Fatal(err)
	}
	s, errno := p.TTYGet()
	must(t, errno)
	if !s.StdinTTY || !s.StdoutTTY || s.StderrTTY || s.Cols != 99 || s.Rows != 33 || !s.Echo || !s.LineBuffered {
		t.Fatalf("%+v", s)
	}
	if st, _ := p.FdFdstatGet(0); st.FsFiletype != 2 { // character_device
		t.Fatal("stdin filetype", st.FsFiletype)
	}
	s.Echo, s.LineBuffered = false, false
	must(t, p.TTYSet(s))
	tio, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if tio.Lflag&(unix.ECHO|unix.ICANON) != 0 {
		t.Fatal("termios not changed")
	}
	if s, _ = p.TTYGet(); s.Echo || s.LineBuffered {
		t.Fatalf("%+v", s)
	}
	p.Close() // restores the terminal
	tio, _ = unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
	if tio.Lflag&unix.ECHO == 0 || tio.Lflag&unix.ICANON == 0 {
		t.Fatal("termios not restored")
	}
}
