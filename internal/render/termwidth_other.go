//go:build !unix

package render

func terminalColumns(uintptr) int { return 0 }
