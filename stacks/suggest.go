package stacks

import (
	"fmt"
	"strings"
)

// unknownKeyMessage explains an unknown key and suggests the closest known
// key, so a typo ("kirikae:imagetag", "imageTag", "kirkae:imageTag") is a
// one-line fix.
func unknownKeyMessage(key string) string {
	ns, name, namespaced := strings.Cut(key, ":")
	var msg string
	switch {
	case !namespaced:
		msg = "is not namespaced; kirikae keys are kirikae:<name> or aws:<name>"
	case ns != Namespace && ns != "aws":
		msg = fmt.Sprintf("has unknown namespace %q; kirikae reads only kirikae: and aws: keys", ns)
	default:
		msg = "is not a known key"
	}
	if !namespaced {
		name = key
	}
	if s := closestKey(key, name); s != "" {
		msg += "; did you mean " + s + "?"
	} else {
		msg += "; see docs/config.md for the keys"
	}
	return msg
}

// closestKey returns the known key nearest to key (whole name or name part
// only), or "" when nothing is close enough to be a plausible typo.
func closestKey(key, name string) string {
	best, bestDist := "", -1
	for _, k := range keyTable {
		_, kname, _ := strings.Cut(k.Name, ":")
		d := min(distance(strings.ToLower(key), strings.ToLower(k.Name)),
			distance(strings.ToLower(name), strings.ToLower(kname)))
		if bestDist < 0 || d < bestDist {
			best, bestDist = k.Name, d
		}
	}
	if bestDist > max(2, len(name)/3) {
		return ""
	}
	return best
}

// Closest returns the candidate nearest to name when it is close enough to
// be a typo ("stagin" → "staging"), otherwise "".
func Closest(name string, candidates []string) string {
	best, bestDist := "", -1
	for _, c := range candidates {
		d := distance(strings.ToLower(name), strings.ToLower(c))
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	if bestDist < 0 || bestDist > max(2, len(name)/3) {
		return ""
	}
	return best
}

// distance is the Levenshtein edit distance between a and b.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
