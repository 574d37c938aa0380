package testproject

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Any non-empty CI means CI: services set "true", "1" or "True".
func TestAnyNonEmptyCIMeansCI(t *testing.T) {
	for _, v := range []string{"true", "1", "True", "yes"} {
		t.Setenv("CI", v)
		assert.True(t, InCI(), v)
	}
	t.Setenv("CI", "")
	assert.False(t, InCI())
}

// In CI a missing tool fails the test instead of skipping it.
func TestMissingToolFailsInCI(t *testing.T) {
	t.Setenv("CI", "1")
	ft := &fakeT{}
	func() {
		defer func() { _ = recover() }()
		MissingTool(ft, "aws")
	}()
	assert.True(t, ft.failed, "a missing tool in CI is a failure")
	assert.False(t, ft.skipped)

	t.Setenv("CI", "")
	ft = &fakeT{}
	func() {
		defer func() { _ = recover() }()
		MissingTool(ft, "aws")
	}()
	assert.True(t, ft.skipped, "locally it is a skip")
	assert.False(t, ft.failed)
}

type fakeT struct {
	testing.TB
	failed, skipped bool
}

func (f *fakeT) Helper() {}
func (f *fakeT) Fatalf(string, ...any) {
	f.failed = true
	panic("fatal")
}
func (f *fakeT) Skipf(string, ...any) {
	f.skipped = true
	panic("skip")
}
