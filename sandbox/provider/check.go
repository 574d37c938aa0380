package provider

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/lambda"
)

func logicalName(name, urn string) string {
	if name != "" {
		return name
	}
	return resource.URN(urn).Name()
}

// autoname builds "<logical>-<7 hex>" like Pulumi's autonaming, using the
// engine's random seed so previews and updates agree on the name.
func autoname(t *core.TypeSpec, logical string, seed []byte) string {
	var h [32]byte
	if len(seed) > 0 {
		h = sha256.Sum256(append(append([]byte{}, seed...), logical...))
	} else {
		_, _ = rand.Read(h[:])
	}
	if t.NameMax > 0 && len(logical)+8 > t.NameMax {
		logical = logical[:t.NameMax-8]
	}
	n := logical + "-" + hex.EncodeToString(h[:])[:7]
	if t.LowerName {
		n = strings.ToLower(strings.ReplaceAll(n, "_", "-"))
	}
	return n
}

func (p *Provider) Check(ctx context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	t, err := lookup(typeOf(req.GetType(), req.GetUrn()))
	if err != nil {
		return nil, err
	}
	p.noteGeneric(ctx, t, req.GetUrn())
	olds, news, err := core.UnmarshalOldsNews(req)
	if err != nil {
		return nil, err
	}
	var failures []*pulumirpc.CheckFailure
	fail := func(prop, reason string) {
		failures = append(failures, &pulumirpc.CheckFailure{Property: prop, Reason: reason})
	}
	if t.Name != "" && !core.Present(news, t.Name) {
		// Reusing the old name keeps the physical resource across updates;
		// on replacement the engine re-checks without olds for a fresh name.
		if core.Present(olds, t.Name) {
			news[resource.PropertyKey(t.Name)] = olds[resource.PropertyKey(t.Name)]
		} else {
			news[resource.PropertyKey(t.Name)] = resource.NewProperty(
				autoname(t, logicalName(req.GetName(), req.GetUrn()), req.GetRandomSeed()))
		}
	}
	for _, k := range t.Required {
		if !core.Present(news, k) {
			fail(k, fmt.Sprintf("Missing required property '%s'", k))
		}
	}
	if n := core.Str(news, t.Name); t.NameMax > 0 && len(n) > t.NameMax {
		fail(t.Name, fmt.Sprintf("%q is %d characters; AWS allows at most %d", n, len(n), t.NameMax))
	}
	e := &core.Env{Spec: t, Region: p.region(ctx), Account: p.accountID, In: news, Out: news}
	if t.Check != nil {
		for _, f := range t.Check(e) {
			k, reason, _ := strings.Cut(f, ": ")
			fail(k, reason)
		}
	}
	if t.Token == "aws:lambda/alias:Alias" {
		if reason := p.aliasCheck(news); reason != "" {
			fail("functionVersion", reason)
		}
	}
	inputs, err := core.MarshalProps(news, "inputs")
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CheckResponse{Inputs: inputs, Failures: failures}, nil
}

// aliasCheck validates an alias's version early when the function already
// exists; a function created in this deploy is validated at Create.
func (p *Provider) aliasCheck(news resource.PropertyMap) string {
	var reason string
	_ = p.acct.View(func(st *core.State) error {
		e := &core.Env{St: st, Out: news}
		if _, r := st.Find(core.FunctionType, lambda.FunctionName(e.Str("functionName")), ""); r != nil && e.Str("functionVersion") != "" {
			if err := lambda.CheckAliasVersion(e); err != nil {
				reason = err.Error()
			}
		}
		return nil
	})
	return reason
}
