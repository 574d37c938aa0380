package stacks

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func problemsFor(t *testing.T, stack string, lines ...string) string {
	t.Helper()
	_, err := Parse(testFile, []byte(stackYAML(lines...)), stack)
	if err == nil {
		return ""
	}
	var verr *ValidationError
	require.True(t, errors.As(err, &verr), "%T: %v", err, err)
	return verr.Error()
}

// The test listener serves the previous release after a flip: product
// never opens it to the internet, and in a VPC kirikae did not create the
// stack must say who may reach it.
func TestTestListenerStaysPrivate(t *testing.T) {
	open := []string{`kirikae:testListenerPort: "9000"`, "kirikae:testListenerCidrs:\n    - 0.0.0.0/0"}
	got := problemsFor(t, "product", open...)
	assert.Contains(t, got, `kirikae:testListenerCidrs: "0.0.0.0/0" opens product's test listener (the previous release after a flip) to the internet`)
	assert.Empty(t, problemsFor(t, "staging", open...), "staging may choose to")
	assert.Empty(t, problemsFor(t, "product", `kirikae:testListenerPort: "9000"`), "the VPC's range by default")

	given := []string{`kirikae:testListenerPort: "9000"`, "kirikae:vpcId: vpc-0123456789abcdef0",
		"kirikae:publicSubnetIds: [subnet-0123456789abcdef1, subnet-0123456789abcdef2]", "kirikae:privateSubnetIds: [subnet-0123456789abcdef3, subnet-0123456789abcdef4]"}
	got = problemsFor(t, "staging", given...)
	assert.True(t, strings.Contains(got, "kirikae:testListenerCidrs: is required with kirikae:vpcId and kirikae:testListenerPort"), got)
	assert.Empty(t, problemsFor(t, "staging", append(given, "kirikae:testListenerCidrs:\n    - 10.20.0.0/16")...))
}
