package stacks

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParityListsKeysMissingEitherWay(t *testing.T) {
	a, problems := ParseStackFile("Pulumi.staging.yaml", []byte(stackYAML("kirikae:desiredCount: 1", "kirikae:bakeTime: 1m")))
	require.Empty(t, problems)
	b, problems := ParseStackFile("Pulumi.product.yaml", []byte(stackYAML("kirikae:desiredCount: 2", "kirikae:cpu: 512")))
	require.Empty(t, problems)

	got := Parity(a, b)
	assert.Equal(t, []Difference{
		{Key: KeyBakeTime, In: "Pulumi.staging.yaml", Line: 6, Missing: "Pulumi.product.yaml"},
		{Key: KeyCPU, In: "Pulumi.product.yaml", Line: 6, Missing: "Pulumi.staging.yaml"},
	}, got)
	assert.Equal(t, "Pulumi.staging.yaml:6: kirikae:bakeTime is set here but missing from Pulumi.product.yaml; every stack must set the same keys", got[0].String())
}

func TestParityIgnoresValues(t *testing.T) {
	a, _ := ParseStackFile("a", []byte(stackYAML("kirikae:desiredCount: 1")))
	b, _ := ParseStackFile("b", []byte(stackYAML("kirikae:desiredCount: 2")))
	assert.Empty(t, Parity(a, b))
}

func TestCheckParity(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "Pulumi.staging.yaml", stackYAML("kirikae:desiredCount: 1", "kirikae:verifyPath: /ready"))
	writeFile(t, dir, "Pulumi.product.yaml", stackYAML("kirikae:desiredCount: 2"))
	writeFile(t, dir, "Pulumi.dev.yaml", stackYAML("kirikae:desiredCount: 1", "kirikae:verifyPath: /ready"))

	err := CheckParity(dir, "staging", "product")
	var perr *ParityError
	require.True(t, errors.As(err, &perr), "got %T: %v", err, err)
	assert.Equal(t, filepath.Join(dir, "Pulumi.staging.yaml")+":6: kirikae:verifyPath is set here but missing from "+
		filepath.Join(dir, "Pulumi.product.yaml")+"; every stack must set the same keys", err.Error())

	// No names: all stacks, compared with the first (dev).
	err = CheckParity(dir)
	require.True(t, errors.As(err, &perr))
	require.Len(t, perr.Differences, 1)
	assert.Equal(t, filepath.Join(dir, "Pulumi.dev.yaml"), perr.Differences[0].In)
	assert.Equal(t, filepath.Join(dir, "Pulumi.product.yaml"), perr.Differences[0].Missing)

	assert.NoError(t, CheckParity(dir, "staging", "dev"))

	var unknown *ErrUnknownStack
	assert.True(t, errors.As(CheckParity(dir, "staging", "prod"), &unknown))
}

func TestCheckParityMalformedFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "Pulumi.staging.yaml", stackYAML())
	writeFile(t, dir, "Pulumi.product.yaml", "config:\n  a: b: c\n")
	err := CheckParity(dir, "staging", "product")
	var verr *ValidationError
	require.True(t, errors.As(err, &verr), "got %T: %v", err, err)
	assert.Equal(t, filepath.Join(dir, "Pulumi.product.yaml")+":2: is not valid YAML: mapping values are not allowed in this context", err.Error())
}
