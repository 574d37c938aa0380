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
)
