// Package smoke is the team's own test of a release, run by kirikae before
// traffic moves to it (kirikae:smokeCommand: `go test ./smoke -count=1`):
// KIRIKAE_SMOKE_URL is the staged release (the idle colour through the
// test listener), KIRIKAE_STACK and KIRIKAE_RELEASE say which stack and
// release. A failing test refuses the release while the previous one keeps
// serving. Replace these tests with the checks your API needs: a database
// round trip, a call to the service it integrates with.
// docs/checks-and-migrations.md shows it in the sandbox.
package smoke
