package elbv2

import (
	"net/url"
	"strings"

	"github.com/kirikae/kirikae/sandbox/core"
)

type loadBalancer struct {
	LoadBalancerArn       string
	DNSName               string
	CanonicalHostedZoneID string `xml:"CanonicalHostedZoneId"`
	CreatedTime           string
	LoadBalancerName      string
	Scheme                string
	VpcID                 string `xml:"VpcId"`
	State                 struct{ Code string }
	Type                  string
	AvailabilityZones     core.Members[availabilityZone]
	SecurityGroups        core.Members[string]
	IPAddressType         string `xml:"IpAddressType"`
}

type availabilityZone struct {
	ZoneName string
	SubnetID string `xml:"SubnetId"`
}

// describeLoadBalancers: https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeLoadBalancers.html
func describeLoadBalancers(st *core.State, form url.Values) (any, error) {
	ix := core.NewIndex(st)
	lbs := named(ix[core.TokLoadBalancer], form, "LoadBalancerArns")
	var out struct{ LoadBalancers core.Members[loadBalancer] }
	for _, lb := range lbs {
		scheme := "internet-facing"
		if core.BoolOf(lb, "internal") {
			scheme = "internal"
		}
		l := loadBalancer{LoadBalancerArn: core.StrOf(lb, "arn"), DNSName: core.StrOf(lb, "dnsName"),
			CanonicalHostedZoneID: core.StrOf(lb, "zoneId"), CreatedTime: core.FixedTime,
			LoadBalancerName: core.StrOf(lb, "name"), Scheme: scheme, Type: core.StrOf(lb, "loadBalancerType"),
			SecurityGroups: core.Members[string]{Member: core.ListOfStrings(lb, "securityGroups")},
			IPAddressType:  core.StrOf(lb, "ipAddressType")}
		l.State.Code = "active"
		for _, id := range core.ListOfStrings(lb, "subnets") {
			for _, s := range core.Filter(ix["aws:ec2/subnet:Subnet"], "id", []string{id}) {
				l.VpcID = core.StrOf(s, "vpcId")
				l.AvailabilityZones.Member = append(l.AvailabilityZones.Member,
					availabilityZone{ZoneName: core.StrOf(s, "availabilityZone"), SubnetID: id})
			}
		}
		out.LoadBalancers.Member = append(out.LoadBalancers.Member, l)
	}
	return out, nil
}

type action struct {
	Type           string
	TargetGroupArn string `xml:",omitempty"`
	Order          int    `xml:",omitempty"`
	ForwardConfig  *struct {
		TargetGroups core.Members[weightedTargetGroup]
	} `xml:",omitempty"`
	RedirectConfig *struct {
		Protocol, Port, StatusCode string
	} `xml:",omitempty"`
	FixedResponseConfig *struct {
		StatusCode, ContentType, MessageBody string
	} `xml:",omitempty"`
}

type weightedTargetGroup struct {
	TargetGroupArn string
	Weight         int
}

// actionsOf turns a listener's defaultActions input into ELB's Action shape.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_Action.html
func actionsOf(l map[string]any) []action {
	var out []action
	for _, a := range core.MapsOf(l, "defaultActions") {
		act := action{Type: core.StrOf(a, "type"), TargetGroupArn: core.StrOf(a, "targetGroupArn"), Order: core.IntOf(a, "order")}
		if act.Type == "" {
			act.Type = "forward"
		}
		if fw, ok := a["forward"].(map[string]any); ok {
			act.ForwardConfig = &struct {
				TargetGroups core.Members[weightedTargetGroup]
			}{}
			for _, tg := range core.MapsOf(fw, "targetGroups") {
				act.ForwardConfig.TargetGroups.Member = append(act.ForwardConfig.TargetGroups.Member,
					weightedTargetGroup{TargetGroupArn: core.StrOf(tg, "arn"), Weight: core.IntOf(tg, "weight")})
			}
		}
		if rd, ok := a["redirect"].(map[string]any); ok {
			act.RedirectConfig = &struct{ Protocol, Port, StatusCode string }{core.StrOf(rd, "protocol"),
				core.StrOf(rd, "port"), core.StrOf(rd, "statusCode")}
		}
		if fr, ok := a["fixedResponse"].(map[string]any); ok {
			act.FixedResponseConfig = &struct{ StatusCode, ContentType, MessageBody string }{core.StrOf(fr, "statusCode"),
				core.StrOf(fr, "contentType"), core.StrOf(fr, "messageBody")}
		}
		out = append(out, act)
	}
	return out
}

type listener struct {
	ListenerArn     string
	LoadBalancerArn string
	Port            int
	Protocol        string
	DefaultActions  core.Members[action]
}

// describeListeners: https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeListeners.html
func describeListeners(st *core.State, form url.Values) (any, error) {
	ls := core.NewIndex(st)[core.TokListener]
	ls = core.Filter(ls, "loadBalancerArn", nonEmpty(form.Get("LoadBalancerArn")))
	ls = core.Filter(ls, "arn", core.QueryList(form, "ListenerArns", "member"))
	var out struct{ Listeners core.Members[listener] }
	for _, l := range ls {
		out.Listeners.Member = append(out.Listeners.Member, listener{ListenerArn: core.StrOf(l, "arn"),
			LoadBalancerArn: core.StrOf(l, "loadBalancerArn"), Port: core.IntOf(l, "port"),
			Protocol: core.StrOf(l, "protocol"), DefaultActions: core.Members[action]{Member: actionsOf(l)}})
	}
	return out, nil
}

type rule struct {
	RuleArn    string
	Priority   string
	Conditions core.Members[string]
	Actions    core.Members[action]
	IsDefault  bool
}

// describeRules: every listener has its default rule, holding its default
// actions; the sandbox simulates no other listener rules.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeRules.html
func describeRules(st *core.State, form url.Values) (any, error) {
	ls := core.Filter(core.NewIndex(st)[core.TokListener], "arn", nonEmpty(form.Get("ListenerArn")))
	if len(ls) == 0 {
		return nil, core.NotFound("ListenerNotFound", "One or more listeners not found")
	}
	var out struct{ Rules core.Members[rule] }
	for _, l := range ls {
		// A listener rule's ARN is the listener's with listener-rule and a rule id.
		arn := strings.Replace(core.StrOf(l, "arn"), ":listener/", ":listener-rule/", 1) + "/" + core.StableDigits(core.StrOf(l, "arn"), 16)
		out.Rules.Member = append(out.Rules.Member, rule{RuleArn: arn, Priority: "default", IsDefault: true,
			Actions: core.Members[action]{Member: actionsOf(l)}})
	}
	return out, nil
}

type targetGroup struct {
	TargetGroupArn             string
	TargetGroupName            string
	Protocol                   string
	Port                       int
	VpcID                      string `xml:"VpcId"`
	HealthCheckProtocol        string
	HealthCheckPort            string
	HealthCheckEnabled         bool
	HealthCheckIntervalSeconds int
	HealthCheckTimeoutSeconds  int
	HealthyThresholdCount      int
	UnhealthyThresholdCount    int
	HealthCheckPath            string
	Matcher                    struct {
		HTTPCode string `xml:"HttpCode"`
	}
	LoadBalancerArns core.Members[string]
	TargetType       string
}

// describeTargetGroups: unset health check settings are ELB's defaults
// for an HTTP target group.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeTargetGroups.html
func describeTargetGroups(st *core.State, form url.Values) (any, error) {
	ix := core.NewIndex(st)
	tgs := named(ix[core.TokTargetGroup], form, "TargetGroupArns")
	var out struct{ TargetGroups core.Members[targetGroup] }
	for _, tg := range tgs {
		hc, _ := tg["healthCheck"].(map[string]any)
		g := targetGroup{TargetGroupArn: core.StrOf(tg, "arn"), TargetGroupName: core.StrOf(tg, "name"),
			Protocol: core.StrOf(tg, "protocol"), Port: core.IntOf(tg, "port"), VpcID: core.StrOf(tg, "vpcId"),
			HealthCheckProtocol: or(core.StrOf(hc, "protocol"), "HTTP"), HealthCheckPort: or(core.StrOf(hc, "port"), "traffic-port"),
			HealthCheckEnabled: hc == nil || hc["enabled"] != false, HealthCheckIntervalSeconds: orInt(core.IntOf(hc, "interval"), 30),
			HealthCheckTimeoutSeconds: orInt(core.IntOf(hc, "timeout"), 5), HealthyThresholdCount: orInt(core.IntOf(hc, "healthyThreshold"), 5),
			UnhealthyThresholdCount: orInt(core.IntOf(hc, "unhealthyThreshold"), 2), HealthCheckPath: or(core.StrOf(hc, "path"), "/"),
			TargetType: core.StrOf(tg, "targetType")}
		g.Matcher.HTTPCode = or(core.StrOf(hc, "matcher"), "200")
		g.LoadBalancerArns.Member = loadBalancersOf(ix, g.TargetGroupArn)
		out.TargetGroups.Member = append(out.TargetGroups.Member, g)
	}
	return out, nil
}

// loadBalancersOf are the load balancers whose listeners forward to tg.
func loadBalancersOf(ix core.Index, tg string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range ix[core.TokListener] {
		for _, a := range actionsOf(l) {
			uses := a.TargetGroupArn == tg
			if a.ForwardConfig != nil {
				for _, w := range a.ForwardConfig.TargetGroups.Member {
					uses = uses || w.TargetGroupArn == tg
				}
			}
			if lb := core.StrOf(l, "loadBalancerArn"); uses && !seen[lb] {
				seen[lb] = true
				out = append(out, lb)
			}
		}
	}
	return out
}

// named keeps the resources the request names by ARN (arnsParam) and by
// name (Names); a request naming none describes them all.
func named(entries []map[string]any, form url.Values, arnsParam string) []map[string]any {
	entries = core.Filter(entries, "arn", core.QueryList(form, arnsParam, "member"))
	return core.Filter(entries, "name", core.QueryList(form, "Names", "member"))
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func orInt(n, def int) int {
	if n == 0 {
		return def
	}
	return n
}
