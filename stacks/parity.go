package stacks

import (
	"fmt"
	"strings"
)

// Difference is a key one stack file has and another lacks.
type Difference struct {
	Key     string
	In      string // file that has the key
	Line    int    // line of the key in In
	Missing string // file that lacks it
}

func (d Difference) String() string {
	return fmt.Sprintf("%s:%d: %s is set here but missing from %s; every stack must set the same keys", d.In, d.Line, d.Key, d.Missing)
}

// Parity returns the keys present in one file and not the other: a setting
// added to staging only would otherwise reach product as a silent default.
// Values may differ; key sets may not.
func Parity(a, b StackFile) []Difference {
	return append(missingFrom(a, b), missingFrom(b, a)...)
}

func missingFrom(have, lack StackFile) []Difference {
	keys := map[string]bool{}
	for _, e := range lack.Entries {
		keys[e.Key] = true
	}
	var out []Difference
	for _, e := range have.Entries {
		if !keys[e.Key] {
			out = append(out, Difference{Key: e.Key, In: have.Path, Line: e.Line, Missing: lack.Path})
		}
	}
	return out
}

// ParityError lists every key-set difference between stack files.
type ParityError struct {
	Differences []Difference
}

func (e *ParityError) Error() string {
	lines := make([]string, len(e.Differences))
	for i, d := range e.Differences {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// CheckParity compares the key sets of the named stacks (all stacks in
// projectDir when none are named) against the first one. It returns a
// *ParityError, an *ErrUnknownStack, a *ValidationError for a file that does
// not parse, or nil.
func CheckParity(projectDir string, stacks ...string) error {
	if len(stacks) == 0 {
		var err error
		if stacks, err = Stacks(projectDir); err != nil {
			return fmt.Errorf("check parity: %w", err)
		}
	}
	files := make([]StackFile, 0, len(stacks))
	for _, s := range stacks {
		f, problems, err := readStack(projectDir, s)
		if err != nil {
			return err
		}
		if !f.parsed {
			return &ValidationError{Problems: problems}
		}
		files = append(files, f)
	}
	var diffs []Difference
	for _, f := range files[min(1, len(files)):] {
		diffs = append(diffs, Parity(files[0], f)...)
	}
	if len(diffs) > 0 {
		return &ParityError{Differences: diffs}
	}
	return nil
}
