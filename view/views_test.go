package view

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// everything runs every command against one view and returns all it wrote.
func everything(t *testing.T, mk func(out, errOut *bytes.Buffer) View) string {
	t.Helper()
	var all strings.Builder
	for _, cmd := range []command{cmdPreview, cmdUp, cmdNoChange, cmdRefresh, cmdLong, cmdHistory, cmdOutputs, cmdStacks, cmdConfig, cmdVersion} {
		var out, errOut bytes.Buffer
		require.NoError(t, cmd(mk(&out, &errOut)))
		all.WriteString(out.String())
		all.WriteString(errOut.String())
	}
	return all.String()
}

var allViews = map[string]func(out, errOut *bytes.Buffer) View{
	"human":       human(HumanOptions{ShowDiff: true}),
	"human-tty":   human(HumanOptions{TTY: true, Color: true, ShowDiff: true}),
	"json":        jsonView(JSONOptions{}),
	"json-stream": jsonView(JSONOptions{Stream: true}),
	"markdown":    markdown(mdOpts),
}

func TestSecretsNeverShown(t *testing.T) {
	for name, mk := range allViews {
		t.Run(name, func(t *testing.T) {
			got := everything(t, mk)
			assert.NotContains(t, got, secretOutput)
			assert.NotContains(t, got, secretProp)
			assert.NotContains(t, got, secretSig, "a serialized secret leaked unmasked")
			assert.Contains(t, got, secretMask, "the fixtures' secrets are shown masked")
		})
	}
}

func TestViewsRejectNilResult(t *testing.T) {
	for name, mk := range allViews {
		var out, errOut bytes.Buffer
		assert.ErrorIs(t, mk(&out, &errOut).Result(nil), errNilResult, name)
	}
}

func TestResultSurfacesWriteErrors(t *testing.T) {
	views := map[string]View{
		"human":    NewHuman(failWriter{}, failWriter{}, HumanOptions{}),
		"json":     NewJSON(failWriter{}, JSONOptions{}),
		"markdown": NewMarkdown(failWriter{}, MarkdownOptions{}),
	}
	for name, v := range views {
		assert.Error(t, v.Result(previewResult()), name)
		assert.Error(t, v.Version(fixtureVersion()), name)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, assert.AnError }
