package sandbox

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// typeSpec is everything type-specific about a simulated resource. One table
// holds every type so behaviour stays uniform.
type typeSpec struct {
	token     string
	required  []string
	name      string // physical-name property, autonamed when absent
	nameMax   int
	lowerName bool     // S3 and ECR names must be lower case
	scope     string   // property scoping name uniqueness ("" = account-wide)
	immutable []string // changing one forces replacement; "*" = all but tags
	defaults  map[string]any
	check     func(e *env) []string        // extra input validation: "property: reason"
	create    func(e *env) (string, error) // fills computed outputs, returns the id
	update    func(e *env) error           // recomputes outputs that change on update
	remove    func(st *state, r *record)   // cleans up side state on delete
	// refuseDelete is AWS refusing a delete (a bucket with objects);
	// nothing is deleted when it returns an error.
	refuseDelete func(st *state, r *record) error
}

func (t *typeSpec) isImmutable(k string) bool {
	for _, m := range t.immutable {
		if m == k || (m == "*" && k != "tags" && k != "tagsAll") {
			return true
		}
	}
	return false
}

const fixedTime = "2024-01-01T00:00:00Z"

func now() string { return time.Now().UTC().Format(time.RFC3339) }

var specs = map[string]*typeSpec{}

func register(ts ...*typeSpec) {
	for _, t := range ts {
		specs[t.token] = t
	}
}

// SupportedTypes lists the resource type tokens the sandbox simulates.
func SupportedTypes() []string {
	out := make([]string, 0, len(specs))
	for k := range specs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func unsupported(typ string) error {
	return fmt.Errorf("the kirikae sandbox does not simulate resource type %q; simulated types: %s",
		typ, strings.Join(SupportedTypes(), ", "))
}

// ec2 is the shape shared by simple EC2 resources: an id with a prefix and an
// ARN keyed by that id.
func ec2(prefix, arnKind string) func(e *env) (string, error) {
	return func(e *env) (string, error) {
		id := e.ec2ID(prefix)
		if arnKind != "" {
			e.put("arn", e.arn("ec2", e.region, arnKind+"/"+id))
			e.put("ownerId", e.account)
		}
		return id, nil
	}
}

func jsonString(k string, wantArray bool) func(e *env) []string {
	return func(e *env) []string {
		s := e.str(k)
		if s == "" {
			return nil
		}
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return []string{k + ": not valid JSON: " + err.Error()}
		}
		if _, ok := v.([]any); wantArray && !ok {
			return []string{k + ": must be a JSON array"}
		}
		return nil
	}
}

// needBucket mirrors S3's NoSuchBucket for bucket sub-resources.
func needBucket(e *env) error {
	b := e.str("bucket")
	if _, r := e.st.find("aws:s3/bucketV2:BucketV2", b, ""); r == nil {
		return fmt.Errorf("NoSuchBucket: the specified bucket %q does not exist", b)
	}
	return nil
}

func byBucket(e *env) (string, error) {
	if err := needBucket(e); err != nil {
		return "", err
	}
	return e.str("bucket"), nil
}

func init() {
	register(
		&typeSpec{token: "aws:ec2/vpc:Vpc", required: []string{"cidrBlock"},
			immutable: []string{"cidrBlock", "instanceTenancy"},
			defaults:  map[string]any{"enableDnsSupport": true, "enableDnsHostnames": false, "instanceTenancy": "default"},
			create: func(e *env) (string, error) {
				id, _ := ec2("vpc-", "vpc")(e)
				e.put("defaultSecurityGroupId", e.ec2ID("sg-"))
				e.put("mainRouteTableId", e.ec2ID("rtb-"))
				e.put("defaultRouteTableId", e.out["mainRouteTableId"].StringValue())
				e.put("defaultNetworkAclId", e.ec2ID("acl-"))
				e.put("dhcpOptionsId", e.ec2ID("dopt-"))
				return id, nil
			}},
		&typeSpec{token: "aws:ec2/subnet:Subnet", required: []string{"vpcId", "cidrBlock"},
			immutable: []string{"cidrBlock", "vpcId", "availabilityZone"},
			defaults:  map[string]any{"mapPublicIpOnLaunch": false, "assignIpv6AddressOnCreation": false},
			create: func(e *env) (string, error) {
				e.putDefault("availabilityZone", e.region+"a")
				if err := knownZone(e.region, e.str("availabilityZone")); err != nil {
					return "", err
				}
				return ec2("subnet-", "subnet")(e)
			}},
		&typeSpec{token: "aws:ec2/internetGateway:InternetGateway", create: ec2("igw-", "internet-gateway")},
		&typeSpec{token: "aws:ec2/eip:Eip", defaults: map[string]any{"domain": "vpc"},
			create: func(e *env) (string, error) {
				id, _ := ec2("eipalloc-", "elastic-ip")(e)
				ip := fmt.Sprintf("54.%s.%s.%s", e.digits(2), e.digits(2), e.digits(2))
				e.put("allocationId", id)
				e.put("publicIp", ip)
				e.put("publicDns", "ec2-"+strings.ReplaceAll(ip, ".", "-")+".compute-1.amazonaws.com")
				return id, nil
			}},
		&typeSpec{token: "aws:ec2/natGateway:NatGateway", required: []string{"subnetId"},
			immutable: []string{"subnetId", "allocationId", "connectivityType"},
			defaults:  map[string]any{"connectivityType": "public"},
			create: func(e *env) (string, error) {
				e.put("networkInterfaceId", e.ec2ID("eni-"))
				e.put("privateIp", fmt.Sprintf("10.0.%s.%s", e.digits(2), e.digits(2)))
				return e.ec2ID("nat-"), nil
			}},
		&typeSpec{token: "aws:ec2/routeTable:RouteTable", required: []string{"vpcId"},
			immutable: []string{"vpcId"}, create: ec2("rtb-", "route-table")},
		&typeSpec{token: "aws:ec2/routeTableAssociation:RouteTableAssociation", required: []string{"routeTableId"},
			immutable: []string{"subnetId", "gatewayId"}, create: ec2("rtbassoc-", "")},
		&typeSpec{token: "aws:ec2/securityGroup:SecurityGroup", name: "name", nameMax: 255, scope: "vpcId",
			immutable: []string{"name", "namePrefix", "vpcId", "description"},
			defaults:  map[string]any{"description": "Managed by Pulumi", "revokeRulesOnDelete": false},
			create:    ec2("sg-", "security-group")},
		&typeSpec{token: "aws:ecr/repository:Repository", name: "name", nameMax: 256, lowerName: true,
			immutable: []string{"name"},
			defaults:  map[string]any{"imageTagMutability": "MUTABLE", "forceDelete": false},
			create: func(e *env) (string, error) {
				n := e.name()
				e.put("arn", e.arn("ecr", e.region, "repository/"+n))
				e.put("registryId", e.account)
				e.put("repositoryUrl", fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", e.account, e.region, n))
				return n, nil
			},
			// Only an empty repository (or forceDelete) is deleted; its
			// images go with it, so a repository created again under the
			// name starts empty as a new ECR repository does; the next
			// push collects the programs no image refers to any more.
			refuseDelete: repositoryNotEmpty,
			remove: func(st *state, r *record) {
				delete(st.Images, r.ID)
				dropRepositoryPolicy(st, r.ID) // ecr_policy.go
			}},
		&typeSpec{token: "aws:ecs/cluster:Cluster", name: "name", nameMax: 255, immutable: []string{"name"},
			create: func(e *env) (string, error) {
				arn := e.arn("ecs", e.region, "cluster/"+e.name())
				e.put("arn", arn)
				return arn, nil
			}},
		&typeSpec{token: "aws:ecs/taskDefinition:TaskDefinition", required: []string{"family", "containerDefinitions"},
			immutable: []string{"*"}, defaults: map[string]any{"skipDestroy": false},
			check:  jsonString("containerDefinitions", true),
			create: createTaskDefinition},
		&typeSpec{token: "aws:ecs/service:Service", name: "name", nameMax: 255, scope: "cluster",
			immutable: []string{"name", "cluster", "launchType", "schedulingStrategy"},
			defaults:  map[string]any{"desiredCount": 0.0, "schedulingStrategy": "REPLICA"},
			create: func(e *env) (string, error) {
				e.putDefault("cluster", e.arn("ecs", e.region, "cluster/default"))
				return e.arn("ecs", e.region, "service/"+lastSegment(e.str("cluster"), "/")+"/"+e.name()), nil
			},
			update: updateService, remove: removeService},
		&typeSpec{token: "aws:lb/loadBalancer:LoadBalancer", name: "name", nameMax: 32,
			immutable: []string{"name", "namePrefix", "internal", "loadBalancerType"},
			defaults: map[string]any{"internal": false, "loadBalancerType": "application",
				"enableHttp2": true, "idleTimeout": 60.0, "ipAddressType": "ipv4"},
			create: createLoadBalancer},
		&typeSpec{token: "aws:lb/targetGroup:TargetGroup", name: "name", nameMax: 32,
			immutable: []string{"name", "namePrefix", "port", "protocol", "vpcId", "targetType", "protocolVersion"},
			defaults:  map[string]any{"targetType": "instance"},
			create: func(e *env) (string, error) {
				suffix := "targetgroup/" + e.name() + "/" + e.entropy(16)
				arn := e.arn("elasticloadbalancing", e.region, suffix)
				e.put("arn", arn)
				e.put("arnSuffix", suffix)
				return arn, nil
			}},
		&typeSpec{token: "aws:lb/listener:Listener", required: []string{"loadBalancerArn", "defaultActions"},
			immutable: []string{"loadBalancerArn"},
			create: func(e *env) (string, error) {
				arn := strings.Replace(e.str("loadBalancerArn"), ":loadbalancer/", ":listener/", 1) + "/" + e.entropy(16)
				e.put("arn", arn)
				return arn, nil
			}},
		&typeSpec{token: "aws:cloudwatch/logGroup:LogGroup", name: "name", nameMax: 512,
			immutable: []string{"name", "namePrefix"},
			defaults:  map[string]any{"retentionInDays": 0.0, "skipDestroy": false, "logGroupClass": "STANDARD"},
			create: func(e *env) (string, error) {
				e.put("arn", e.arn("logs", e.region, "log-group:"+e.name()))
				return e.name(), nil
			}},
		&typeSpec{token: "aws:iam/role:Role", required: []string{"assumeRolePolicy"}, name: "name", nameMax: 64,
			immutable: []string{"name", "namePrefix"}, check: jsonString("assumeRolePolicy", false),
			defaults: map[string]any{"path": "/", "maxSessionDuration": 3600.0, "forceDetachPolicies": false},
			create: func(e *env) (string, error) {
				e.put("arn", e.arn("iam", "", "role"+e.str("path")+e.name()))
				e.put("uniqueId", "AROA"+e.upper(17))
				e.put("createDate", now())
				return e.name(), nil
			}},
		&typeSpec{token: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", required: []string{"role", "policyArn"},
			immutable: []string{"role", "policyArn"},
			create: func(e *env) (string, error) {
				return e.str("role") + "-" + e.digits(26), nil
			}},
		// An inline role policy's id is <role>:<name>, as the provider imports it:
		// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html
		&typeSpec{token: "aws:iam/rolePolicy:RolePolicy", required: []string{"role", "policy"},
			name: "name", nameMax: 128, scope: "role", immutable: []string{"role", "name", "namePrefix"},
			check: jsonString("policy", false),
			create: func(e *env) (string, error) {
				return e.str("role") + ":" + e.name(), nil
			}},
		&typeSpec{token: "aws:lambda/function:Function", required: []string{"role"}, name: "name", nameMax: 64,
			immutable: []string{"name"},
			defaults: map[string]any{"memorySize": 128.0, "timeout": 3.0, "packageType": "Zip",
				"publish": false, "skipDestroy": false},
			create: createFunction, update: updateFunction,
			remove: func(st *state, r *record) { delete(st.Lambda, r.ID) }},
		&typeSpec{token: "aws:lambda/alias:Alias", required: []string{"functionName", "functionVersion"},
			name: "name", nameMax: 128, scope: "functionName", immutable: []string{"name", "functionName"},
			create: createAlias, update: func(e *env) error { return checkAliasVersion(e) }},
		&typeSpec{token: "aws:lambda/permission:Permission", required: []string{"action", "function", "principal"},
			name: "statementId", nameMax: 100, scope: "function", immutable: []string{"*"},
			create: func(e *env) (string, error) { return e.name(), nil }},
		&typeSpec{token: "aws:apigatewayv2/api:Api", required: []string{"protocolType"}, name: "name", nameMax: 128,
			immutable: []string{"protocolType"},
			defaults: map[string]any{"routeSelectionExpression": "$request.method $request.path",
				"apiKeySelectionExpression": "$request.header.x-api-key", "disableExecuteApiEndpoint": false},
			create: func(e *env) (string, error) {
				id := e.lower(10)
				scheme := "https"
				if e.str("protocolType") == "WEBSOCKET" {
					scheme = "wss"
				}
				e.put("apiEndpoint", fmt.Sprintf("%s://%s.execute-api.%s.amazonaws.com", scheme, id, e.region))
				e.put("executionArn", e.arn("execute-api", e.region, id))
				e.put("arn", fmt.Sprintf("arn:aws:apigateway:%s::/apis/%s", e.region, id))
				return id, nil
			}},
		&typeSpec{token: "aws:apigatewayv2/integration:Integration", required: []string{"apiId", "integrationType"},
			immutable: []string{"apiId"},
			defaults:  map[string]any{"connectionType": "INTERNET", "timeoutMilliseconds": 30000.0, "payloadFormatVersion": "1.0"},
			create:    func(e *env) (string, error) { return e.lower(7), nil }},
		&typeSpec{token: "aws:apigatewayv2/route:Route", required: []string{"apiId", "routeKey"},
			immutable: []string{"apiId"},
			defaults:  map[string]any{"authorizationType": "NONE", "apiKeyRequired": false},
			create:    func(e *env) (string, error) { return e.lower(7), nil }},
		&typeSpec{token: "aws:apigatewayv2/stage:Stage", required: []string{"apiId"}, name: "name", nameMax: 128,
			scope: "apiId", immutable: []string{"apiId", "name"}, defaults: map[string]any{"autoDeploy": false},
			create: func(e *env) (string, error) {
				api, n := e.str("apiId"), e.name()
				path := n
				if n == "$default" {
					path = "" // the $default stage is served at the API root
				}
				e.put("invokeUrl", fmt.Sprintf("https://%s.execute-api.%s.amazonaws.com/%s", api, e.region, path))
				e.put("arn", fmt.Sprintf("arn:aws:apigateway:%s::/apis/%s/stages/%s", e.region, api, n))
				e.put("executionArn", e.arn("execute-api", e.region, api+"/"+n))
				return n, nil
			}},
		&typeSpec{token: "aws:s3/bucketV2:BucketV2", name: "bucket", nameMax: 63, lowerName: true,
			immutable: []string{"bucket", "bucketPrefix", "objectLockEnabled"},
			defaults:  map[string]any{"forceDestroy": false, "objectLockEnabled": false},
			create: func(e *env) (string, error) {
				b := e.name()
				e.put("arn", "arn:aws:s3:::"+b)
				e.put("bucketDomainName", b+".s3.amazonaws.com")
				e.put("bucketRegionalDomainName", fmt.Sprintf("%s.s3.%s.amazonaws.com", b, e.region))
				e.put("region", e.region)
				e.put("hostedZoneId", "Z3AQBSTGFYJSTF")
				return b, nil
			},
			// Only an empty bucket (or forceDestroy, with which the provider
			// empties it first) is deleted, so a recreated bucket starts empty.
			refuseDelete: bucketNotEmpty,
			remove:       func(st *state, r *record) { _ = st.dropObjects(r.ID) }},
		&typeSpec{token: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", required: []string{"bucket"},
			immutable: []string{"bucket"},
			defaults: map[string]any{"blockPublicAcls": false, "blockPublicPolicy": false,
				"ignorePublicAcls": false, "restrictPublicBuckets": false},
			create: byBucket},
		&typeSpec{token: "aws:s3/bucketVersioningV2:BucketVersioningV2", required: []string{"bucket", "versioningConfiguration"},
			immutable: []string{"bucket", "expectedBucketOwner"}, create: byBucket},
		&typeSpec{token: "aws:s3/bucketPolicy:BucketPolicy", required: []string{"bucket", "policy"},
			immutable: []string{"bucket"}, check: jsonString("policy", false), create: byBucket},
		&typeSpec{token: "aws:cloudfront/originAccessControl:OriginAccessControl", name: "name", nameMax: 64,
			required:  []string{"originAccessControlOriginType", "signingBehavior", "signingProtocol"},
			immutable: []string{"name"},
			create: func(e *env) (string, error) {
				id := "E" + e.upper(13)
				e.put("etag", "E"+e.upper(13))
				e.put("arn", e.arn("cloudfront", "", "origin-access-control/"+id))
				return id, nil
			},
			update: func(e *env) error { e.put("etag", etag(e)); return nil }},
		// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateResponseHeadersPolicy.html
		&typeSpec{token: "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", name: "name", nameMax: 128,
			create: func(e *env) (string, error) {
				hex := func(n int) string { return e.alnum(n, "0123456789abcdef") }
				e.put("etag", etag(e))
				return hex(8) + "-" + hex(4) + "-" + hex(4) + "-" + hex(4) + "-" + hex(12), nil
			},
			update: func(e *env) error { e.put("etag", etag(e)); return nil }},
		&typeSpec{token: "aws:cloudfront/distribution:Distribution",
			required: []string{"defaultCacheBehavior", "enabled", "origins", "restrictions", "viewerCertificate"},
			defaults: map[string]any{"waitForDeployment": true, "retainOnDelete": false, "isIpv6Enabled": false,
				"httpVersion": "http2", "priceClass": "PriceClass_All"},
			create: func(e *env) (string, error) {
				id := "E" + e.upper(13)
				e.put("arn", e.arn("cloudfront", "", "distribution/"+id))
				e.put("domainName", strings.ToLower(id)+".cloudfront.net")
				e.put("hostedZoneId", "Z2FDTNDATAQYW2")
				e.put("status", "Deployed")
				e.put("etag", "E"+e.upper(13))
				e.put("callerReference", "kirikae-"+e.lower(12))
				e.put("lastModifiedTime", now())
				e.put("inProgressValidationBatches", 0.0)
				return id, nil
			},
			update: func(e *env) error {
				e.put("etag", etag(e))
				e.put("lastModifiedTime", now())
				return nil
			}},
		&typeSpec{token: "aws:sns/topic:Topic", name: "name", nameMax: 256,
			immutable: []string{"name", "namePrefix", "fifoTopic"}, defaults: map[string]any{"fifoTopic": false},
			create: func(e *env) (string, error) {
				arn := e.arn("sns", e.region, e.name())
				e.put("arn", arn)
				e.put("owner", e.account)
				return arn, nil
			}},
		&typeSpec{token: "aws:sns/topicSubscription:TopicSubscription", required: []string{"topic", "protocol", "endpoint"},
			immutable: []string{"topic", "protocol", "endpoint"},
			create: func(e *env) (string, error) {
				topic := e.str("topic")
				if _, r := e.st.find("aws:sns/topic:Topic", topic, ""); r == nil {
					return "", fmt.Errorf("NotFound: topic %s does not exist", topic)
				}
				h := e.entropy(32)
				arn := fmt.Sprintf("%s:%s-%s-%s-%s-%s", topic, h[:8], h[8:12], h[12:16], h[16:20], h[20:])
				e.put("arn", arn)
				e.put("ownerId", e.account)
				e.put("confirmationWasAuthenticated", false)
				e.put("pendingConfirmation", strings.HasPrefix(e.str("protocol"), "email"))
				return arn, nil
			}},
		&typeSpec{token: "aws:cloudwatch/metricAlarm:MetricAlarm", required: []string{"comparisonOperator", "evaluationPeriods"},
			name: "name", nameMax: 255, immutable: []string{"name"},
			defaults: map[string]any{"actionsEnabled": true, "treatMissingData": "missing"},
			create: func(e *env) (string, error) {
				e.put("arn", e.arn("cloudwatch", e.region, "alarm:"+e.name()))
				return e.name(), nil
			}},
	)
}

// etag changes on every CloudFront update, as AWS's does.
func etag(e *env) string { return "E" + e.upper(13) }

func createLoadBalancer(e *env) (string, error) {
	kind := "app"
	switch e.str("loadBalancerType") {
	case "network":
		kind = "net"
	case "gateway":
		kind = "gwy"
	}
	suffix := kind + "/" + e.name() + "/" + e.entropy(16)
	arn := e.arn("elasticloadbalancing", e.region, "loadbalancer/"+suffix)
	dns := fmt.Sprintf("%s-%s.%s.elb.amazonaws.com", e.name(), e.digits(10), e.region)
	if boolean(e.out, "internal") {
		dns = "internal-" + dns
	}
	e.put("arn", arn)
	e.put("arnSuffix", suffix)
	e.put("dnsName", dns)
	e.put("zoneId", "Z35SXDOTRQ7X7K")
	return arn, nil
}

// createTaskDefinition registers a new revision: AWS never edits a task
// definition, it counts revisions per family, even across deletions.
func createTaskDefinition(e *env) (string, error) {
	family := e.str("family")
	rev := e.st.TaskRevisions[family] + 1
	e.st.TaskRevisions[family] = rev
	base := e.arn("ecs", e.region, "task-definition/"+family)
	e.put("revision", float64(rev))
	e.put("arnWithoutRevision", base)
	e.put("arn", fmt.Sprintf("%s:%d", base, rev))
	return family, nil
}
