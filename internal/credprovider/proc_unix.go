//go:build unix

package credprovider

import (
	"os/exec"
	"syscall"
)

// killGroup starts the plugin in its own process group and kills the whole
// group at the time limit: a shell-script plugin's children (curl, sleep)
// die with it instead of outliving the replay.
func killGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
