package infra

import "sort"

// Component type tokens. They are part of every child's URN, so renaming one
// replaces everything under it.
const (
	TypeNetwork    = "kirikae:infra:Network"
	TypeECSService = "kirikae:infra:EcsService"
	TypeLambdaAPI  = "kirikae:infra:LambdaApi"
	TypeFrontend   = "kirikae:infra:Frontend"
	TypeMonitoring = "kirikae:infra:Monitoring"
)

// providerTypes is every AWS resource type Program can register, for either
// backend. A simulated provider must support all of them.
var providerTypes = []string{
	"aws:apigatewayv2/api:Api",
	"aws:apigatewayv2/integration:Integration",
	"aws:apigatewayv2/route:Route",
	"aws:apigatewayv2/stage:Stage",
	"aws:cloudfront/distribution:Distribution",
	"aws:cloudfront/function:Function",
	"aws:cloudfront/keyValueStore:KeyValueStore",
	"aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey",
	"aws:cloudfront/originAccessControl:OriginAccessControl",
	"aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
	"aws:cloudwatch/logGroup:LogGroup",
	"aws:cloudwatch/metricAlarm:MetricAlarm",
	"aws:ec2/eip:Eip",
	"aws:ec2/internetGateway:InternetGateway",
	"aws:ec2/natGateway:NatGateway",
	"aws:ec2/routeTable:RouteTable",
	"aws:ec2/routeTableAssociation:RouteTableAssociation",
	"aws:ec2/securityGroup:SecurityGroup",
	"aws:ec2/subnet:Subnet",
	"aws:ec2/vpc:Vpc",
	"aws:ecr/repository:Repository",
	"aws:ecs/cluster:Cluster",
	"aws:ecs/service:Service",
	"aws:ecs/taskDefinition:TaskDefinition",
	"aws:iam/role:Role",
	"aws:iam/rolePolicy:RolePolicy",
	"aws:ecr/lifecyclePolicy:LifecyclePolicy",
	"aws:ecr/repositoryPolicy:RepositoryPolicy",
	"aws:lambda/alias:Alias",
	"aws:lambda/function:Function",
	"aws:lambda/permission:Permission",
	"aws:lb/listener:Listener",
	"aws:lb/loadBalancer:LoadBalancer",
	"aws:lb/targetGroup:TargetGroup",
	"aws:s3/bucketPolicy:BucketPolicy",
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
	"aws:s3/bucketV2:BucketV2",
	"aws:s3/bucketVersioningV2:BucketVersioningV2",
	"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
	"aws:sns/topic:Topic",
	"aws:sns/topicSubscription:TopicSubscription",
}

// ResourceTypes returns, sorted, every provider (AWS) resource type token the
// program can register. Component types are not included: the engine, not a
// provider, handles them (see ComponentTypes).
func ResourceTypes() []string {
	out := append([]string(nil), providerTypes...)
	sort.Strings(out)
	return out
}

// ComponentTypes returns, sorted, the kirikae component type tokens.
func ComponentTypes() []string {
	out := []string{TypeNetwork, TypeECSService, TypeLambdaAPI, TypeFrontend, TypeMonitoring}
	sort.Strings(out)
	return out
}
