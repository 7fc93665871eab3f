//go:build unix

package render

import "golang.org/x/sys/unix"

// terminalColumns is the width of the terminal on fd, 0 when unknown.
func terminalColumns(fd uintptr) int {
	ws, err := unix.IoctlGetWinsize(int(fd), unix.TIOCGWINSZ)
	if err != nil || ws == nil {
		return 0
	}
	return int(ws.Col)
}
