package sandbox

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// routeALB follows listener → weighted target groups → ECS service → task
// definition → the container's KIRIKAE_VERSION.
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
			env, err := containerEnv(ix, svc, l["containerName"])
			if err != nil {
				return answer{}, err
			}
			color := env["KIRIKAE_COLOR"]
			if color == "" {
				color = colorOf(tg)
			}
			return answer{Version: env["KIRIKAE_VERSION"], Color: color}, nil
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
		var total uint64
		for _, g := range groups {
			g, _ := g.(map[string]any)
			w, ok := g["weight"].(float64)
			if !ok {
				w = 1 // AWS's default weight
			}
			arn, _ := g["arn"].(string)
			arns, weights, total = append(arns, arn), append(weights, uint64(w)), total+uint64(w)
		}
		if len(arns) == 0 {
			continue
		}
		if total == 0 {
			return arns[0], nil
		}
		// Reducing by the gcd keeps the cycle short: 90/10 repeats every
		// ten requests instead of every hundred.
		g := uint64(0)
		for _, w := range weights {
			g = gcd(g, w)
		}
		for i := range weights {
			weights[i] /= g
		}
		slot := n % (total / g)
		for i, w := range weights {
			if slot < w {
				return arns[i], nil
			}
			slot -= w
		}
	}
	return "", fmt.Errorf("listener %s does not forward to a target group", listener["arn"])
}

func colorOf(arn string) string {
	for _, c := range []string{"blue", "green"} {
		if strings.Contains(arn, c) {
			return c
		}
	}
	return ""
}

// containerEnv reads the environment of the service's container from its
// task definition, which ECS accepts as an ARN, family:revision or family.
func containerEnv(ix index, svc map[string]any, container any) (map[string]string, error) {
	ref, _ := svc["taskDefinition"].(string)
	var td map[string]any
	for _, cand := range ix["aws:ecs/taskDefinition:TaskDefinition"] {
		family, _ := cand["family"].(string)
		rev, _ := cand["revision"].(float64)
		switch ref {
		case cand["arn"], family + ":" + strconv.Itoa(int(rev)):
			td = cand
		case family:
			if best, _ := td["revision"].(float64); td == nil || rev > best {
				td = cand
			}
		}
	}
	if td == nil {
		return nil, fmt.Errorf("task definition %q of service %s does not exist", ref, svc["id"])
	}
	var defs []struct {
		Name        string `json:"name"`
		Environment []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"environment"`
	}
	raw, _ := td["containerDefinitions"].(string)
	if err := json.Unmarshal([]byte(raw), &defs); err != nil {
		return nil, fmt.Errorf("parse containerDefinitions of %s: %w", td["arn"], err)
	}
	env := map[string]string{}
	for _, d := range defs {
		if container != nil && container != "" && d.Name != container {
			continue
		}
		for _, e := range d.Environment {
			env[e.Name] = e.Value
		}
		break
	}
	return env, nil
}

// routeAPI follows the API's integration to the Lambda version it invokes.
func routeAPI(ix index, api map[string]any) (answer, error) {
	id, _ := api["id"].(string)
	ints := ix.find("aws:apigatewayv2/integration:Integration", "apiId", id)
	if len(ints) == 0 {
		return answer{}, fmt.Errorf("API %s has no integration", api["id"])
	}
	uri, _ := ints[0]["integrationUri"].(string)
	for _, al := range ix["aws:lambda/alias:Alias"] {
		if uri == al["arn"] || uri == al["invokeArn"] {
			v, _ := al["functionVersion"].(string)
			return answer{Version: v}, nil
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
