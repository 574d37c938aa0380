package deploy_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/backend"
	"github.com/kirikae/kirikae/backend/backendtest"
	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/journal"
	"github.com/kirikae/kirikae/stacks"
)

// teamStore is an s3:// backend's record store over gofakes3, which
// honours the conditional PUT (If-None-Match: *) the lock is made of.
func teamStore(t *testing.T) backend.Store {
	st, _ := backendtest.S3(t)
	return st
}

// Two clients (a CI run and a laptop) race `up` on one stack whose records
// live in one s3 backend: exactly one deploys, the other is refused naming
// the holder and since when, nothing is corrupted (one new release, the
// stack serves the winner's image, nothing left to apply, the lock is
// free), and the journal holds both: the winner's up and the refusal.
func TestTwoClientsRaceUpOnAnS3Backend(t *testing.T) {
	t.Parallel()
	store := teamStore(t)
	open := func(dir string) *deploy.Session {
		s, err := deploy.Open(context.Background(), deploy.Options{
			ProjectDir: dir, Stack: "staging", Sandbox: true, CLI: testproject.CLI(t), Records: store,
		})
		require.NoError(t, err)
		deploy.SetVerifyInterval(s, 0)
		deploy.SetSleep(s, func(context.Context, time.Duration) error { return nil })
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	// Two machines: two checkouts, each with its own work dirs, sharing
	// what a team shares: the Pulumi state (in an s3:// backend; here the
	// sandbox's state dir), the AWS account, and kirikae's records (the s3
	// store). Nothing on disk is common to both but what they share.
	ciDir, laptopDir := testproject.Copy(t), testproject.Copy(t)
	ci := open(ciDir)
	deployImage(t, ci, "v1")
	ciPaths, laptopPaths := deploy.PathsFor(ciDir, true), deploy.PathsFor(laptopDir, true)
	require.NoError(t, os.MkdirAll(filepath.Dir(laptopPaths.Backend), 0o700))
	require.NoError(t, os.Symlink(ciPaths.Backend, laptopPaths.Backend))
	require.NoError(t, os.Symlink(ciPaths.Account, laptopPaths.Account))
	pass, err := os.ReadFile(ciPaths.Passphrase)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(laptopPaths.Passphrase, pass, 0o600))
	laptop := open(laptopDir)

	images := []string{"v2", "v3"}
	results := make([]*deploy.DeployResult, 2)
	errs := make([]error, 2)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, s := range []*deploy.Session{ci, laptop} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i], errs[i] = deployWith(s, map[string]string{stacks.KeyImageTag: images[i]})
		}()
	}
	close(start)
	wg.Wait()

	winner := -1
	for i, err := range errs {
		if err == nil {
			require.Equal(t, -1, winner, "both deployed")
			winner = i
		}
	}
	require.NotEqual(t, -1, winner, "neither deployed: %v", errs)
	loser := 1 - winner
	var ce *deploy.ConcurrentUpdateError
	require.ErrorAs(t, errs[loser], &ce, "the loser is told the stack is busy")
	assert.False(t, ce.Stale)
	assert.Contains(t, ce.Holder, "pid ")
	_, err = time.Parse(time.RFC3339, ce.Since)
	assert.NoError(t, err, "since when: %q", ce.Since)

	rels, err := ci.Releases(context.Background())
	require.NoError(t, err)
	var tags []string
	for _, r := range rels {
		tags = append(tags, r.ImageTag)
	}
	assert.ElementsMatch(t, []string{"v1", images[winner]}, tags, "one release per deploy that ran")
	live, ok := deploy.LiveRelease(rels)
	require.True(t, ok)
	assert.Equal(t, images[winner], live.ImageTag)
	assert.Equal(t, images[winner], results[winner].Release.ImageTag)

	held, err := laptop.HeldLock(context.Background())
	require.NoError(t, err)
	assert.Nil(t, held, "the winner released the lock")
	res, err := laptop.Preview(context.Background(), deploy.PreviewOptions{})
	require.NoError(t, err)
	assert.False(t, res.HasChanges(), "the state is whole: nothing left to apply")

	recs, err := laptop.Journal(context.Background(), time.Time{})
	require.NoError(t, err)
	var won, refused bool
	for _, r := range recs {
		switch {
		case r.Start.Op == "up" && r.Result == journal.ResultSucceeded && r.Start.Release != nil &&
			r.Start.Release.Values[stacks.KeyImageTag] == images[winner]:
			won = true
		case r.Result == journal.ResultFailed && r.End != nil && strings.Contains(r.End.Note, "refused: the stack is locked"):
			refused = true
			assert.Contains(t, r.End.Error, "is being updated by another process")
		}
	}
	assert.True(t, won, "the winner's up is journaled")
	assert.True(t, refused, "the refused up is journaled")
	assert.False(t, errors.Is(errs[loser], context.Canceled))
}
