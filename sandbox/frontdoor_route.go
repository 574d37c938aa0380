package sandbox

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// routeALB follows what AWS routes: listener → weighted target groups → the
// ECS service registered with the chosen group → the task definition its
// PRIMARY deployment runs (after a circuit-breaker rollback, the old one) →
// the image tag of the container the target group sends traffic to. Nothing
// kirikae configured as "expected" is consulted.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#forward-actions
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html
func routeALB(ix index, lb map[string]any, n uint64) (answer, error) {
	arn, _ := lb["arn"].(string)
	listeners := ix.find("aws:lb/listener:Listener", "loadBalancerArn", arn)
	if len(listeners) == 0 {
		return answer{}, fmt.Errorf("load balancer %s has no listener", lb["arn"])
	}
	tg, err := pickTargetGroup(listeners[0], n)
	if err != nil {
		return answer{}, err
	}
	for _, svc := range ix["aws:ecs/service:Service"] {
		lbs, _ := svc["loadBalancers"].([]any)
		for _, l := range lbs {
			l, _ := l.(map[string]any)
			if l["targetGroupArn"] != tg {
				continue
			}
			image, err := containerImage(ix, svc, l["containerName"])
			if err != nil {
				return answer{}, err
			}
			return answer{Version: imageTag(image), Color: colorOf(tg)}, nil
		}
	}
	return answer{}, fmt.Errorf("no ECS service is registered with target group %s", tg)
}

// pickTargetGroup spreads requests over the forward weights with a request
// counter, so a 90/10 split serves exactly one in ten requests from the
// lighter group, reproducibly.
func pickTargetGroup(listener map[string]any, n uint64) (string, error) {
	actions, _ := listener["defaultActions"].([]any)
	for _, a := range actions {
		a, _ := a.(map[string]any)
		if arn, _ := a["targetGroupArn"].(string); arn != "" {
			return arn, nil
		}
		fwd, _ := a["forward"].(map[string]any)
		groups, _ := fwd["targetGroups"].([]any)
		var arns []string
		var weights []uint64
		for _, g := range groups {
			g, _ := g.(map[string]any)
			w, ok := g["weight"].(float64)
			if !ok {
				w = 1 // AWS's default weight
			}
			arn, _ := g["arn"].(string)
			arns, weights = append(arns, arn), append(weights, uint64(w))
		}
		if len(arns) == 0 {
			continue
		}
		return arns[pickWeighted(weights, n)], nil
	}
	return "", fmt.Errorf("listener %s does not forward to a target group", listener["arn"])
}

// pickWeighted returns the index the nth request goes to, spreading
// requests over the weights with a counter so a 90/10 split serves exactly
// one in ten requests from the lighter side, reproducibly. All-zero
// weights send everything to the first.
func pickWeighted(weights []uint64, n uint64) int {
	var total, g uint64
	for _, w := range weights {
		total += w
		g = gcd(g, w)
	}
	if total == 0 {
		return 0
	}
	// Reducing by the gcd keeps the cycle short: 90/10 repeats every ten
	// requests instead of every hundred.
	slot := n % (total / g)
	for i, w := range weights {
		if slot < w/g {
			return i
		}
		slot -= w / g
	}
	return 0
}

func colorOf(arn string) string {
	for _, c := range []string{"blue", "green"} {
		if strings.Contains(arn, c) {
			return c
		}
	}
	return ""
}

// containerImage reads the image of the service's container from the task
// definition the service runs, which ECS accepts as an ARN, family:revision
// or family.
func containerImage(ix index, svc map[string]any, container any) (string, error) {
	ref, _ := svc["taskDefinition"].(string)
	arn := taskDefinitionARN(ix, ref)
	var td map[string]any
	for _, cand := range ix[tokTaskDef] {
		if cand["arn"] == arn {
			td = cand
		}
	}
	if td == nil {
		return "", fmt.Errorf("task definition %q of service %s does not exist", ref, svc["id"])
	}
	var defs []struct {
		Name  string `json:"name"`
		Image string `json:"image"`
	}
	raw, _ := td["containerDefinitions"].(string)
	if err := json.Unmarshal([]byte(raw), &defs); err != nil {
		return "", fmt.Errorf("parse containerDefinitions of %s: %w", td["arn"], err)
	}
	for _, d := range defs {
		if container == nil || container == "" || d.Name == container {
			return d.Image, nil
		}
	}
	return "", fmt.Errorf("task definition %s has no container %v", td["arn"], container)
}

// imageTag is the tag of an image reference (registry/repo:tag); a digest
// reference (repo@sha256:...) answers with the digest, and no tag means
// "latest", as Docker resolves it.
// https://docs.docker.com/reference/cli/docker/image/tag/
func imageTag(image string) string {
	if _, digest, ok := strings.Cut(image, "@"); ok {
		return digest
	}
	name := image[strings.LastIndex(image, "/")+1:]
	if _, tag, ok := strings.Cut(name, ":"); ok {
		return tag
	}
	return "latest"
}

// routeAPI follows the API's integration to the Lambda version it invokes:
// through an alias, the version the alias points at right now, or with
// weighted routing one of its two versions.
func routeAPI(ix index, api map[string]any, n uint64) (answer, error) {
	id, _ := api["id"].(string)
	ints := ix.find("aws:apigatewayv2/integration:Integration", "apiId", id)
	if len(ints) == 0 {
		return answer{}, fmt.Errorf("API %s has no integration", api["id"])
	}
	uri, _ := ints[0]["integrationUri"].(string)
	for _, al := range ix[tokAlias] {
		if uri == al["arn"] || uri == al["invokeArn"] {
			return answer{Version: aliasVersion(al, n)}, nil
		}
	}
	for _, fn := range ix["aws:lambda/function:Function"] {
		switch uri {
		case fn["qualifiedArn"], fn["qualifiedInvokeArn"]:
			v, _ := fn["version"].(string)
			return answer{Version: v}, nil
		case fn["arn"], fn["invokeArn"]:
			return answer{Version: "$LATEST"}, nil
		}
	}
	return answer{}, fmt.Errorf("integration %s targets %q, which is not a simulated function or alias", ints[0]["id"], uri)
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// aliasVersion is the version the nth invocation through the alias runs:
// additionalVersionWeights sends that fraction of invocations to a second
// version, the rest go to functionVersion.
// https://docs.aws.amazon.com/lambda/latest/dg/configuring-alias-routing.html
func aliasVersion(al map[string]any, n uint64) string {
	primary, _ := al["functionVersion"].(string)
	versions, weights := []string{primary}, []uint64{1000}
	for v, w := range aliasWeights(al) {
		share := uint64(math.Round(w * 1000))
		if share == 0 || share > 1000 {
			continue
		}
		versions, weights = append(versions, v), append(weights, share)
		weights[0] -= min(share, weights[0])
	}
	return versions[pickWeighted(weights, n)]
}
