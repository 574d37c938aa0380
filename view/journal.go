package view

import (
	"fmt"
	"strings"
	"time"

	"github.com/kirikae/kirikae/journal"
)

// journalRow is one operation as every format shows it.
type journalRow struct {
	when, op, result, who, release, took, detail string
}

func journalRows(recs []journal.Record) []journalRow {
	rows := make([]journalRow, 0, len(recs))
	for _, r := range recs {
		row := journalRow{when: stamp(r.Start.Time), op: r.Start.Op, result: r.Result, who: r.Start.Who, took: "-"}
		rel := r.Start.Release
		if r.End != nil {
			row.took = duration(time.Duration(r.End.DurationMs) * time.Millisecond)
			row.detail = r.End.Error
			if r.End.Note != "" {
				row.detail = strings.TrimSpace(r.End.Note + " " + row.detail)
			}
			if r.End.Release != nil {
				rel = r.End.Release
			}
		}
		if rel != nil {
			switch {
			case rel.ID > 0:
				row.release = fmt.Sprintf("%d (%s)", rel.ID, rel.Name)
			case rel.Name != "":
				row.release = rel.Name
			}
		}
		if r.Start.CIRun != "" {
			row.detail = strings.TrimSpace(row.detail + " " + r.Start.CIRun)
		}
		rows = append(rows, row)
	}
	return rows
}

// Journal prints the stack's operations, newest first.
func (h *Human) Journal(stack string, recs []journal.Record) error {
	if len(recs) == 0 {
		return h.write(fmt.Sprintf("No journal entries for %s in that period.\n", stack))
	}
	t := table{paint: func(row, col int, s string) string {
		if row == 0 {
			return h.c(bold, s)
		}
		if col == 2 {
			if s == journal.ResultInterrupted {
				return h.c(red, s) // never mistaken for a success
			}
			return h.c(resultColor(s), s)
		}
		return s
	}}
	t.add("WHEN", "OP", "RESULT", "WHO", "RELEASE", "TOOK", "DETAIL")
	for _, r := range journalRows(recs) {
		t.add(r.when, r.op, r.result, dash(r.who), dash(r.release), r.took, r.detail)
	}
	var b strings.Builder
	t.render(&b, "")
	return h.write(b.String())
}

type journalDoc struct {
	docKind
	Stack      string           `json:"stack"`
	Operations []journal.Record `json:"operations"`
}

// Journal writes the records as one object.
func (j *JSON) Journal(stack string, recs []journal.Record) error {
	if recs == nil {
		recs = []journal.Record{}
	}
	return j.emit("journal", &journalDoc{Stack: stack, Operations: recs})
}

// Journal writes the records as a table.
func (m *Markdown) Journal(stack string, recs []journal.Record) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### kirikae journal: %s\n\n", mdEscape.Replace(stack))
	if len(recs) == 0 {
		b.WriteString("No journal entries in that period.\n")
		return m.write(b.String())
	}
	rows := make([][]string, 0, len(recs))
	for _, r := range journalRows(recs) {
		rows = append(rows, []string{r.when, mdEscape.Replace(r.op), mdEscape.Replace(r.result), mdEscape.Replace(r.who),
			mdEscape.Replace(r.release), r.took, mdEscape.Replace(r.detail)})
	}
	mdTable(&b, []string{"When", "Op", "Result", "Who", "Release", "Took", "Detail"}, rows)
	return m.write(fit(b.String(), m.opts.MaxBytes))
}
