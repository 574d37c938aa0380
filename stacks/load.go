package stacks

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// FileName is the stack file name Pulumi uses for stack.
func FileName(stack string) string {
	return "Pulumi." + stack + ".yaml"
}

// Load reads <projectDir>/Pulumi.<stack>.yaml, applies defaults and validates
// it. A missing file is an *ErrUnknownStack; bad content a *ValidationError.
func Load(projectDir, stack string) (Config, error) {
	f, problems, err := readStack(projectDir, stack)
	if err != nil {
		return Config{}, err
	}
	return fromFile(f, stack, problems)
}

// Parse is Load on in-memory bytes; file is the name used in messages.
func Parse(file string, data []byte, stack string) (Config, error) {
	f, problems := ParseStackFile(file, data)
	return fromFile(f, stack, problems)
}

// readStack reads one stack file, turning "not found" into ErrUnknownStack.
func readStack(projectDir, stack string) (StackFile, []Problem, error) {
	// Pulumi names the file after the short stack name of "org/project/stack".
	short := stack[strings.LastIndex(stack, "/")+1:]
	if short == "" {
		return StackFile{}, nil, unknownStack(projectDir, stack)
	}
	f, problems, err := readStackFile(filepath.Join(projectDir, FileName(short)))
	if errors.Is(err, fs.ErrNotExist) {
		return StackFile{}, nil, unknownStack(projectDir, stack)
	}
	return f, problems, err
}

func unknownStack(projectDir, stack string) error {
	known, err := Stacks(projectDir)
	if err != nil {
		return err
	}
	return &ErrUnknownStack{Stack: stack, Dir: projectDir, Known: known}
}

// fromFile types, defaults and validates a parsed stack file, adding to the
// problems found while parsing it.
func fromFile(f StackFile, stack string, problems []Problem) (Config, error) {
	if !f.parsed {
		// Without every entry, required-key and parity messages would be noise.
		return Config{}, asError(problems)
	}
	c := Defaults(stack)
	c.File = f.Path
	o := newOrigin(f.Path)
	for _, e := range f.Entries {
		o.lines[e.Key] = e.Line
		o.items[e.Key] = e.ItemLines
		k, ok := Lookup(e.Key)
		if !ok {
			problems = append(problems, o.problem(e.Key, "", unknownKeyMessage(e.Key)))
			continue
		}
		if e.Text != "" {
			o.texts[k.Name] = e.Text
		}
		v, msg := fromEntry(k, e)
		if msg != "" {
			shown := e.Text
			if k.Type == TypeSecret {
				shown = "" // never echo what may be a plaintext secret
			}
			problems = append(problems, o.problem(k.Name, shown, msg))
			o.skip[k.Name] = true
			continue
		}
		if k.field != nil {
			set(k, &c, v)
			continue
		}
		for _, is := range checkOf(k)(v) {
			problems = append(problems, o.itemProblem(k.Name, is.item, is.value, is.msg))
		}
	}
	problems = append(problems, validate(c, o)...)
	if len(problems) > 0 {
		return Config{}, &ValidationError{Problems: problems}
	}
	return c, nil
}

func checkOf(k Key) checkFunc {
	if k.check == nil {
		return func(any) []issue { return nil }
	}
	return k.check
}

// Stacks lists the stacks that have a Pulumi.<stack>.yaml in projectDir,
// sorted.
func Stacks(projectDir string) ([]string, error) {
	entries, err := os.ReadDir(projectDir)
	if err != nil {
		return nil, fmt.Errorf("list stacks: %w", err)
	}
	var out []string
	for _, e := range entries {
		// "Pulumi.yaml" (the project file) has the prefix and the suffix
		// overlapping; the length test leaves it out.
		name := e.Name()
		const prefix, suffix = "Pulumi.", ".yaml"
		if e.IsDir() || len(name) <= len(prefix)+len(suffix) ||
			!strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, suffix) {
			continue
		}
		out = append(out, name[len(prefix):len(name)-len(suffix)])
	}
	slices.Sort(out)
	return out, nil
}
