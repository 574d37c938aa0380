package main

import (
	"fmt"
	"io"
)

// migrate is the example's database migration: kirikae runs the image with
// the arguments of kirikae:migrateCommand ("migrate") as a one-off ECS task
// of the new task definition, once per release and before it takes
// traffic; exit 0 lets the release go on. The Dockerfile's ENTRYPOINT is
// /server, so ECS's command override makes this `/server migrate`.
//
// The example API keeps no data, so it only says what it would bring the
// database to; a team's version opens its database here and applies its
// pending migrations (expand first: the previous release still serves on
// the same database until the flip, and after a rollback).
func migrate(out io.Writer, args []string) int {
	if len(args) > 0 {
		fmt.Fprintf(out, "migrate: unexpected arguments %q (usage: server migrate)\n", args)
		return 2
	}
	fmt.Fprintf(out, "migrate: release %s: database schema is up to date\n", Version)
	return 0
}
