package stacks

import (
	"strings"
)

// MarkdownTable renders Keys() as the Markdown table in docs/config.md.
// A test keeps that file equal to this output.
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| Key | Type | Default | Required | Allowed | Release | Meaning |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	for _, k := range keyTable {
		def := "—"
		if k.Default != "" {
			def = "`" + k.Default + "`"
		}
		allowed := k.Rule
		if len(k.Allowed) > 0 {
			allowed = strings.Join(k.Allowed, ", ")
		}
		cells := []string{"`" + k.Name + "`", string(k.Type), def, yesNo(k.Required), allowed, yesNo(k.Release), k.Meaning}
		for i, c := range cells {
			cells[i] = strings.ReplaceAll(c, "|", `\|`)
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	return b.String()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return ""
}
