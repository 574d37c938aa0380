package stacks

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"
)

// StackFile is a Pulumi.<stack>.yaml as written: its config keys with their
// exact spelling, line and raw value, before typing and defaults.
type StackFile struct {
	Path    string  // file name used in messages
	Entries []Entry // config entries in file order

	// parsed is set when Entries hold every entry with its value, so the
	// values can be checked even if the file had other problems.
	parsed bool
}

// Entry is one key of a stack file's config: map.
type Entry struct {
	Key  string // exact spelling, e.g. "kirikae:imageTag"
	Line int
	// ItemLines are the lines of a list's items, so a problem with one
	// item names its own line.
	ItemLines []int
	// Value is the value as viper decoded it: string, int, bool, float64,
	// []any, map[string]any or nil.
	Value any
	// Text is the scalar as written in the file ("1.10" stays "1.10" where
	// Value holds 1.1); "" for lists and maps.
	Text string
	// Secure is set for `key: {secure: <ciphertext>}` values.
	Secure     bool
	Ciphertext string
}

// Keys returns the entry keys in file order.
func (f StackFile) Keys() []string {
	out := make([]string, len(f.Entries))
	for i, e := range f.Entries {
		out[i] = e.Key
	}
	return out
}

// topLevelKeys are the keys Pulumi itself accepts at the top of a stack file.
var topLevelKeys = map[string]bool{
	"config": true, "secretsprovider": true, "encryptedkey": true,
	"encryptionsalt": true, "environment": true,
}

// ReadStackFile reads and parses path. A read failure is an error; content
// problems come back as a *ValidationError.
func ReadStackFile(path string) (StackFile, error) {
	f, problems, err := readStackFile(path)
	if err != nil {
		return f, err
	}
	return f, asError(problems)
}

func readStackFile(path string) (StackFile, []Problem, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return StackFile{}, nil, fmt.Errorf("read stack file: %w", err)
	}
	f, problems := ParseStackFile(path, data)
	return f, problems, nil
}

// ParseStackFile parses a stack file's bytes. The yaml.v3 node tree gives the
// exact key spelling and lines (viper lower-cases every key); viper gives the
// decoded values, looked up by the lower-cased key.
func ParseStackFile(file string, data []byte) (StackFile, []Problem) {
	f := StackFile{Path: file}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return f, []Problem{yamlProblem(file, err)}
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return f, []Problem{{File: file, Line: docLine(&doc), Message: "has no config: map; a stack file starts with `config:` followed by indented key: value lines"}}
	}
	var problems []Problem
	var cfg *yaml.Node
	top := doc.Content[0]
	for i := 0; i+1 < len(top.Content); i += 2 {
		k := top.Content[i]
		switch {
		case k.Value == "config":
			cfg = top.Content[i+1]
		case !topLevelKeys[k.Value]:
			problems = append(problems, Problem{File: file, Key: k.Value, Line: k.Line,
				Message: "is not a Pulumi stack file key; put settings under config:"})
		}
	}
	if cfg == nil || cfg.Kind != yaml.MappingNode {
		line := 1
		if cfg != nil {
			line = cfg.Line
		}
		return f, append(problems, Problem{File: file, Line: line, Message: "has no config: map; a stack file starts with `config:` followed by indented key: value lines"})
	}

	seen := map[string]int{}
	dups := false
	var valueNodes []*yaml.Node
	for i := 0; i+1 < len(cfg.Content); i += 2 {
		k, val := cfg.Content[i], cfg.Content[i+1]
		if first, dup := seen[k.Value]; dup {
			problems = append(problems, Problem{File: file, Key: k.Value, Line: k.Line,
				Message: fmt.Sprintf("is set twice (first on line %d)", first)})
			dups = true
			continue
		}
		seen[k.Value] = k.Line
		f.Entries = append(f.Entries, Entry{Key: k.Value, Line: k.Line})
		valueNodes = append(valueNodes, val)
	}
	if dups {
		// viper would refuse the duplicates with a less precise message.
		return f, problems
	}

	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		return f, append(problems, yamlProblem(file, err))
	}
	values, _ := v.Get("config").(map[string]any)
	for i := range f.Entries {
		e, val := &f.Entries[i], valueNodes[i]
		if val.Kind == yaml.AliasNode {
			val = val.Alias
		}
		e.Value = values[strings.ToLower(e.Key)]
		if val.Kind == yaml.ScalarNode && val.Tag != "!!null" {
			e.Text = val.Value
		}
		if val.Kind == yaml.SequenceNode {
			for _, item := range val.Content {
				e.ItemLines = append(e.ItemLines, item.Line)
			}
		}
		if m, ok := e.Value.(map[string]any); ok && len(m) == 1 {
			if ct, ok := m["secure"].(string); ok {
				e.Secure, e.Ciphertext = true, ct
			}
		}
	}
	f.parsed = true
	return f, problems
}

var (
	reYAMLLine   = regexp.MustCompile(`line (\d+)`)
	reYAMLPrefix = regexp.MustCompile(`^(unmarshal errors:\n\s*)?line \d+: `)
)

// yamlProblem turns a YAML parser error into a Problem carrying its line.
func yamlProblem(file string, err error) Problem {
	msg := err.Error()
	p := Problem{File: file}
	if m := reYAMLLine.FindStringSubmatch(msg); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
	}
	msg = strings.TrimPrefix(msg, "While parsing config: ")
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = reYAMLPrefix.ReplaceAllString(msg, "")
	p.Message = "is not valid YAML: " + msg
	return p
}

func docLine(doc *yaml.Node) int {
	if len(doc.Content) > 0 {
		return doc.Content[0].Line
	}
	return 1
}
