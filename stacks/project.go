package stacks

import (
	"fmt"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"
)

// ProjectName reads the Pulumi project's name from <projectDir>/Pulumi.yaml:
// the prefix of the stack's state keys, which is the project's own (kirikae
// init sets it), not the config Namespace.
func ProjectName(projectDir string) (string, error) {
	raw, err := os.ReadFile(filepath.Join(projectDir, "Pulumi.yaml"))
	if err != nil {
		return "", fmt.Errorf("read project file: %w", err)
	}
	var p struct {
		Name string `yaml:"name"`
	}
	if err := yaml.Unmarshal(raw, &p); err != nil {
		return "", fmt.Errorf("read project file Pulumi.yaml: %w", err)
	}
	if p.Name == "" {
		return "", fmt.Errorf("read project file Pulumi.yaml: it has no name")
	}
	return p.Name, nil
}
