package stacks

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseSmokeCheck(t *testing.T) {
	c, err := ParseSmokeCheck("GET /api/hello 200 hello world")
	require.NoError(t, err)
	assert.Equal(t, "GET", c.Method)
	assert.Equal(t, "/api/hello", c.Path)
	assert.Equal(t, 200, c.Status)
	assert.Equal(t, "hello world", c.Text, "TEXT is the rest of the line, spaces included")
	assert.Equal(t, "smoke GET /api/hello", c.Name())
	assert.Equal(t, "GET /api/hello 200 hello world", c.String())

	c, err = ParseSmokeCheck("POST /api/orders?dry=1 201")
	require.NoError(t, err)
	assert.Equal(t, "/api/orders?dry=1", c.Path)
	assert.Empty(t, c.Text)

	for in, want := range map[string]string{
		"GET /api/hello":          "is not METHOD PATH STATUS [TEXT] (e.g. GET /api/hello 200 hello)",
		"get /api/hello 200":      `has method "get"; use one of: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS`,
		"GET api/hello 200":       `has path "api/hello"; it must start with /`,
		"GET /api/hello ok":       `has status "ok"; it must be an HTTP status 100..599`,
		"GET /api/hello 700 text": `has status "700"; it must be an HTTP status 100..599`,
	} {
		_, err := ParseSmokeCheck(in)
		require.Error(t, err, in)
		assert.Equal(t, want, err.Error(), in)
	}
}

func TestSmokeChecksLoadTyped(t *testing.T) {
	c, err := Parse(testFile, []byte(stackYAML("kirikae:smokeChecks:", "  - GET /api/hello 200 hello", "  - HEAD /healthz 200")), "test")
	require.NoError(t, err)
	require.Len(t, c.SmokeChecks, 2)
	assert.Equal(t, SmokeCheck{Method: "GET", Path: "/api/hello", Status: 200, Text: "hello", text: "GET /api/hello 200 hello"}, c.SmokeChecks[0])
	assert.Equal(t, "HEAD", c.SmokeChecks[1].Method)
	assert.Equal(t, 5*60, int(c.SmokeTimeout.Seconds()), "default smokeTimeout")
}

// Each bad entry is named on its own line, every one in one pass.
func TestBadSmokeChecksNameTheirLines(t *testing.T) {
	got := problemsOf(t, stackYAML("kirikae:smokeChecks:",
		"  - GET /api/hello 200 hello",
		"  - FETCH /api/hello 200",
		"  - GET /api/hello two-hundred",
		"  - GET api 200"))
	assert.Equal(t, []string{
		`Pulumi.test.yaml:7: kirikae:smokeChecks: "FETCH /api/hello 200" has method "FETCH"; use one of: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS`,
		`Pulumi.test.yaml:8: kirikae:smokeChecks: "GET /api/hello two-hundred" has status "two-hundred"; it must be an HTTP status 100..599`,
		`Pulumi.test.yaml:9: kirikae:smokeChecks: "GET api 200" has path "api"; it must start with /`,
	}, got)
	assert.Equal(t, []string{`Pulumi.test.yaml:5: kirikae:smokeChecks: "GET /api/hello 200" is not a list; write a YAML sequence, one ` + "`- item`" + ` per line`},
		problemsOf(t, stackYAML("kirikae:smokeChecks: GET /api/hello 200")))
	assert.Equal(t, []string{`Pulumi.test.yaml:5: kirikae:migrateTimeout: "0s" must be longer than 0s`},
		problemsOf(t, stackYAML("kirikae:migrateTimeout: 0s")))
}

// The checks and the migration are config every stack shares: staging
// proves nothing about product if product checks something else.
func TestParityComparesTheValuesOfChecksAndMigration(t *testing.T) {
	a, _ := ParseStackFile("Pulumi.staging.yaml", []byte(stackYAML("kirikae:smokeChecks:", "  - GET /api/hello 200 hello", "kirikae:migrateCommand: migrate", "kirikae:desiredCount: 1")))
	b, _ := ParseStackFile("Pulumi.product.yaml", []byte(stackYAML("kirikae:smokeChecks:", "  - GET /api/hello 200", "kirikae:migrateCommand: migrate", "kirikae:desiredCount: 2")))
	got := Parity(a, b)
	require.Len(t, got, 1, "desiredCount may differ; migrateCommand is the same")
	assert.Equal(t, Difference{Key: KeySmokeChecks, In: "Pulumi.staging.yaml", Line: 5, Missing: "Pulumi.product.yaml", Differs: true}, got[0])
	assert.Equal(t, "Pulumi.staging.yaml:5: kirikae:smokeChecks differs from Pulumi.product.yaml; every stack must check the same way (staging proves nothing about product otherwise)", got[0].String())
}
