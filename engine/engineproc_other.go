//go:build !linux

package engine

import "syscall"

// engineProcAttrs leaves the Pulumi CLI in kirikae's process group where
// no parent-death signal exists (engineproc_linux.go says why Linux moves
// it out): without one, a kill -9 of kirikae must still reach the engine.
func engineProcAttrs() *syscall.SysProcAttr { return nil }
