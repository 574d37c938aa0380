package view

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kirikae/kirikae/deploy"
)

// opOrder is the order every view lists changes in: what appears, what
// changes in place, what is rebuilt, what disappears.
var opOrder = []string{deploy.OpCreate, deploy.OpUpdate, deploy.OpReplace, deploy.OpDelete}

// secretMask replaces every secret value in every view.
const secretMask = "[secret]"

// secretSig is the key Pulumi marks a serialized secret with. Engine events
// normally carry "[secret]" already; masking the raw form too means a
// secret can never reach output through a property diff.
const secretSig = "4dabf18193072939515e22adb298388d"

// maxValue is how many runes of a value a diff line shows.
const maxValue = 80

// counts returns the per-op counts of r. The engine's summary is
// authoritative; the resource list is the fallback for a result built
// without one (an engine that sent no summary event).
func counts(r *deploy.Result) map[string]int {
	c := map[string]int{}
	if len(r.Changes) > 0 {
		for op, n := range r.Changes {
			c[op] = n
		}
		return c
	}
	for _, rc := range r.Resources {
		c[rc.Op]++
	}
	return c
}

// changed is the number of resources an operation creates, updates,
// replaces or deletes.
func changed(c map[string]int) int {
	n := 0
	for _, op := range opOrder {
		n += c[op]
	}
	return n
}

// phrase is "3 to create" (preview) or "3 created" (everything else).
func phrase(operation, op string, n int) string {
	if operation == "preview" {
		return fmt.Sprintf("%d to %s", n, op)
	}
	return fmt.Sprintf("%d %sd", n, op) // every op ends in "e"
}

// countList lists the non-zero changes and the unchanged count, e.g.
// "3 to create, 1 to update, 40 unchanged".
func countList(operation string, c map[string]int) string {
	var parts []string
	for _, op := range opOrder {
		if c[op] > 0 {
			parts = append(parts, phrase(operation, op, c[op]))
		}
	}
	if c[deploy.OpSame] > 0 {
		parts = append(parts, fmt.Sprintf("%d unchanged", c[deploy.OpSame]))
	}
	if len(parts) == 0 {
		return "nothing changed"
	}
	return strings.Join(parts, ", ")
}

// noChanges is the whole summary of an operation that changed nothing.
func noChanges(r *deploy.Result) string {
	switch r.Operation {
	case "refresh":
		return fmt.Sprintf("No drift. %s matches its resources.", r.Stack)
	case "destroy":
		return fmt.Sprintf("Nothing to destroy. %s has no resources.", r.Stack)
	}
	return fmt.Sprintf("No changes. %s is up to date.", r.Stack)
}

// historyChanges is the compact "+2 ~1 -0" of an update, with "±n" only
// when something was replaced so the common case stays short.
func historyChanges(c map[string]int) string {
	if c == nil {
		return ""
	}
	s := fmt.Sprintf("+%d ~%d -%d", c[deploy.OpCreate], c[deploy.OpUpdate], c[deploy.OpDelete])
	if n := c[deploy.OpReplace]; n > 0 {
		s += fmt.Sprintf(" ±%d", n)
	}
	return s
}

// symbol is the one-character op marker shared by the text views.
func symbol(op string) string {
	switch op {
	case deploy.OpCreate:
		return "+"
	case deploy.OpUpdate:
		return "~"
	case deploy.OpReplace:
		return "±"
	case deploy.OpDelete:
		return "-"
	}
	return "="
}

// duration is short and human: "0.4s", "12.0s", "1m12s".
func duration(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return d.Round(time.Second).String()
}

// stamp formats a time in UTC so output does not depend on the machine's
// zone (and golden files stay stable).
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// mask replaces serialized secrets anywhere inside v.
func mask(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x[secretSig]; ok {
			return secretMask
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = mask(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = mask(e)
		}
		return out
	}
	return v
}

// compact renders a value on one line: strings quoted, maps and lists as
// compact JSON, secrets masked, cut to max runes (0 = no limit).
func compact(v any, max int) string {
	v = mask(v)
	if v == secretMask {
		return secretMask
	}
	return truncate(marshal(v), max)
}

// plain renders an output value: strings as they are (a URL is copied, not
// unquoted), anything else as compact JSON.
func plain(o deploy.Output, max int) string {
	if o.Secret {
		return secretMask
	}
	v := mask(o.Value)
	if s, ok := v.(string); ok {
		return truncate(oneLine(s), max)
	}
	return truncate(marshal(v), max)
}

func marshal(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "<" in a value is not an HTML context here
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// truncate cuts s to max runes, marking the cut with "…".
func truncate(s string, max int) string {
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

// oneLine keeps a value on its line: a newline would break a table row.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", "↵", "\n", "↵", "\r", "↵").Replace(s)
}

// reDecor matches ANSI escapes and Pulumi's colour tags ("<{%reset%}>"):
// engine messages can carry either, and a view adds its own colours or none.
var reDecor = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]|<\{%[a-zA-Z]*%\}>`)

func clean(s string) string {
	return strings.TrimSpace(reDecor.ReplaceAllString(s, ""))
}

// sortedKeys returns m's keys in order, so maps render the same every time.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// diffLine renders one property change as "path: old → new".
func diffLine(p deploy.PropertyChange) string {
	kind, forces := strings.CutSuffix(p.Kind, "-replace")
	var s string
	switch kind {
	case "add":
		s = fmt.Sprintf("%s: + %s", p.Path, compact(p.New, maxValue))
	case "delete":
		s = fmt.Sprintf("%s: - %s", p.Path, compact(p.Old, maxValue))
	default:
		s = fmt.Sprintf("%s: %s → %s", p.Path, compact(p.Old, maxValue), compact(p.New, maxValue))
	}
	if forces {
		s += "  (forces replacement)"
	}
	return s
}
