package cli_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/internal/testproject"
)

// A switch-only rollback is planned without an engine preview. On a
// terminal it still shows the plan, says the engine has not checked it,
// and asks: "n" changes nothing; "y" applies it in one update.
func TestRollbackOnTerminalSaysThePlanIsNotPreviewedAndAsks(t *testing.T) {
	dir := testproject.Copy(t)
	fastVerify(t, dir)
	require.Equal(t, 0, kirikae(t, dir, "up", "--stack", "staging", "--sandbox", "--yes").code)
	pushImage(t, dir, "v2")
	r := kirikae(t, dir, "up", "--stack", "staging", "--sandbox", "--yes", "--image", "v2")
	require.Equal(t, 0, r.code, r.stderr)

	term := onTerminal(t, dir, []string{"NO_COLOR=1"}, "rollback", "--stack", "staging", "--sandbox")
	term.waitFor("[y/N]", 2*time.Minute)
	shown := term.output()
	assert.Contains(t, shown, "traffic green → blue (v2 → v1)")
	assert.Contains(t, shown, "without an engine preview")
	term.send("n\r")
	assert.Equal(t, 2, term.exit(time.Minute), term.output())
	assert.Contains(t, term.output(), "nothing was changed")
	assert.Equal(t, "v2", liveImage(t, dir, "staging"))

	term = onTerminal(t, dir, []string{"NO_COLOR=1"}, "rollback", "--stack", "staging", "--sandbox")
	term.waitFor("[y/N]", 2*time.Minute)
	term.send("y\r")
	require.Equal(t, 0, term.exit(2*time.Minute), term.output())
	assert.Contains(t, term.output(), "Rolled back image v1")
	assert.Contains(t, term.output(), "1 engine update")
	assert.Equal(t, "v1", liveImage(t, dir, "staging"))
}
