package deploy

import (
	"context"
	"fmt"
	"slices"

	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/stacks"
)

// pruneLambdaVersions deletes the function's published versions that no
// kept release names, so versions (and their code storage, which counts
// against the account's Lambda storage quota) do not pile up one per
// deploy. Kept: the versions of the newest kirikae:keepReleases releases
// that did not fail (what `rollback --to` can restore), the version alias
// live points at now (read from Lambda, not assumed), and the newest
// published version (the function's own `version`). Lambda itself refuses
// to delete a version an alias references.
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html
// https://docs.aws.amazon.com/lambda/latest/api/API_DeleteFunction.html
func (s *Session) pruneLambdaVersions(ctx context.Context, cfg stacks.Config, releases []Release) ([]string, error) {
	if cfg.Backend != stacks.BackendLambda {
		return nil, nil
	}
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return nil, err
	}
	fn := infra.FunctionName(cfg)
	live, err := c.AliasVersion(ctx, fn, infra.LiveAlias)
	if err != nil {
		return nil, fmt.Errorf("prune lambda versions: %w", err)
	}
	versions, err := c.FunctionVersions(ctx, fn)
	if err != nil {
		return nil, fmt.Errorf("prune lambda versions: %w", err)
	}
	keep := keptLambdaVersions(releases, cfg.KeepReleases)
	keep = append(keep, live.Version, live.Canary)
	if n := len(versions); n > 0 {
		keep = append(keep, versions[n-1])
	}
	var pruned []string
	for _, v := range versions {
		if slices.Contains(keep, v) {
			continue
		}
		if err := c.DeleteFunctionVersion(ctx, fn, v); err != nil {
			return pruned, fmt.Errorf("prune lambda versions: %w", err)
		}
		pruned = append(pruned, v)
	}
	return pruned, nil
}

// keptLambdaVersions are the versions of the newest keepN releases (5
// when unset) that did not fail, newest first.
func keptLambdaVersions(releases []Release, keepN int) []string {
	if keepN == 0 {
		keepN = 5
	}
	var keep []string
	for _, r := range releases {
		if len(keep) == keepN {
			break
		}
		// A failed release is no rollback target.
		if r.Verified == VerifyFailed || r.LambdaVersion == "" || slices.Contains(keep, r.LambdaVersion) {
			continue
		}
		keep = append(keep, r.LambdaVersion)
	}
	return keep
}
