package stacks

// CPU architectures of kirikae:cpuArchitecture, spelled as Lambda's
// Architectures field spells them.
// https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html#lambda-CreateFunction-request-Architectures
const (
	ArchARM64  = "arm64"
	ArchX86_64 = "x86_64"
)

// Platform is one CPU architecture under the names each tool gives it:
// Lambda's architectures, ECS's runtimePlatform.cpuArchitecture, Go's
// GOARCH and the OCI platform of an image (what docker buildx --platform
// and an image's config `architecture` say).
type Platform struct {
	Lambda string // arm64 | x86_64
	ECS    string // ARM64 | X86_64
	GOARCH string // arm64 | amd64
	OCI    string // linux/arm64 | linux/amd64
}

// ECSOperatingSystem is the operatingSystemFamily of every task
// definition: Fargate runs the API's Linux image.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#runtime-platform
const ECSOperatingSystem = "LINUX"

// Platform returns the stack's CPU architecture under every name; an
// empty or unknown value is the default, arm64 (Validate refuses unknown
// values before anything reads them).
func (c Config) Platform() Platform {
	return PlatformOf(c.CPUArchitecture)
}

// PlatformOf returns the names of architecture arch ("arm64" or "x86_64").
func PlatformOf(arch string) Platform {
	if arch == ArchX86_64 {
		return Platform{Lambda: ArchX86_64, ECS: "X86_64", GOARCH: "amd64", OCI: "linux/amd64"}
	}
	return Platform{Lambda: ArchARM64, ECS: "ARM64", GOARCH: "arm64", OCI: "linux/arm64"}
}

// PlatformOfOCI returns the architecture an OCI platform (linux/arm64,
// linux/amd64) names, and false for any other.
func PlatformOfOCI(oci string) (Platform, bool) {
	for _, arch := range []string{ArchARM64, ArchX86_64} {
		if p := PlatformOf(arch); p.OCI == oci {
			return p, true
		}
	}
	return Platform{}, false
}
