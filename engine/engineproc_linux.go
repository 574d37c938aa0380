package engine

import "syscall"

// engineProcAttrs runs the Pulumi CLI in a process group of its own, so a
// terminal's Ctrl-C (SIGINT to the foreground process group) reaches
// kirikae alone, and kirikae interrupts the engine exactly once (cmd.Cancel
// when the command's context ends). In kirikae's group the engine got the
// terminal's SIGINT and then kirikae's: Pulumi takes a second SIGINT as
// "terminate immediately", which left the update's pending operations in
// the state and failed the next up (TestCtrlCCancelsUpCleanly, seen under
// CI load). Pdeathsig keeps what the shared group gave for free: when
// kirikae dies (kill -9), the kernel kills the engine too.
// https://man7.org/linux/man-pages/man2/PR_SET_PDEATHSIG.2const.html
func engineProcAttrs() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
