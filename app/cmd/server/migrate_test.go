package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMigrateSaysWhatItBringsTheDatabaseTo(t *testing.T) {
	var out bytes.Buffer
	assert.Equal(t, 0, migrate(&out, nil))
	assert.Equal(t, "migrate: release dev: database schema is up to date\n", out.String())

	out.Reset()
	assert.Equal(t, 2, migrate(&out, []string{"--down"}), "a mistyped command fails the release, not silently")
	assert.Contains(t, out.String(), "usage: server migrate")
}
