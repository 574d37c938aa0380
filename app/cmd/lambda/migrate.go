package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
)

// MigrateEvent is the event kirikae invokes a newly published version with
// to run kirikae:migrateCommand on Lambda, before alias live moves to it:
// Args are the command's words ("migrate"). The answer is a
// MigrateResult; a non-zero ExitCode refuses the release.
type MigrateEvent struct {
	Migrate []string `json:"kirikaeMigrate"`
}

// MigrateResult is what the function answers a MigrateEvent with.
type MigrateResult struct {
	ExitCode int    `json:"exitCode"`
	Output   string `json:"output"`
}

// handler serves API Gateway's HTTP API events, and migration events
// (told apart by their kirikaeMigrate field).
func handler(api func(context.Context, json.RawMessage) (any, error)) func(context.Context, json.RawMessage) (any, error) {
	return func(ctx context.Context, raw json.RawMessage) (any, error) {
		var ev MigrateEvent
		if json.Unmarshal(raw, &ev) == nil && ev.Migrate != nil {
			return runMigrate(ev.Migrate), nil
		}
		return api(ctx, raw)
	}
}

// runMigrate is the example's migration: the example API keeps no data,
// so it only says what it would bring the database to; a team's version
// opens its database here and applies its pending migrations (expand
// first: the previous version serves on the same database until the alias
// moves, and after a rollback).
func runMigrate(args []string) MigrateResult {
	var out bytes.Buffer
	if len(args) != 1 || args[0] != "migrate" {
		fmt.Fprintf(&out, "migrate: unexpected command %q (want: migrate)\n", args)
		return MigrateResult{ExitCode: 2, Output: out.String()}
	}
	fmt.Fprintf(&out, "migrate: release %s: database schema is up to date\n", Version)
	return MigrateResult{Output: out.String()}
}
