package scaffold

import (
	"bytes"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/kirikae/kirikae/stacks"
)

// write copies the template into dir with the project's settings applied
// and returns how many files it wrote.
func (p *project) write(dir string) (int, error) {
	n := 0
	for _, rel := range p.files {
		if p.service != nil && strings.HasPrefix(rel, ServicePath+"/") {
			continue // replaced by the team's service below
		}
		src := filepath.Join(p.template, filepath.FromSlash(rel))
		st, err := os.Stat(src)
		if err != nil {
			return n, fmt.Errorf("read %s: %w", rel, err)
		}
		raw, err := os.ReadFile(src)
		if err != nil {
			return n, fmt.Errorf("read %s: %w", rel, err)
		}
		out, err := p.rewrite(rel, raw)
		if err != nil {
			return n, err
		}
		if err := writeFile(filepath.Join(dir, filepath.FromSlash(rel)), out, st.Mode().Perm()); err != nil {
			return n, err
		}
		n++
	}
	if p.service != nil {
		for _, f := range p.service.files {
			raw, err := os.ReadFile(f.Path)
			if err != nil {
				return n, fmt.Errorf("read %s: %w", f.Path, err)
			}
			rel := ServicePath + "/" + f.Rel
			if strings.HasSuffix(rel, ".go") {
				if raw, err = rewriteImports(rel, raw, p.oldModule, p.module); err != nil {
					return n, err
				}
			}
			if err := writeFile(filepath.Join(dir, filepath.FromSlash(rel)), raw, 0o644); err != nil {
				return n, err
			}
			n++
		}
	}
	// The new stack files must load as kirikae reads them: a template
	// whose files do not is reported here, before anything is moved into
	// place, not at the team's first deploy.
	for _, stack := range stackNames {
		if _, err := stacks.Load(dir, stack); err != nil {
			return n, fmt.Errorf("check the new stack file Pulumi.%s.yaml: %w", stack, err)
		}
	}
	return n, nil
}

func writeFile(path string, data []byte, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	if err := os.WriteFile(path, data, mode); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// rewrite applies the project's settings to one template file.
func (p *project) rewrite(rel string, raw []byte) ([]byte, error) {
	switch {
	case filepath.Base(rel) == "go.mod":
		return rewriteModuleLine(raw, p.oldModule, p.module), nil
	case strings.HasSuffix(rel, ".go"):
		return rewriteImports(rel, raw, p.oldModule, p.module)
	case slices.Contains(generatedDocs, rel):
		return p.renameInDoc(raw), nil
	case rel == "Pulumi.yaml":
		return setYAML(rel, raw, map[string]string{"name": p.name})
	case rel == "Pulumi.staging.yaml" || rel == "Pulumi.product.yaml":
		return setYAML(rel, raw, map[string]string{
			"aws:region":              p.region,
			stacks.KeyBackend:         p.backend,
			stacks.KeyServiceName:     p.name,
			stacks.KeyImageRepository: p.name + "-api",
		})
	}
	return raw, nil
}

// generatedDocs are docs pages whose blocks a test regenerates from the
// project (docs/roles.md: `kirikae iam policy` for its stacks) and compares
// byte for byte: they must show the new project's names, not the
// template's, or the new project's own tests fail on its first run.
var generatedDocs = []string{"docs/roles.md"}

// renameInDoc replaces the template's names in a generated page by the
// project's: resource prefixes (<service>-<stack>), the image repository,
// state keys (/<project>/<stack>) and the region in ARNs. Each is matched
// whole, so kirikae's own command and config names stay.
func (p *project) renameInDoc(raw []byte) []byte {
	stackAlt := "(" + strings.Join(stackNames, "|") + ")"
	for _, r := range []struct{ old, pattern, repl string }{
		{p.old.repository, `\b` + regexp.QuoteMeta(p.old.repository) + `\b`, p.name + "-api"},
		{p.old.service, `\b` + regexp.QuoteMeta(p.old.service) + `-` + stackAlt + `\b`, p.name + "-$1"},
		{p.old.project, `/` + regexp.QuoteMeta(p.old.project) + `/` + stackAlt + `\b`, "/" + p.name + "/$1"},
		{p.old.region, `:` + regexp.QuoteMeta(p.old.region) + `:`, ":" + p.region + ":"},
	} {
		if r.old == "" {
			continue // the template's file left it unset: nothing to find
		}
		raw = regexp.MustCompile(r.pattern).ReplaceAll(raw, []byte(r.repl))
	}
	return raw
}

var moduleLine = regexp.MustCompile(`(?m)^module[ \t]+"?([^"\s]+)"?`)

// rewriteModuleLine renames the module of a go.mod of the template (the
// root's, tools/pulumi's) from under old to under new.
func rewriteModuleLine(raw []byte, old, new string) []byte {
	return moduleLine.ReplaceAllFunc(raw, func(line []byte) []byte {
		mod := string(moduleLine.FindSubmatch(line)[1])
		if mod != old && !strings.HasPrefix(mod, old+"/") {
			return line
		}
		return []byte("module " + new + strings.TrimPrefix(mod, old))
	})
}

// rewriteImports renames the template's import paths in a Go file. The
// template's Go code names its module only in import paths, as quoted
// strings, so the rename is a text replacement; gofmt then re-sorts the
// imports, which a new path may reorder.
func rewriteImports(rel string, raw []byte, old, new string) ([]byte, error) {
	if old == new {
		return raw, nil
	}
	out := bytes.ReplaceAll(raw, []byte(`"`+old+`"`), []byte(`"`+new+`"`))
	out = bytes.ReplaceAll(out, []byte(`"`+old+`/`), []byte(`"`+new+`/`))
	if bytes.Equal(out, raw) {
		return raw, nil
	}
	formatted, err := format.Source(out)
	if err != nil {
		return nil, fmt.Errorf("format %s after renaming its imports: %w", rel, err)
	}
	return formatted, nil
}

// setYAML sets top-level or config keys of a Pulumi file line by line, so
// the file keeps its order, comments and quoting; the values are checked
// names and regions, safe as plain YAML scalars. A key the template lacks
// is added under config: (or at the top for "name").
func setYAML(rel string, raw []byte, values map[string]string) ([]byte, error) {
	text := string(raw)
	for key, value := range values {
		indent := `[ \t]*` // a config key, under config:
		if !strings.Contains(key, ":") {
			indent = `` // a top-level key of the project file
		}
		re := regexp.MustCompile(`(?m)^(` + indent + `)` + regexp.QuoteMeta(key) + `:[ \t]*.*$`)
		if loc := re.FindStringSubmatchIndex(text); loc != nil {
			indent := text[loc[2]:loc[3]]
			text = text[:loc[0]] + indent + key + ": " + value + text[loc[1]:]
			continue
		}
		if key == "name" {
			text = "name: " + value + "\n" + text
			continue
		}
		cfg := regexp.MustCompile(`(?m)^config:[ \t]*\n`)
		loc := cfg.FindStringIndex(text)
		if loc == nil {
			return nil, fmt.Errorf("set %s in %s: the file has no config: section", key, rel)
		}
		text = text[:loc[1]] + "  " + key + ": " + value + "\n" + text[loc[1]:]
	}
	return []byte(text), nil
}
