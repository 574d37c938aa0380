package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/kirikae/kirikae/backend"
	"github.com/kirikae/kirikae/stacks"
)

// StateBackend is a backend someone else serves for the session: the
// sandbox's state bucket, reached through the sandbox's S3 endpoint with
// the credentials of the command's role, so every state read and write
// is authorised as on AWS.
type StateBackend struct {
	// URL is the Pulumi backend URL (s3://bucket?endpoint=…).
	URL string
	// Env is what the Pulumi CLI needs to reach it (credentials).
	Env map[string]string
	// Records holds kirikae's records there; Files its whole key space
	// (backend.OpenFiles).
	Records, Files backend.Store
	// Close stops serving it.
	Close func() error
}

// openBackend opens the session's backend: the one StartState serves in
// sandbox mode, else the URL's (the user's, or the project's file backend).
// The records store is opened before anything else touches the backend:
// an unsupported or malformed backend URL is bad input, and nothing may be
// created under it.
func openBackend(ctx context.Context, opts Options, paths Paths, cfg stacks.Config) (*StateBackend, error) {
	if opts.Sandbox && opts.StartState != nil {
		sb, err := opts.StartState(context.WithoutCancel(ctx), paths.AccountDir(cfg), cfg.Region)
		if err != nil {
			return nil, fmt.Errorf("serve sandbox state: %w", err)
		}
		return sb, nil
	}
	url := paths.BackendURL(opts.Backend)
	records, files, err := backend.OpenWithFiles(ctx, url)
	if err != nil {
		return nil, err
	}
	return &StateBackend{URL: url, Records: records, Files: files}, nil
}

// stateKey is the key of one of Pulumi's own files of a stack in a DIY
// backend with per-project layout (meta.yaml version 1, what this CLI
// creates): .pulumi/<kind>/<project>/<stack><suffix>; locks sit under the
// fixed organization "organization".
// https://www.pulumi.com/docs/iac/concepts/state-and-backends/#diy-backend
func stateKey(kind, project, stack, suffix string) string {
	if kind == "locks" {
		return ".pulumi/locks/organization/" + project + "/" + stack + suffix
	}
	return ".pulumi/" + kind + "/" + project + "/" + stack + suffix
}

// readFile reads one of the backend's files; ok is false when it is
// missing or unreadable (the caller then asks the CLI).
func readFile(ctx context.Context, files backend.Store, key string) ([]byte, bool) {
	if files == nil {
		return nil, false
	}
	raw, err := files.Get(ctx, key)
	if err != nil {
		return nil, false
	}
	if strings.HasSuffix(key, ".gz") {
		if raw, err = gunzip(raw); err != nil {
			return nil, false
		}
	}
	return raw, true
}

// listFiles lists the backend's keys under prefix, sorted (Store.List).
func listFiles(ctx context.Context, files backend.Store, prefix string) ([]string, error) {
	if files == nil {
		return nil, errors.New("no backend files")
	}
	return files.List(ctx, prefix)
}

// previewNothingYet points a read-only session of a stack the backend does
// not hold (Open has looked) at a scratch file backend of its own. A preview role may
// not create the stack (that writes its checkpoint, and in an empty bucket
// Pulumi's .pulumi/meta.yaml first), yet a team's first pull request
// previews before anything was deployed; an empty state previews the same
// in any backend, so the plan is the first deploy's and nothing is written
// to the team's.
func (s *Session) previewNothingYet(ctx context.Context) error {
	if !s.opts.ReadOnly {
		return nil
	}
	dir, err := os.MkdirTemp("", "kirikae-first-preview-*")
	if err != nil {
		return fmt.Errorf("create scratch state: %w", err)
	}
	files, err := backend.OpenFiles(ctx, "file://"+dir)
	if err != nil {
		_ = os.RemoveAll(dir)
		return err
	}
	closeState := s.closeState
	s.backendURL, s.files, s.NeverDeployed = "file://"+dir, files, true
	s.closeState = func() error {
		err := os.RemoveAll(dir)
		if closeState != nil {
			err = errors.Join(closeState(), err)
		}
		return err
	}
	return nil
}
