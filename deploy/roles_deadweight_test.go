package deploy_test

import (
	"encoding/json"
	"slices"
	"sort"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/access"
	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/sandbox"
)

// watchAccess records every request of a role session the sandbox decides
// during the test; the returned func reads the record so far.
func watchAccess(t *testing.T) func() []sandbox.AccessEvent {
	var mu sync.Mutex
	var events []sandbox.AccessEvent
	stop := sandbox.WatchAccess(func(ev sandbox.AccessEvent) {
		mu.Lock()
		events = append(events, ev)
		mu.Unlock()
	})
	t.Cleanup(stop)
	return func() []sandbox.AccessEvent {
		mu.Lock()
		defer mu.Unlock()
		return append([]sandbox.AccessEvent(nil), events...)
	}
}

// assertNoDeadWeight checks each statement of the role's policies (as
// `kirikae iam policy` prints them) against the requests the role made:
// some allowed request must be refused once the statement is removed from
// every policy of the role. skip names statements the sandbox cannot
// exercise, with why.
func assertNoDeadWeight(t *testing.T, dir, roleName string, events []sandbox.AccessEvent, skip map[string]string) {
	t.Helper()
	r, err := access.ParseRole(roleName)
	require.NoError(t, err)
	policies, err := deploy.SandboxRolePolicies(dir, r)
	require.NoError(t, err)
	iamName := deploy.SandboxRoleName(r)
	sids := map[string]bool{}
	for _, doc := range policies {
		for _, sid := range statementIDs(t, doc) {
			sids[sid] = true
		}
	}
	names := make([]string, 0, len(sids))
	for sid := range sids {
		names = append(names, sid)
	}
	sort.Strings(names)
	for _, sid := range names {
		if why, ok := skip[sid]; ok {
			t.Logf("%s %s: not exercised: %s", roleName, sid, why)
			continue
		}
		var rest []string
		for _, doc := range policies {
			if slices.Contains(statementIDs(t, doc), sid) {
				doc = without(t, doc, sid)
			}
			rest = append(rest, doc)
		}
		allowed, err := sandbox.AllowedBy(rest)
		require.NoError(t, err)
		var needed *sandbox.AccessEvent
		for i, ev := range events {
			if ev.Role != iamName || !ev.Allowed {
				continue
			}
			if !allowed(ev) {
				needed = &events[i]
				break
			}
		}
		if assert.NotNil(t, needed, "%s: statement %s granted nothing the role's commands needed (dead weight)", roleName, sid) {
			t.Logf("%s %s: needed for %s on %s", roleName, sid, needed.Action, needed.Resource)
		}
	}
}

func statementIDs(t *testing.T, doc string) []string {
	t.Helper()
	var p struct{ Statement []struct{ Sid string } }
	require.NoError(t, json.Unmarshal([]byte(doc), &p))
	out := make([]string, 0, len(p.Statement))
	for _, s := range p.Statement {
		out = append(out, s.Sid)
	}
	return out
}
