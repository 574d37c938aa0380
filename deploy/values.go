package deploy

import (
	"maps"

	"github.com/kirikae/kirikae/stacks"
)

// releaseKeys are the config keys deploys and rollbacks move.
func releaseKeys() []string {
	var out []string
	for _, k := range stacks.Keys() {
		if k.Release {
			out = append(out, k.Name)
		}
	}
	return out
}

// releaseValue reads one release key from a typed config as config text.
// It is how a stack that was never deployed gets its "current" values: the
// repo file's, defaults included.
func releaseValue(c stacks.Config, key string) string {
	v, _ := c.Text(key)
	return v
}

// valuesOf returns every release value: deployed ones where a snapshot has
// them, the config's otherwise.
func valuesOf(base stacks.Config, deployed map[string]string) map[string]string {
	out := map[string]string{}
	for _, k := range releaseKeys() {
		if v, ok := deployed[k]; ok {
			out[k] = v
		} else {
			out[k] = releaseValue(base, k)
		}
	}
	return out
}

func clone(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	maps.Copy(out, m)
	return out
}

// activeOf is the active colour of a set of release values (blue when
// unset, like the program).
func activeOf(v map[string]string) string {
	if v[stacks.KeyActiveColor] == stacks.ColorGreen {
		return stacks.ColorGreen
	}
	return stacks.ColorBlue
}

func otherColor(c string) string {
	if c == stacks.ColorGreen {
		return stacks.ColorBlue
	}
	return stacks.ColorGreen
}

// idleImageOf is the image the idle colour runs ("" means the active one).
func idleImageOf(v map[string]string) string {
	if v[stacks.KeyIdleImageTag] != "" {
		return v[stacks.KeyIdleImageTag]
	}
	return v[stacks.KeyImageTag]
}

// sameServing reports whether two sets of values serve the same release:
// the same image, frontend release and Lambda pin. Colours and weights are
// how a release is served, not which one.
func sameServing(a, b map[string]string) bool {
	for _, k := range []string{stacks.KeyImageTag, stacks.KeyFrontendRelease, stacks.KeyLambdaAliasVersion, stacks.KeyLambdaArtifact} {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}

// RollbackCommand is the exact command that makes release version live again.
func (s *Session) RollbackCommand(version int) string { return s.rollbackCommand(version) }
