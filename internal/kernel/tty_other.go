//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package kernel

// Without termios the terminal state lives in the process only.

func fdIsTerminal(int) bool                               { return false }
func termSize(int) (uint32, uint32, uint32, uint32, bool) { return 0, 0, 0, 0, false }
func termModes(int) (bool, bool, bool)                    { return false, false, false }
func termSave(int) (any, bool)                            { return nil, false }
func termSetModes(int, bool, bool) bool                   { return false }
func termRestore(int, any)                                {}
