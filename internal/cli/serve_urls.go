package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/sandbox"
)

// serveURLs are the local addresses of a stack's public endpoints while
// `sandbox serve` runs (the --json banner's "urls").
type serveURLs struct {
	URL         string `json:"url"`
	FrontendURL string `json:"frontendUrl"`
	TestURL     string `json:"testUrl"`
}

// The endpoints, in --port order: url at N, frontendUrl at N+1, testUrl at N+2.
var publicOutputs = []string{infra.OutputURL, infra.OutputFrontendURL, infra.OutputTestURL}

// openLocalURLs opens a local port per public endpoint of the stack (Serve
// starts answering); each reads the stack's output from the sandbox's state
// on every request.
func openLocalURLs(projectDir, stack, frontDoor string, basePort int) (*sandbox.LocalURLs, error) {
	var routes []sandbox.LocalRoute
	for _, name := range publicOutputs {
		routes = append(routes, sandbox.LocalRoute{Output: name, Target: func() (string, error) {
			outs, ok, err := deploy.LocalOutputs(projectDir, stack, true)
			if err != nil {
				return "", err
			}
			v, _ := outs[name].Value.(string)
			if !ok || v == "" {
				return "", sandbox.ErrNoLocalTarget
			}
			return v, nil
		}})
	}
	return sandbox.OpenLocalURLs(frontDoor, basePort, routes)
}

func urlsOf(s *sandbox.LocalURLs) serveURLs {
	return serveURLs{URL: s.URLs[infra.OutputURL], FrontendURL: s.URLs[infra.OutputFrontendURL], TestURL: s.URLs[infra.OutputTestURL]}
}

// servedURLs is what a running serve leaves for `kirikae open`.
type servedURLs struct {
	PID   int       `json:"pid"`
	Stack string    `json:"stack"`
	URLs  serveURLs `json:"urls"`
	// What `sandbox env` exports: the AWS endpoint and region, and the
	// resource provider serve runs for a plain pulumi command.
	AWSEndpoint string `json:"awsEndpoint"`
	Region      string `json:"region"`
	Provider    string `json:"provider"`
}

// urlsFile sits in the project's sandbox dir (.kirikae/sandbox), beside
// the serve lock: one serve runs per project.
func urlsFile(projectDir string) string {
	return filepath.Join(filepath.Dir(deploy.PathsFor(projectDir, true).Account), "serve-urls.json")
}

func announceURLs(projectDir string, served servedURLs) error {
	served.PID = os.Getpid()
	raw, err := json.Marshal(served)
	if err != nil {
		return err
	}
	if err := os.WriteFile(urlsFile(projectDir), raw, 0o600); err != nil {
		return fmt.Errorf("announce local urls: %w", err)
	}
	return nil
}

func removeURLs(projectDir string, stack string) {
	if got, err := readServedURLs(projectDir); err == nil && got.PID == os.Getpid() && got.Stack == stack {
		_ = os.Remove(urlsFile(projectDir))
	}
}

var errNotServing = errors.New("no sandbox serve is running")

// readServedURLs returns the running serve's local URLs.
func readServedURLs(projectDir string) (servedURLs, error) {
	var got servedURLs
	raw, err := os.ReadFile(urlsFile(projectDir))
	if errors.Is(err, os.ErrNotExist) {
		return got, errNotServing
	}
	if err != nil {
		return got, err
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		return got, fmt.Errorf("read %s: %w", urlsFile(projectDir), err)
	}
	if got.PID <= 0 || syscall.Kill(got.PID, 0) != nil {
		return got, errNotServing
	}
	return got, nil
}
