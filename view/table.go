package view

import (
	"strings"
	"unicode/utf8"
)

// table aligns columns by rune count. text/tabwriter is not used because it
// would count the bytes of ANSI colour codes as width: here cells are plain
// and colour is applied after padding.
type table struct {
	rows [][]string
	// paint colours one padded cell; nil leaves it plain.
	paint func(row, col int, cell string) string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

// render writes every row with indent in front and two spaces between
// columns. Trailing spaces are dropped so golden files stay clean.
func (t *table) render(b *strings.Builder, indent string) {
	var widths []int
	for _, row := range t.rows {
		for i, c := range row {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for r, row := range t.rows {
		var line strings.Builder
		line.WriteString(indent)
		for i, c := range row {
			cell := c
			if i < len(row)-1 {
				cell += strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)+2)
			}
			if t.paint != nil {
				// Colour the text only, not the padding after it.
				text := strings.TrimRight(cell, " ")
				cell = t.paint(r, i, text) + cell[len(text):]
			}
			line.WriteString(cell)
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteString("\n")
	}
}
