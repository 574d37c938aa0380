package stacks

import (
	"fmt"
	"reflect"
	"strings"
)

// Difference is a key one stack file has and another lacks, or a key
// whose value must be the same in both (Key.Same) and is not.
type Difference struct {
	Key     string
	In      string // file that has the key
	Line    int    // line of the key in In
	Missing string // file that lacks it (or holds another value)
	// Differs is set when both files have the key with different values.
	Differs bool
}

func (d Difference) String() string {
	if d.Differs {
		return fmt.Sprintf("%s:%d: %s differs from %s; every stack must check the same way (staging proves nothing about product otherwise)", d.In, d.Line, d.Key, d.Missing)
	}
	return fmt.Sprintf("%s:%d: %s is set here but missing from %s; every stack must set the same keys", d.In, d.Line, d.Key, d.Missing)
}

// Parity returns the keys present in one file and not the other: a setting
// added to staging only would otherwise reach product as a silent default.
// Values may differ, except for the keys marked Same (the release's own
// checks and migration); key sets may not.
func Parity(a, b StackFile) []Difference {
	return append(append(missingFrom(a, b), missingFrom(b, a)...), sameValues(a, b)...)
}

// sameValues reports the Same keys both files set to different values.
func sameValues(a, b StackFile) []Difference {
	theirs := map[string]Entry{}
	for _, e := range b.Entries {
		theirs[e.Key] = e
	}
	var out []Difference
	for _, e := range a.Entries {
		k, ok := Lookup(e.Key)
		other, both := theirs[e.Key]
		if !ok || !k.Same || !both || reflect.DeepEqual(e.Value, other.Value) {
			continue
		}
		out = append(out, Difference{Key: e.Key, In: a.Path, Line: e.Line, Missing: b.Path, Differs: true})
	}
	return out
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
