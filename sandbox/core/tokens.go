package core

// The resource type tokens more than one service or layer refers to.
const (
	TokKeyValueStore    = "aws:cloudfront/keyValueStore:KeyValueStore"
	TokKVSKey           = "aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey"
	TokFunction         = "aws:cloudfront/function:Function"
	TokRepositoryPolicy = "aws:ecr/repositoryPolicy:RepositoryPolicy"
	TokAlarm            = "aws:cloudwatch/metricAlarm:MetricAlarm"
	TokCluster          = "aws:ecs/cluster:Cluster"
	TokRepository       = "aws:ecr/repository:Repository"
	TokAlias            = "aws:lambda/alias:Alias"
	TokTopic            = "aws:sns/topic:Topic"
	TokLogGroup         = "aws:cloudwatch/logGroup:LogGroup"
	TokListener         = "aws:lb/listener:Listener"
	TokTargetGroup      = "aws:lb/targetGroup:TargetGroup"
	TokLoadBalancer     = "aws:lb/loadBalancer:LoadBalancer"
	TokOAC              = "aws:cloudfront/originAccessControl:OriginAccessControl"
	TokLifecycle        = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	TokBucket           = "aws:s3/bucketV2:BucketV2"
	TokService          = "aws:ecs/service:Service"
	TokTaskDef          = "aws:ecs/taskDefinition:TaskDefinition"
	TokDistribution     = "aws:cloudfront/distribution:Distribution"
	FunctionType        = "aws:lambda/function:Function"
)
