package infra

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLimitedNameKeepsShortNames(t *testing.T) {
	assert.Equal(t, "api-staging-blue", limitedName("api-staging", "blue", 32))
	assert.Equal(t, "api-staging", limitedName("api-staging", "", 32))
	exact := strings.Repeat("a", 27)
	assert.Equal(t, exact+"-blue", limitedName(exact, "blue", 32))
}

func TestLimitedNameShortensTheBaseNotTheSuffix(t *testing.T) {
	long := "a-very-long-service-name-that-overflows-staging"
	got := limitedName(long, "green", 32)
	assert.Len(t, got, 32)
	assert.True(t, strings.HasPrefix(got, "a-very-long-service-"), got)
	assert.True(t, strings.HasSuffix(got, "-green"), got)
	assert.Equal(t, got, limitedName(long, "green", 32), "names must be deterministic")
	assert.NotEqual(t, got, limitedName(strings.Replace(long, "staging", "product", 1), "green", 32))
}

func TestLimitedNameNeverLeavesDoubleHyphens(t *testing.T) {
	// The cut falls right after a hyphen: it must be trimmed, not doubled.
	got := limitedName("abcdefghijklmnopqrstuvwxy-zzzzzzzzzz", "", 32)
	assert.NotContains(t, got, "--")
	assert.Equal(t, "abcdefghijklmnopqrstuvwxy", got[:25])
	assert.LessOrEqual(t, len(got), 32)
}
