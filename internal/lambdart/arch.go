package lambdart

import (
	"debug/elf"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
)

// Lambda's instruction set architectures
// (https://docs.aws.amazon.com/lambda/latest/dg/foundation-arch.html);
// a function that declares none runs on x86_64.
const (
	ArchX86_64 = "x86_64"
	ArchARM64  = "arm64"
)

// ErrNoEmulator: the function's architecture is not this machine's and no
// qemu user-mode emulator is installed to run it.
var ErrNoEmulator = errors.New("no emulator for the function's architecture")

var (
	elfMachine = map[string]elf.Machine{ArchX86_64: elf.EM_X86_64, ArchARM64: elf.EM_AARCH64}
	goArch     = map[string]string{ArchX86_64: "amd64", ArchARM64: "arm64"}
	qemu       = map[string][]string{
		ArchX86_64: {"qemu-x86_64-static", "qemu-x86_64"},
		ArchARM64:  {"qemu-aarch64-static", "qemu-aarch64"},
	}
)

// command returns how to start bootstrap for a function declaring arch.
// An ELF binary built for another architecture fails the way Lambda fails
// it (Runtime.InvalidEntrypoint, exec format error); one built for the
// declared architecture runs natively or, when that is not this machine's,
// under qemu user-mode emulation. Anything else (a script) runs as is.
func command(bootstrap, arch string) (*exec.Cmd, error) {
	if arch == "" {
		arch = ArchX86_64
	}
	want, ok := elfMachine[arch]
	if !ok {
		return nil, fmt.Errorf("start function: architecture %q (want %s or %s)", arch, ArchX86_64, ArchARM64)
	}
	f, err := elf.Open(bootstrap)
	if err != nil {
		return exec.Command(bootstrap), nil // not ELF: let exec decide
	}
	machine := f.Machine
	_ = f.Close()
	if machine != want {
		return nil, &FunctionError{Type: "Runtime.InvalidEntrypoint",
			Message: fmt.Sprintf("fork/exec %s: exec format error (bootstrap is %s, the function declares %s)", bootstrap, machine, arch)}
	}
	if goArch[arch] == runtime.GOARCH {
		return exec.Command(bootstrap), nil
	}
	for _, name := range qemu[arch] {
		if path, err := exec.LookPath(name); err == nil {
			return exec.Command(path, bootstrap), nil
		}
	}
	return nil, fmt.Errorf("start function: run %s code on this %s machine: %w (install qemu-user, e.g. apt-get install qemu-user)",
		arch, runtime.GOARCH, ErrNoEmulator)
}
