package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/build"
)

// Docker does not run where these tests do, so app/Dockerfile is checked as
// text for what the ECS deploy depends on; a drift fails here instead of at
// the first real image build.

type instruction struct {
	cmd  string // upper-case keyword
	args string
}

type stage struct {
	from  instruction
	name  string
	steps []instruction
}

// parseDockerfile splits the file into stages of instructions, joining
// backslash continuations and dropping comments.
func parseDockerfile(t *testing.T, text string) []stage {
	t.Helper()
	var logical []string
	var cur strings.Builder
	for _, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") || (trimmed == "" && cur.Len() == 0) {
			continue
		}
		if body, ok := strings.CutSuffix(trimmed, `\`); ok {
			cur.WriteString(body + " ")
			continue
		}
		cur.WriteString(trimmed)
		logical = append(logical, cur.String())
		cur.Reset()
	}
	var stages []stage
	for _, l := range logical {
		cmd, args, _ := strings.Cut(l, " ")
		in := instruction{strings.ToUpper(cmd), strings.Join(strings.Fields(args), " ")}
		if in.cmd == "FROM" {
			s := stage{from: in}
			if m := regexp.MustCompile(`(?i)\sAS\s+(\S+)$`).FindStringSubmatch(in.args); m != nil {
				s.name = m[1]
			}
			stages = append(stages, s)
			continue
		}
		require.NotEmpty(t, stages, "instruction %s before the first FROM", in.cmd)
		stages[len(stages)-1].steps = append(stages[len(stages)-1].steps, in)
	}
	return stages
}

func (s stage) find(cmd string) []instruction {
	var out []instruction
	for _, in := range s.steps {
		if in.cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

func (s stage) args(cmd string) []string {
	var out []string
	for _, in := range s.find(cmd) {
		out = append(out, strings.Fields(in.args)...)
	}
	return out
}

func TestDockerfile(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "Dockerfile"))
	require.NoError(t, err)
	stages := parseDockerfile(t, string(raw))
	require.GreaterOrEqual(t, len(stages), 2, "multi-stage: a Go builder and a minimal runtime image")
	builder, final := stages[0], stages[len(stages)-1]

	t.Run("builder cross-compiles on the build platform", func(t *testing.T) {
		assert.Contains(t, builder.from.args, "--platform=$BUILDPLATFORM")
		assert.Regexp(t, `\bgolang:1\.26\b`, builder.from.args)
		require.NotEmpty(t, builder.name, "the builder stage is named for COPY --from")
		for _, arg := range []string{"TARGETOS", "TARGETARCH"} {
			assert.Contains(t, builder.args("ARG"), arg, "ARG %s must be declared in the builder stage to be visible", arg)
		}
	})

	t.Run("static binary with the version baked in", func(t *testing.T) {
		assert.Contains(t, strings.Join(builder.args("ARG"), " "), "VERSION")
		var goBuild string
		for _, in := range builder.find("RUN") {
			if strings.Contains(in.args, "go build") {
				goBuild = in.args
			}
		}
		require.NotEmpty(t, goBuild, "a RUN with go build")
		for _, want := range []string{"CGO_ENABLED=0", "GOOS=$TARGETOS", "GOARCH=$TARGETARCH", "-trimpath", "-buildvcs=false",
			`-ldflags "` + build.LdFlags("${VERSION}") + `"`, "./app/cmd/server"} {
			assert.Contains(t, goBuild, want)
		}
		// The package it builds is this one: referencing Version here makes
		// removing or renaming the variable a compile error of this test.
		_ = Version
	})

	t.Run("runtime image is minimal and non-root", func(t *testing.T) {
		assert.Regexp(t, `^(gcr\.io/distroless/static[^ ]*:nonroot|scratch)$`, final.from.args)
		assert.Empty(t, final.find("RUN"), "distroless has no shell to RUN anything")
		users := final.find("USER")
		require.NotEmpty(t, users, "the final stage sets USER")
		user := users[len(users)-1].args
		assert.NotRegexp(t, `^(root|0)(:|$)`, user)
		assert.Regexp(t, `^(nonroot|[1-9][0-9]*)(:(nonroot|[1-9][0-9]*))?$`, user)
		assert.Contains(t, final.args("EXPOSE"), "8080")
		require.Len(t, final.find("ENTRYPOINT"), 1)
		assert.Regexp(t, `^\[".+"\]$`, final.find("ENTRYPOINT")[0].args, "exec form, so SIGTERM reaches the server")
		copies := final.find("COPY")
		require.NotEmpty(t, copies)
		assert.Contains(t, copies[0].args, "--from="+builder.name)
	})
}

func TestDockerignoreSendsOnlyTheBuildInputs(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "Dockerfile.dockerignore"))
	require.NoError(t, err)
	var rules []string
	for _, l := range strings.Split(string(raw), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			rules = append(rules, l)
		}
	}
	assert.Equal(t, []string{"*", "!go.mod", "!go.sum", "!app/"}, rules)
}
