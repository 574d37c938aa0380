package stacks

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPlatformNamesEachArchitectureForEveryTool(t *testing.T) {
	assert.Equal(t, Platform{Lambda: "arm64", ECS: "ARM64", GOARCH: "arm64", OCI: "linux/arm64"}, PlatformOf(ArchARM64))
	assert.Equal(t, Platform{Lambda: "x86_64", ECS: "X86_64", GOARCH: "amd64", OCI: "linux/amd64"}, PlatformOf(ArchX86_64))
	assert.Equal(t, PlatformOf(ArchARM64), Defaults("staging").Platform(), "arm64 is the default")
	p, ok := PlatformOfOCI("linux/amd64")
	assert.True(t, ok)
	assert.Equal(t, "X86_64", p.ECS)
	_, ok = PlatformOfOCI("linux/s390x")
	assert.False(t, ok)
}
