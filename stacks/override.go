package stacks

import (
	"maps"
	"slices"
)

// OverrideFile is the Problem.File of a problem in an override value.
const OverrideFile = "override"

// With returns a copy of c with overrides applied. Keys are full names
// ("kirikae:imageTag"); values are text as on a command line (lists
// comma-separated). The result is validated like a loaded file, and every
// problem comes back at once in a *ValidationError.
func (c Config) With(overrides map[string]string) (Config, error) {
	out := c
	// Fresh slices so the copy never shares backing arrays with c.
	out.PublicSubnetIDs = slices.Clone(c.PublicSubnetIDs)
	out.PrivateSubnetIDs = slices.Clone(c.PrivateSubnetIDs)
	out.AlertEmails = slices.Clone(c.AlertEmails)
	out.SmokeChecks = slices.Clone(c.SmokeChecks)

	o := newOrigin(c.File)
	var problems []Problem
	for _, name := range slices.Sorted(maps.Keys(overrides)) {
		text := overrides[name]
		o.files[name] = OverrideFile
		k, ok := Lookup(name)
		switch {
		case !ok:
			problems = append(problems, o.problem(name, "", unknownKeyMessage(name)))
			continue
		case k.Type == TypeSecret:
			problems = append(problems, o.problem(name, "", "is a secret and cannot be overridden; use: pulumi config set --secret "+name+" <value>"))
			continue
		case k.field == nil:
			problems = append(problems, o.problem(name, text, "is read by the AWS provider only; set it in the stack file"))
			continue
		}
		o.texts[name] = text
		v, msg := fromText(k.Type, text)
		if msg != "" {
			problems = append(problems, o.problem(name, text, msg))
			o.skip[name] = true
			continue
		}
		set(k, &out, v)
	}
	problems = append(problems, validate(out, o)...)
	if len(problems) > 0 {
		return c, &ValidationError{Problems: problems}
	}
	return out, nil
}
