package main

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMigrationEventsRunTheMigrationAndHTTPEventsTheAPI(t *testing.T) {
	api := func(context.Context, json.RawMessage) (any, error) { return "api", nil }
	h := handler(api)
	got, err := h(context.Background(), json.RawMessage(`{"kirikaeMigrate":["migrate"]}`))
	require.NoError(t, err)
	assert.Equal(t, MigrateResult{Output: "migrate: release dev: database schema is up to date\n"}, got)

	got, err = h(context.Background(), json.RawMessage(`{"kirikaeMigrate":["migrate","--down"]}`))
	require.NoError(t, err)
	assert.Equal(t, 2, got.(MigrateResult).ExitCode, "a mistyped command fails the release")

	got, err = h(context.Background(), json.RawMessage(`{"version":"2.0","rawPath":"/healthz"}`))
	require.NoError(t, err)
	assert.Equal(t, "api", got)
}
