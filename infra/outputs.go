package infra

// Stack output names. They are named once here and read by every later layer
// (deploy, releases, verification, views), so a rename is a compile error,
// not a silent empty value.
const (
	OutputURL             = "url"             // API base URL (ALB or API Gateway stage)
	OutputFrontendURL     = "frontendUrl"     // https://<distribution domain>
	OutputImageTag        = "imageTag"        // image of the active colour (ecs)
	OutputActiveColor     = "activeColor"     // blue or green (ecs)
	OutputLambdaVersion   = "lambdaVersion"   // version alias `live` points at (lambda)
	OutputFrontendRelease = "frontendRelease" // release id the distribution serves
	OutputAlarmTopicArn   = "alarmTopicArn"   // SNS topic every alarm notifies

	// Outputs the deploy layer reads to act outside the engine: verify a
	// rollout, upload and prune frontend releases, invalidate the cache.
	OutputClusterName          = "clusterName"          // ECS cluster (ecs)
	OutputActiveService        = "activeService"        // service of the active colour (ecs)
	OutputActiveTaskDefinition = "activeTaskDefinition" // task definition ARN kirikae asked the active service to run (ecs)
	OutputIdleService          = "idleService"          // service of the idle colour (ecs)
	OutputIdleTaskDefinition   = "idleTaskDefinition"   // task definition ARN kirikae asked the idle service to run (ecs)
	OutputLambdaLatestVersion  = "lambdaLatestVersion"  // newest published version, which `live` may not point at yet (lambda)
	OutputFrontendBucket       = "frontendBucket"       // bucket holding releases/<id>/ (frontend)
	OutputDistributionID       = "distributionId"       // CloudFront distribution to invalidate (frontend)
	OutputTestURL              = "testUrl"              // test listener: the idle colour before the flip (ecs, kirikae:testListenerPort)
)
