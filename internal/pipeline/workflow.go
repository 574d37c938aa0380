// Package pipeline reads the repository's GitHub Actions workflows and checks
// the rules that keep the delivery pipeline safe: code from a pull request
// never meets a deploy role, a stack passphrase or a deploy environment;
// every action is pinned to a commit; checkouts keep no token; permissions
// are granted per job; an update is never cancelled half-way; and every
// multi-line step lives in scripts/ci so it can run outside Actions.
//
// It only reads YAML; the rules are in rules.go and the tests run them on
// .github/workflows (docs/pipeline.md).
package pipeline

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// WorkflowDir is where GitHub reads workflows from.
const WorkflowDir = ".github/workflows"

// Workflow is the part of a workflow file the rules look at.
type Workflow struct {
	File        string // path in the repository, e.g. .github/workflows/pr.yml
	Triggers    []string
	Permissions *yaml.Node // nil when absent
	Concurrency *Concurrency
	Env         *yaml.Node
	Jobs        []Job // in file order
}

// Job is one entry under jobs:.
type Job struct {
	ID          string
	Environment string     // environment name, "" for none
	If          string     // the job's if: condition, "" for none
	Permissions *yaml.Node // nil when absent
	Concurrency *Concurrency
	Env         *yaml.Node
	Uses        string // a reusable workflow, instead of steps
	UsesComment string
	Steps       []Step
	node        *yaml.Node // the whole job, for expression scans
}

// Step is one entry under steps:.
type Step struct {
	ID          string // id:, "" for none
	If          string // if:, "" for none
	Name        string
	Uses        string
	UsesComment string // the comment after uses:, e.g. "# v4.2.2"
	Run         string
	With        map[string]string
	Env         *yaml.Node
	Line        int
}

// Concurrency is a concurrency: block. CancelInProgress is the raw scalar
// ("" when absent) so that an expression is not mistaken for false.
type Concurrency struct {
	Group            string
	CancelInProgress string
}

// Load reads every *.yml and *.yaml file in WorkflowDir of repo.
func Load(repo fs.FS) ([]*Workflow, error) {
	entries, err := fs.ReadDir(repo, WorkflowDir)
	if err != nil {
		return nil, fmt.Errorf("read workflows: %w", err)
	}
	var out []*Workflow
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || (path.Ext(name) != ".yml" && path.Ext(name) != ".yaml") {
			continue
		}
		file := path.Join(WorkflowDir, name)
		data, err := fs.ReadFile(repo, file)
		if err != nil {
			return nil, fmt.Errorf("read workflow: %w", err)
		}
		w, err := Parse(file, data)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("read workflows: no workflow files in %s", WorkflowDir)
	}
	return out, nil
}

// Parse reads one workflow file.
func Parse(file string, data []byte) (*Workflow, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parse workflow %s: %w", file, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("parse workflow %s: not a mapping", file)
	}
	root := doc.Content[0]
	w := &Workflow{File: file}
	w.Triggers = triggers(get(root, "on"))
	w.Permissions = get(root, "permissions")
	w.Env = get(root, "env")
	w.Concurrency = concurrency(get(root, "concurrency"))
	jobs := get(root, "jobs")
	if jobs == nil || jobs.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("parse workflow %s: no jobs", file)
	}
	for i := 0; i+1 < len(jobs.Content); i += 2 {
		job, err := parseJob(jobs.Content[i].Value, jobs.Content[i+1])
		if err != nil {
			return nil, fmt.Errorf("parse workflow %s: %w", file, err)
		}
		w.Jobs = append(w.Jobs, job)
	}
	return w, nil
}

func parseJob(id string, n *yaml.Node) (Job, error) {
	if n.Kind != yaml.MappingNode {
		return Job{}, fmt.Errorf("job %s: not a mapping", id)
	}
	j := Job{ID: id, node: n}
	j.Environment = environment(get(n, "environment"))
	j.If = scalar(get(n, "if"))
	j.Permissions = get(n, "permissions")
	j.Env = get(n, "env")
	j.Concurrency = concurrency(get(n, "concurrency"))
	if u := get(n, "uses"); u != nil {
		j.Uses, j.UsesComment = u.Value, u.LineComment
	}
	steps := get(n, "steps")
	if steps == nil {
		return j, nil
	}
	if steps.Kind != yaml.SequenceNode {
		return Job{}, fmt.Errorf("job %s: steps is not a list", id)
	}
	for _, s := range steps.Content {
		if s.Kind != yaml.MappingNode {
			return Job{}, fmt.Errorf("job %s: a step is not a mapping", id)
		}
		st := Step{Line: s.Line, Env: get(s, "env"), With: map[string]string{}}
		st.Name = scalar(get(s, "name"))
		st.ID, st.If = scalar(get(s, "id")), scalar(get(s, "if"))
		st.Run = scalar(get(s, "run"))
		if u := get(s, "uses"); u != nil {
			st.Uses, st.UsesComment = u.Value, u.LineComment
		}
		if with := get(s, "with"); with != nil && with.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(with.Content); i += 2 {
				st.With[with.Content[i].Value] = with.Content[i+1].Value
			}
		}
		j.Steps = append(j.Steps, st)
	}
	return j, nil
}

// get returns the value of key in a mapping node, nil when absent.
func get(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// triggers lists the event names of on:, which may be a string, a list or
// a mapping.
func triggers(n *yaml.Node) []string {
	var out []string
	switch {
	case n == nil:
	case n.Kind == yaml.ScalarNode:
		out = append(out, n.Value)
	case n.Kind == yaml.SequenceNode:
		for _, c := range n.Content {
			out = append(out, c.Value)
		}
	case n.Kind == yaml.MappingNode:
		for i := 0; i < len(n.Content); i += 2 {
			out = append(out, n.Content[i].Value)
		}
	}
	sort.Strings(out)
	return out
}

// environment reads environment: NAME or environment: {name: NAME}.
func environment(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	if n.Kind == yaml.MappingNode {
		return strings.TrimSpace(scalar(get(n, "name")))
	}
	return strings.TrimSpace(scalar(n))
}

// concurrency reads concurrency: GROUP or the mapping form.
func concurrency(n *yaml.Node) *Concurrency {
	switch {
	case n == nil:
		return nil
	case n.Kind == yaml.ScalarNode:
		return &Concurrency{Group: n.Value}
	default:
		return &Concurrency{Group: scalar(get(n, "group")), CancelInProgress: scalar(get(n, "cancel-in-progress"))}
	}
}

// scalars calls f with every scalar value (not mapping keys) under n.
func scalars(n *yaml.Node, f func(*yaml.Node)) {
	if n == nil {
		return
	}
	if n.Kind == yaml.ScalarNode {
		f(n)
		return
	}
	if n.Kind == yaml.MappingNode {
		for i := 1; i < len(n.Content); i += 2 {
			scalars(n.Content[i], f)
		}
		return
	}
	for _, c := range n.Content {
		scalars(c, f)
	}
}
