package sandbox

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func logicalName(name, urn string) string {
	if name != "" {
		return name
	}
	return resource.URN(urn).Name()
}

// autoname builds "<logical>-<7 hex>" like Pulumi's autonaming, using the
// engine's random seed so previews and updates agree on the name.
func autoname(t *typeSpec, logical string, seed []byte) string {
	var h [32]byte
	if len(seed) > 0 {
		h = sha256.Sum256(append(append([]byte{}, seed...), logical...))
	} else {
		_, _ = rand.Read(h[:])
	}
	if t.nameMax > 0 && len(logical)+8 > t.nameMax {
		logical = logical[:t.nameMax-8]
	}
	n := logical + "-" + hex.EncodeToString(h[:])[:7]
	if t.lowerName {
		n = strings.ToLower(strings.ReplaceAll(n, "_", "-"))
	}
	return n
}

func (p *provider) Check(ctx context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	t, err := lookup(typeOf(req.GetType(), req.GetUrn()))
	if err != nil {
		return nil, err
	}
	olds, news, err := unmarshalOldsNews(req)
	if err != nil {
		return nil, err
	}
	var failures []*pulumirpc.CheckFailure
	fail := func(prop, reason string) {
		failures = append(failures, &pulumirpc.CheckFailure{Property: prop, Reason: reason})
	}
	if t.name != "" && !present(news, t.name) {
		// Reusing the old name keeps the physical resource across updates;
		// on replacement the engine re-checks without olds for a fresh name.
		if present(olds, t.name) {
			news[resource.PropertyKey(t.name)] = olds[resource.PropertyKey(t.name)]
		} else {
			news[resource.PropertyKey(t.name)] = resource.NewProperty(
				autoname(t, logicalName(req.GetName(), req.GetUrn()), req.GetRandomSeed()))
		}
	}
	for _, k := range t.required {
		if !present(news, k) {
			fail(k, fmt.Sprintf("Missing required property '%s'", k))
		}
	}
	if n := str(news, t.name); t.nameMax > 0 && len(n) > t.nameMax {
		fail(t.name, fmt.Sprintf("%q is %d characters; AWS allows at most %d", n, len(n), t.nameMax))
	}
	e := &env{spec: t, region: p.region(ctx), account: p.accountID, in: news, out: news}
	if t.check != nil {
		for _, f := range t.check(e) {
			k, reason, _ := strings.Cut(f, ": ")
			fail(k, reason)
		}
	}
	if t.token == "aws:lambda/alias:Alias" {
		if reason := p.aliasCheck(news); reason != "" {
			fail("functionVersion", reason)
		}
	}
	inputs, err := marshalProps(news, "inputs")
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CheckResponse{Inputs: inputs, Failures: failures}, nil
}

// aliasCheck validates an alias's version early when the function already
// exists; a function created in this deploy is validated at Create.
func (p *provider) aliasCheck(news resource.PropertyMap) string {
	var reason string
	_ = p.acct.view(func(st *state) error {
		e := &env{st: st, out: news}
		if _, r := st.find(functionType, functionName(e.str("functionName")), ""); r != nil && e.str("functionVersion") != "" {
			if err := checkAliasVersion(e); err != nil {
				reason = err.Error()
			}
		}
		return nil
	})
	return reason
}
