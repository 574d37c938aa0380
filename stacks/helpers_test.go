package stacks

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const testFile = "Pulumi.test.yaml"

// baseKeys are the required keys; stackYAML writes them on lines 2-4 (or the
// replacement given for the same key at that position) and appends the rest
// from line 5.
var baseKeys = []string{"aws:region: us-east-1", "kirikae:backend: ecs", "kirikae:serviceName: kirikae"}

func stackYAML(lines ...string) string {
	var b strings.Builder
	b.WriteString("config:\n")
	used := map[int]bool{}
	for _, base := range baseKeys {
		key, _, _ := strings.Cut(base, ":")
		key += ":" + strings.SplitN(base, ":", 3)[1]
		line := base
		for i, l := range lines {
			if strings.HasPrefix(l, key+":") {
				line, used[i] = l, true
			}
		}
		b.WriteString("  " + line + "\n")
	}
	for i, l := range lines {
		if !used[i] {
			b.WriteString("  " + l + "\n")
		}
	}
	return b.String()
}

// problemsOf parses yaml and returns the problem lines (nil when it loads).
func problemsOf(t *testing.T, yaml string) []string {
	t.Helper()
	_, err := Parse(testFile, []byte(yaml), "test")
	if err == nil {
		return nil
	}
	var verr *ValidationError
	require.True(t, errors.As(err, &verr), "want *ValidationError, got %T: %v", err, err)
	return strings.Split(verr.Error(), "\n")
}
