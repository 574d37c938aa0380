package deploy

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/kirikae/kirikae/stacks"
)

// Values are a stack's release values: what a deploy, rollback or promote
// moves, as opposed to config people edit by hand. They travel as this one
// type from the flags (`--image` sets Image.Tag) through planning and the
// switch steps to the engine, where Config turns them into the stack
// config keys the program reads (kirikae:imageTag, kirikae:imageDigest →
// infra's task definition image `repositoryUrl@digest`).
type Values struct {
	// Image is what the active colour runs.
	Image Image
	// ActiveColor receives live traffic: blue or green.
	ActiveColor string
	// IdleImage is what the idle colour keeps warm; zero means Image.
	IdleImage Image
	// IdleWeight is the percent sent to the idle colour while a canary bakes.
	IdleWeight int
	Lambda     Lambda
	// FrontendRelease is the releases/<id>/ prefix CloudFront serves.
	FrontendRelease string
	// Schema is kirikae:dbSchemaVersion as applied: recorded with the live
	// values (a rollback refuses to cross it) but never applied back by a
	// deploy; the repo's stack file owns it.
	Schema string
}

// Image names a container image in the stack's ECR repository.
type Image struct {
	Tag string
	// Digest is the manifest digest ECR resolved Tag to when the release
	// was staged ("" for releases recorded before digests were kept).
	Digest string
}

// Lambda is the Lambda half of a release.
type Lambda struct {
	// Version pins alias `live`; "" means the version the update publishes.
	Version string
	// Artifact is the deployment package (path in the project or s3://).
	Artifact string
	// Revision is the s3:// artifact's object version id or quoted ETag
	// (lambda_artifact.go); "" for a local artifact.
	Revision string
	// CanaryWeight is the percent routed to the newest version while the
	// alias stays on Version.
	CanaryWeight int
	// CodeSha256 is the artifact's CodeSha256 as kirikae hashed it when it
	// planned (lambda_code.go): what the published version must run. Not a
	// stack config key; the release records it.
	CodeSha256 string
}

// valueField maps one release config key to and from Values. This table
// is the one place release values meet stack config keys: the engine's
// stack file, the releaseValues output and release records all go
// through it.
type valueField struct {
	key  string
	get  func(Values) string
	set  func(*Values, string) error
	zero func(Values) bool
}

func textField(key string, p func(*Values) *string) valueField {
	return valueField{key: key,
		zero: func(v Values) bool { return *p(&v) == "" },
		get:  func(v Values) string { return *p(&v) },
		set:  func(v *Values, s string) error { *p(v) = s; return nil }}
}

func intField(key string, p func(*Values) *int) valueField {
	return valueField{key: key,
		zero: func(v Values) bool { return *p(&v) == 0 },
		get:  func(v Values) string { return strconv.Itoa(*p(&v)) },
		set: func(v *Values, s string) error {
			if s == "" {
				*p(v) = 0
				return nil
			}
			n, err := strconv.Atoi(s)
			if err != nil {
				return fmt.Errorf("read %s: %q is not a number", key, s)
			}
			*p(v) = n
			return nil
		}}
}

// valueFields are the release keys (stacks.Key.Release) in table order;
// TestValueFieldsCoverReleaseKeys keeps the two lists the same.
var valueFields = []valueField{
	textField(stacks.KeyImageTag, func(v *Values) *string { return &v.Image.Tag }),
	textField(stacks.KeyIdleImageTag, func(v *Values) *string { return &v.IdleImage.Tag }),
	textField(stacks.KeyImageDigest, func(v *Values) *string { return &v.Image.Digest }),
	textField(stacks.KeyIdleImageDigest, func(v *Values) *string { return &v.IdleImage.Digest }),
	textField(stacks.KeyActiveColor, func(v *Values) *string { return &v.ActiveColor }),
	intField(stacks.KeyIdleWeight, func(v *Values) *int { return &v.IdleWeight }),
	textField(stacks.KeyLambdaArtifact, func(v *Values) *string { return &v.Lambda.Artifact }),
	textField(stacks.KeyLambdaArtifactRevision, func(v *Values) *string { return &v.Lambda.Revision }),
	textField(stacks.KeyLambdaAliasVersion, func(v *Values) *string { return &v.Lambda.Version }),
	intField(stacks.KeyLambdaCanaryWeight, func(v *Values) *int { return &v.Lambda.CanaryWeight }),
	textField(stacks.KeyFrontendRelease, func(v *Values) *string { return &v.FrontendRelease }),
}

// schemaField is recorded beside the release values, never applied.
var schemaField = textField(stacks.KeyDBSchemaVersion, func(v *Values) *string { return &v.Schema })

// Config is the values as the stack config the engine applies: every
// release key, the schema left out (the stack file's wins).
func (v Values) Config() map[string]string {
	out := make(map[string]string, len(valueFields))
	for _, f := range valueFields {
		out[f.key] = f.get(v)
	}
	return out
}

// Map is the values as config keys, zero values left out: the JSON form
// of the releaseValues output, release records and plans. A key missing
// when read back is the zero value, so nothing is lost.
func (v Values) Map() map[string]string {
	out := map[string]string{}
	for _, f := range append(slices.Clone(valueFields), schemaField) {
		if !f.zero(v) {
			out[f.key] = f.get(v)
		}
	}
	return out
}

// apply sets the keys m names (config keys; others are ignored) and
// returns the result; v is not changed.
func (v Values) apply(m map[string]string) (Values, error) {
	for _, f := range append(slices.Clone(valueFields), schemaField) {
		if s, ok := m[f.key]; ok {
			if err := f.set(&v, s); err != nil {
				return v, err
			}
		}
	}
	return v, nil
}

// MarshalJSON writes Map: the format records have always had.
func (v Values) MarshalJSON() ([]byte, error) { return json.Marshal(v.Map()) }

// UnmarshalJSON reads a config-key object, old records (every key, ""
// and "0" included) as well as new ones.
func (v *Values) UnmarshalJSON(b []byte) error {
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	got, err := Values{}.apply(m)
	if err != nil {
		return err
	}
	*v = got
	return nil
}

// baseValues are the release values of a typed config: what a stack that
// was never deployed starts from (the repo file's, defaults included).
func baseValues(c stacks.Config) Values {
	return Values{
		Image:       Image{Tag: c.ImageTag, Digest: c.ImageDigest},
		ActiveColor: c.ActiveColor, IdleImage: Image{Tag: c.IdleImageTag, Digest: c.IdleImageDigest},
		IdleWeight:      c.IdleWeight,
		Lambda:          Lambda{Version: c.LambdaAliasVersion, Artifact: c.LambdaArtifact, Revision: c.LambdaArtifactRevision, CanaryWeight: c.LambdaCanaryWeight},
		FrontendRelease: c.FrontendRelease, Schema: c.DBSchemaVersion,
	}
}

// valuesOf returns the release values live now: deployed ones where a
// snapshot (config keys) has them, the repo file's otherwise.
func valuesOf(base stacks.Config, deployed map[string]string) (Values, error) {
	return baseValues(base).apply(deployed)
}

// activeColor is the active colour (blue when unset, like the program).
func (v Values) activeColor() string {
	if v.ActiveColor == stacks.ColorGreen {
		return stacks.ColorGreen
	}
	return stacks.ColorBlue
}

func otherColor(c string) string {
	if c == stacks.ColorGreen {
		return stacks.ColorBlue
	}
	return stacks.ColorGreen
}

// idleImage is the image the idle colour runs (zero IdleImage means the
// active one).
func (v Values) idleImage() Image {
	if v.IdleImage.Tag != "" {
		return v.IdleImage
	}
	return v.Image
}

// sameServing reports whether two sets of values serve the same release:
// the same image, frontend release and Lambda pin. Colours and weights are
// how a release is served, not which one.
func sameServing(a, b Values) bool {
	return a.Image.Tag == b.Image.Tag && a.FrontendRelease == b.FrontendRelease &&
		a.Lambda.Version == b.Lambda.Version && a.Lambda.Artifact == b.Lambda.Artifact
}

// configHash identifies a set of values: two releases with the same hash
// applied exactly the same values.
func configHash(v Values) string { return hashMap(v.Config()) }

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

// RollbackCommand is the exact command that makes release version live again.
func (s *Session) RollbackCommand(version int) string { return s.rollbackCommand(version) }
