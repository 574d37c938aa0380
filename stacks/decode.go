package stacks

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// typeWord names a type in "is not <typeWord>" messages.
func typeWord(t Type) string {
	switch t {
	case TypeInt:
		return "an integer"
	case TypeBool:
		return "a boolean (true or false)"
	case TypeDuration:
		return "a duration (Go syntax: 90s, 5m, 1h30m)"
	case TypeFloat:
		return "a number"
	case TypeStringList:
		return "a list of strings"
	case TypeSecret:
		return "a secret"
	}
	return "a string"
}

// fromText converts text to the Go value of t: string, int, bool,
// time.Duration, float64 or []string (comma-separated). Pulumi stores every
// scalar it writes as a string ("2", "true"), so text is the common form for
// file values, defaults and overrides alike.
func fromText(t Type, s string) (any, string) {
	var (
		v   any
		err error
	)
	switch t {
	case TypeString:
		return s, ""
	case TypeInt:
		v, err = strconv.Atoi(strings.TrimSpace(s))
	case TypeBool:
		v, err = strconv.ParseBool(strings.TrimSpace(s))
	case TypeDuration:
		v, err = time.ParseDuration(strings.TrimSpace(s))
	case TypeFloat:
		v, err = strconv.ParseFloat(strings.TrimSpace(s), 64)
	case TypeStringList:
		var out []string
		for item := range strings.SplitSeq(s, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
		return out, ""
	case TypeSecret:
		return nil, "is a secret; set it with: pulumi config set --secret <key> <value>"
	}
	if err != nil {
		return nil, "is not " + typeWord(t)
	}
	return v, ""
}

// fromEntry converts a stack file entry to the Go value of k.Type.
func fromEntry(k Key, e Entry) (any, string) {
	switch {
	case k.Type == TypeSecret && e.Secure:
		if e.Ciphertext == "" {
			return nil, "has an empty secure: value; set it with: pulumi config set --secret " + k.Name + " <value>"
		}
		return Secret{Set: true, Ciphertext: e.Ciphertext}, ""
	case k.Type == TypeSecret:
		if v, ok := e.Value.(string); ok && strings.HasPrefix(v, SSMRefPrefix) {
			return secretRef(v)
		}
		// The plaintext is never echoed back: it is what must not leak.
		return nil, "is a secret but is stored in plain text; remove it and run: pulumi config set --secret " + k.Name + " <value>, or keep it in SSM and set " + k.Name + " to " + SSMRefPrefix + "/parameter/name"
	case e.Secure:
		return nil, "is encrypted (secure:) but is not a secret key; store it in plain text (secret keys: " + strings.Join(SecretKeys(), ", ") + ")"
	}
	switch v := e.Value.(type) {
	case map[string]any:
		return nil, "is a map; expected " + typeWord(k.Type)
	case []any:
		if k.Type != TypeStringList {
			return nil, "is a list; expected " + typeWord(k.Type)
		}
		out := make([]string, 0, len(v))
		for i, item := range v {
			switch item.(type) {
			case map[string]any, []any, nil:
				return nil, fmt.Sprintf("item %d is not a string", i+1)
			}
			out = append(out, fmt.Sprint(item))
		}
		return out, ""
	case nil:
		if k.Type == TypeStringList {
			return []string(nil), ""
		}
	default:
		if k.Type == TypeStringList {
			return nil, "is not a list; write a YAML sequence, one `- item` per line"
		}
	}
	return fromText(k.Type, e.Text)
}

// set stores v (the Go value of k.Type) in c's field for k.
func set(k Key, c *Config, v any) {
	switch p := k.field(c).(type) {
	case *string:
		*p = v.(string)
	case *int:
		*p = v.(int)
	case *bool:
		*p = v.(bool)
	case *time.Duration:
		*p = v.(time.Duration)
	case *float64:
		*p = v.(float64)
	case *[]string:
		*p = v.([]string)
	case *[]SmokeCheck:
		*p = smokeEntries(v.([]string))
	case *Secret:
		*p = v.(Secret)
	default:
		panic(fmt.Sprintf("stacks: key %s has field of type %T", k.Name, p))
	}
}

// get returns c's value for k as the Go value of k.Type.
func get(k Key, c *Config) any {
	switch p := k.field(c).(type) {
	case *string:
		return *p
	case *int:
		return *p
	case *bool:
		return *p
	case *time.Duration:
		return *p
	case *float64:
		return *p
	case *[]string:
		return *p
	case *[]SmokeCheck:
		return smokeTexts(*p)
	case *Secret:
		return *p
	}
	panic(fmt.Sprintf("stacks: key %s has an unsupported field", k.Name))
}

// display renders a typed value for a message; secrets render as "".
func display(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case []string:
		return strings.Join(x, ",")
	case Secret:
		return ""
	}
	return fmt.Sprint(v)
}

// isZero reports an unset value, for required keys.
func isZero(v any) bool {
	switch x := v.(type) {
	case string:
		return x == ""
	case []string:
		return len(x) == 0
	case Secret:
		return !x.Set
	}
	return false
}

// Defaults returns a Config holding every key's default, for the given stack.
func Defaults(stack string) Config {
	c := Config{Stack: stack}
	for _, k := range keyTable {
		if k.field == nil || k.Type == TypeSecret {
			continue
		}
		v, msg := fromText(k.Type, k.Default)
		if msg != "" {
			panic(fmt.Sprintf("stacks: default of %s %s", k.Name, msg))
		}
		set(k, &c, v)
	}
	return c
}

// Text returns c's value for a key as config text (what `With` accepts
// back), and false for a key kirikae does not read into Config. Secrets
// return "": their plaintext never leaves the engine.
func (c Config) Text(key string) (string, bool) {
	k, ok := Lookup(key)
	if !ok || k.field == nil {
		return "", false
	}
	return display(get(k, &c)), true
}

// secretRef reads `ssm:NAME`: a Parameter Store name (`/a/b` or `a`) or
// its ARN.
// https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-su-create.html
func secretRef(v string) (any, string) {
	name := strings.TrimPrefix(v, SSMRefPrefix)
	switch {
	case name == "":
		return nil, "names no parameter; write " + SSMRefPrefix + "/parameter/name"
	case strings.HasPrefix(name, "arn:") && !strings.Contains(name, ":parameter/"):
		return nil, "is not a parameter ARN (arn:aws:ssm:REGION:ACCOUNT:parameter/NAME)"
	case strings.ContainsAny(name, " \t\n"):
		return nil, "is not a parameter name (no spaces)"
	}
	return Secret{Set: true, Ref: name}, ""
}
