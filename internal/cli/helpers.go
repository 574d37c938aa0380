package cli

import (
	"os"
	"path/filepath"

	"github.com/kirikae/kirikae/stacks"
)

func stacksIn(dir string) ([]string, error) { return stacks.Stacks(dir) }

// releaseOverrides turns the release flags into config overrides; empty
// flags are left out so the last deployed values stay live.
func releaseOverrides(image, frontendRelease string) map[string]string {
	o := map[string]string{}
	if image != "" {
		o[stacks.KeyImageTag] = image
	}
	if frontendRelease != "" {
		o[stacks.KeyFrontendRelease] = frontendRelease
	}
	return o
}

// toolsDir is the pinned CLI module inside the project, "" when absent.
func toolsDir(projectDir string) string {
	p := filepath.Join(projectDir, "tools", "pulumi")
	if _, err := os.Stat(filepath.Join(p, "go.mod")); err != nil {
		return ""
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return ""
	}
	return abs
}
