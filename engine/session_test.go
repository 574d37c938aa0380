package engine_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/engine"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/stacks"
)

// The engine knows the sandbox only as a provider it is handed: it asks
// for one over the stack's account, and a provider that cannot start fails
// Open with the reason.
func TestSandboxProviderIsStartedOverTheStacksAccount(t *testing.T) {
	dir := testproject.Copy(t)
	cli := testproject.CLI(t)
	var got string
	_, err := engine.Open(context.Background(), engine.Options{
		ProjectDir: dir, Stack: "staging", Sandbox: true, CLI: cli,
		StartProvider: func(_ context.Context, accountDir string) (string, func() error, error) {
			got = accountDir
			return "", nil, errors.New("port in use")
		},
	})
	require.Error(t, err)
	assert.Equal(t, "start sandbox provider: port in use", err.Error())
	assert.Equal(t, engine.PathsFor(dir, true).NamedAccountDir(engine.DefaultSandboxAccount), got,
		"stacks share the project's one sandbox account unless kirikae:sandboxAccount names another")
	product, err := stacks.Load(dir, "product")
	require.NoError(t, err)
	assert.Equal(t, got, engine.PathsFor(dir, true).AccountDir(product), "staging and product share it")
	product.SandboxAccount = "product"
	assert.NotEqual(t, got, engine.PathsFor(dir, true).AccountDir(product))
}

// Close stops the provider once; a real-mode session never asks for one.
func TestCloseStopsTheProviderOnce(t *testing.T) {
	dir := testproject.Copy(t)
	cli := testproject.CLI(t)
	stops := 0
	s, err := engine.Open(context.Background(), engine.Options{
		ProjectDir: dir, Stack: "staging", Sandbox: true, CLI: cli,
		StartProvider: func(context.Context, string) (string, func() error, error) {
			return "", func() error { stops++; return nil }, nil
		},
	})
	require.NoError(t, err)
	assert.Equal(t, 0, stops, "the provider runs while the session is open")
	require.NoError(t, s.Close())
	require.NoError(t, s.Close())
	assert.Equal(t, 1, stops)
}
