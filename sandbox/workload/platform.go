package workload

import (
	"fmt"
	"os/exec"
	"runtime"
	"strings"
)

// qemuUser names the qemu user-mode emulators by the GOARCH they run.
var qemuUser = map[string][]string{
	"arm64": {"qemu-aarch64-static", "qemu-aarch64"},
	"amd64": {"qemu-x86_64-static", "qemu-x86_64"},
}

// platformCommand starts a task's program built for platform (linux/arm64):
// natively on a machine of that architecture, else under qemu user-mode
// emulation, as the Lambda runtime does (internal/lambdart). On AWS the
// task runs on a host of its runtimePlatform; here the emulator stands in
// for that host. An image with no platform runs as it is.
func platformCommand(program, platform string) (*exec.Cmd, error) {
	_, arch, _ := strings.Cut(platform, "/")
	if platform == "" || arch == runtime.GOARCH {
		return exec.Command(program), nil
	}
	for _, name := range qemuUser[arch] {
		if path, err := exec.LookPath(name); err == nil {
			return exec.Command(path, program), nil
		}
	}
	return nil, fmt.Errorf("run a %s image on this %s machine: no qemu user-mode emulator (install qemu-user, e.g. apt-get install qemu-user)", platform, runtime.GOARCH)
}
