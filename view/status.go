package view

import (
	"fmt"
	"strings"

	"github.com/kirikae/kirikae/deploy"
)

type statusDoc struct {
	docKind
	*deploy.Status
}

// Status writes the stack's live state as one object.
func (j *JSON) Status(st *deploy.Status) error {
	return j.emit("status", &statusDoc{Status: st})
}

// Status prints the stack's live state: release, colours, alias, alarms,
// freeze and the last operation.
func (h *Human) Status(st *deploy.Status) error {
	var b strings.Builder
	b.WriteString(h.c(bold, "Status of "+st.Stack) + "\n")
	if !st.Deployed {
		b.WriteString("  not deployed\n")
	}
	for _, l := range statusLines(st) {
		fmt.Fprintf(&b, "  %-10s %s\n", l[0], l[1])
	}
	for _, p := range st.Problems {
		fmt.Fprintf(&b, "  %s %s\n", h.c(yellow, "could not read:"), p)
	}
	return h.write(b.String())
}

// Status writes the stack's live state as a list.
func (m *Markdown) Status(st *deploy.Status) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### kirikae status: %s\n\n", mdEscape.Replace(st.Stack))
	for _, l := range statusLines(st) {
		fmt.Fprintf(&b, "- **%s** %s\n", l[0], mdEscape.Replace(l[1]))
	}
	for _, p := range st.Problems {
		fmt.Fprintf(&b, "- **could not read** %s\n", mdEscape.Replace(p))
	}
	return m.write(fit(b.String(), m.opts.MaxBytes))
}

// statusLines is the status as label/value pairs every format shows.
func statusLines(st *deploy.Status) [][2]string {
	var out [][2]string
	if st.Live != nil {
		out = append(out, [2]string{"release", fmt.Sprintf("%d: %s (%s, verification %s)", st.Live.ID, st.Live.Name(), st.Live.Kind, st.Live.Verified)})
	}
	for _, c := range st.Colors {
		role := "idle"
		if c.Active {
			role = "active"
		}
		out = append(out, [2]string{c.Color, fmt.Sprintf("%s: %d/%d tasks running, %s", role, c.Running, c.Desired, shortTaskDef(c.TaskDefinition))})
	}
	if st.Alias != nil {
		v := "version " + st.Alias.Version
		if st.Alias.Canary != "" {
			v += fmt.Sprintf(", %.0f%% to version %s", st.Alias.CanaryWeight*100, st.Alias.Canary)
		}
		out = append(out, [2]string{"alias live", v})
	}
	if st.FrontendRelease != "" {
		out = append(out, [2]string{"frontend", st.FrontendRelease})
	}
	if len(st.Alarms) > 0 {
		var firing []string
		for _, a := range st.Alarms {
			if a.State == "ALARM" {
				firing = append(firing, a.Name)
			}
		}
		v := fmt.Sprintf("%d, none firing", len(st.Alarms))
		if len(firing) > 0 {
			v = fmt.Sprintf("%d, ALARM: %s", len(st.Alarms), strings.Join(firing, ", "))
		}
		out = append(out, [2]string{"alarms", v})
	}
	if st.Freeze != nil {
		out = append(out, [2]string{"frozen", fmt.Sprintf("by %s since %s: %s", st.Freeze.Who, stamp(st.Freeze.When), st.Freeze.Reason)})
	}
	if op := st.LastOperation; op != nil {
		out = append(out, [2]string{"last op", fmt.Sprintf("%s %s by %s, %s", op.Start.Op, op.Result, op.Start.Who, stamp(op.Start.Time))})
	}
	return out
}

// shortTaskDef is "family:revision" of a task definition ARN.
func shortTaskDef(arn string) string {
	if i := strings.LastIndex(arn, "/"); i >= 0 {
		return arn[i+1:]
	}
	return arn
}
