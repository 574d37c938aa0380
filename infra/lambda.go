package infra

import (
	"fmt"
	"os"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/apigatewayv2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kirikae/kirikae/internal/projectfs"
	"github.com/kirikae/kirikae/stacks"
)

// Default HTTP API stage throttle: steady requests per second and burst.
// They are below the account-level quota of 10,000 rps / 5,000 burst.
const (
	apiRateLimit  = 1000
	apiBurstLimit = 500
)

// LiveAlias is the alias API Gateway invokes. Releases and rollbacks move
// the alias between published versions; the API never points at $LATEST.
const LiveAlias = "live"

// lambdaAPI is the lambda backend: a published function, alias `live`, and
// an HTTP API whose only integration is that alias.
type lambdaAPI struct {
	pulumi.ResourceState

	URL          pulumi.StringOutput
	FunctionName pulumi.StringOutput
	// AliasVersion is the version `live` points at (the stable one while a
	// canary bakes).
	AliasVersion pulumi.StringOutput
	// PublishedVersion is the newest version this update published; a
	// switch-style deploy stages it behind the pinned alias, then moves
	// the alias to it.
	PublishedVersion pulumi.StringOutput
	// Role is the role the function runs as; Yours receives it.
	Role *iam.Role
}

func newLambdaAPI(ctx *pulumi.Context, cfg stacks.Config) (*lambdaAPI, error) {
	code, err := lambdaCode(cfg.LambdaArtifact)
	if err != nil {
		return nil, fmt.Errorf("create lambda api: %w", err)
	}
	if cfg.LambdaCanaryWeight < 0 || cfg.LambdaCanaryWeight > 99 {
		return nil, fmt.Errorf("create lambda api: canary weight %d is outside 0..99", cfg.LambdaCanaryWeight)
	}
	if cfg.LambdaCanaryWeight > 0 && cfg.LambdaAliasVersion == "" {
		return nil, fmt.Errorf("create lambda api: a canary needs lambdaAliasVersion, the version the rest of the traffic stays on")
	}
	a := &lambdaAPI{}
	if err := ctx.RegisterComponentResource(TypeLambdaAPI, "api", a); err != nil {
		return nil, fmt.Errorf("register lambda api: %w", err)
	}
	fn, err := a.createFunction(ctx, cfg, code)
	if err != nil {
		return nil, err
	}
	alias, err := a.createAlias(ctx, cfg, fn)
	if err != nil {
		return nil, err
	}
	api, err := a.createHTTPAPI(ctx, cfg, fn, alias)
	if err != nil {
		return nil, err
	}

	a.URL = api.ApiEndpoint
	a.FunctionName = fn.Name
	a.AliasVersion = alias.FunctionVersion
	a.PublishedVersion = fn.Version
	if err := ctx.RegisterResourceOutputs(a, pulumi.Map{
		"url":              a.URL,
		"functionName":     a.FunctionName,
		"publishedVersion": fn.Version,
		"aliasVersion":     a.AliasVersion,
	}); err != nil {
		return nil, fmt.Errorf("register lambda api outputs: %w", err)
	}
	return a, nil
}

// functionCode is where the function's code comes from: an S3 object or a
// local archive (zip file or directory).
type functionCode struct {
	S3Bucket string
	S3Key    string
	Path     string
}

// lambdaCode parses kirikae:lambdaArtifact. The local path is used as given;
// the deploy layer makes it absolute.
func lambdaCode(artifact string) (functionCode, error) {
	if artifact == "" {
		return functionCode{}, fmt.Errorf("parse lambda artifact: lambdaArtifact is empty")
	}
	rest, ok := strings.CutPrefix(artifact, "s3://")
	if !ok {
		return functionCode{Path: artifact}, nil
	}
	bucket, key, _ := strings.Cut(rest, "/")
	if bucket == "" || key == "" {
		return functionCode{}, fmt.Errorf("parse lambda artifact: %q is not s3://bucket/key", artifact)
	}
	return functionCode{S3Bucket: bucket, S3Key: key}, nil
}

// localArchive is the function code from a local zip file or directory. A
// directory is zipped from the files projectfs.Files selects, not handed to
// Pulumi as a directory archive: that would include dotfiles (.env, .git)
// and follow symlinks out of the project.
func localArchive(path string) (pulumi.Archive, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read lambda artifact: %w", err)
	}
	if !st.IsDir() {
		return pulumi.NewFileArchive(path), nil
	}
	files, err := projectfs.Files(path)
	if err != nil {
		return nil, fmt.Errorf("read lambda artifact: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("read lambda artifact: %s has no files to zip", path)
	}
	assets := make(map[string]any, len(files))
	for _, f := range files {
		assets[f.Rel] = pulumi.NewFileAsset(f.Path)
	}
	return pulumi.NewAssetArchive(assets), nil
}

// setRevision makes a new object at the artifact's key a code change: a
// version id (versioned bucket) is the object Lambda fetches; an ETag
// (quoted, as S3 returns it) goes into sourceCodeHash, whose change alone
// triggers a code update. Without either the function's inputs stay the
// same and no version is published.
// https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionCode.html
func setRevision(args *lambda.FunctionArgs, revision string) {
	switch {
	case revision == "":
	case strings.HasPrefix(revision, `"`):
		args.SourceCodeHash = pulumi.String(revision)
	default:
		args.S3ObjectVersion = pulumi.String(revision)
	}
}

func (a *lambdaAPI) createFunction(ctx *pulumi.Context, cfg stacks.Config, code functionCode) (*lambda.Function, error) {
	parent := pulumi.Parent(a)
	// The Lambda execution role trusts lambda.amazonaws.com without
	// aws:SourceAccount: AWS documents this trust policy with no condition
	// (https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html),
	// and only this account can attach the role to a function (iam:PassRole).
	assume, err := assumeRolePolicy("lambda.amazonaws.com", "")
	if err != nil {
		return nil, fmt.Errorf("create function role: %w", err)
	}
	role, err := iam.NewRole(ctx, "function", &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(assume),
		Tags:             tags(cfg),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create function role: %w", err)
	}
	a.Role = role
	name := baseName(cfg)
	// Created before the function so Lambda does not create it first with
	// unlimited retention and no tags.
	logGroup, err := cloudwatch.NewLogGroup(ctx, "logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(LogGroupName(cfg)),
		RetentionInDays: pulumi.Int(cfg.LogRetention),
		Tags:            tags(cfg),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create function log group: %w", err)
	}
	attachment, err := iam.NewRolePolicy(ctx, "function-logs", &iam.RolePolicyArgs{
		Role:   role.Name,
		Policy: logGroup.Arn.ApplyT(functionLogsPolicy).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create function policy: %w", err)
	}
	args := &lambda.FunctionArgs{
		Name:       pulumi.String(name),
		Role:       role.Arn,
		Runtime:    pulumi.String(cfg.LambdaRuntime),
		Handler:    pulumi.String(cfg.LambdaHandler),
		MemorySize: pulumi.Int(cfg.LambdaMemory),
		Timeout:    pulumi.Int(cfg.LambdaTimeout),
		// Every code change publishes an immutable version the alias can
		// move to and back from.
		Publish: pulumi.Bool(true),
		// The stack's kirikae:cpuArchitecture, which the pipeline builds
		// the zip's bootstrap for; Lambda's default, x86_64, cannot start
		// an arm64 bootstrap (exec format error), nor arm64 an x86_64 one.
		// https://docs.aws.amazon.com/lambda/latest/dg/foundation-arch.html
		Architectures: pulumi.StringArray{pulumi.String(cfg.Platform().Lambda)},
		Tags:          tags(cfg),
	}
	if code.Path != "" {
		archive, err := localArchive(code.Path)
		if err != nil {
			return nil, fmt.Errorf("create function: %w", err)
		}
		args.Code = archive
	} else {
		args.S3Bucket = pulumi.String(code.S3Bucket)
		args.S3Key = pulumi.String(code.S3Key)
		setRevision(args, cfg.LambdaArtifactRevision)
	}
	fn, err := lambda.NewFunction(ctx, "function", args, parent,
		pulumi.DependsOn([]pulumi.Resource{logGroup, attachment}))
	if err != nil {
		return nil, fmt.Errorf("create function: %w", err)
	}
	return fn, nil
}

// createAlias points `live` at the pinned version, or at the version this
// update publishes. During a canary it stays on the pinned version and
// routes the canary weight to the new one.
func (a *lambdaAPI) createAlias(ctx *pulumi.Context, cfg stacks.Config, fn *lambda.Function) (*lambda.Alias, error) {
	args := &lambda.AliasArgs{
		Name:            pulumi.String(LiveAlias),
		FunctionName:    fn.Name,
		FunctionVersion: fn.Version,
	}
	if cfg.LambdaAliasVersion != "" {
		args.FunctionVersion = pulumi.String(cfg.LambdaAliasVersion)
	}
	if cfg.LambdaCanaryWeight > 0 {
		weight := float64(cfg.LambdaCanaryWeight) / 100
		args.RoutingConfig = &lambda.AliasRoutingConfigArgs{
			AdditionalVersionWeights: fn.Version.ApplyT(func(v string) map[string]float64 {
				return map[string]float64{v: weight}
			}).(pulumi.Float64MapOutput),
		}
	}
	alias, err := lambda.NewAlias(ctx, LiveAlias, args, pulumi.Parent(a))
	if err != nil {
		return nil, fmt.Errorf("create alias: %w", err)
	}
	return alias, nil
}

// createHTTPAPI fronts the alias with an HTTP API. The integration and the
// permission name the alias, so moving the alias is the whole release.
func (a *lambdaAPI) createHTTPAPI(ctx *pulumi.Context, cfg stacks.Config, fn *lambda.Function, alias *lambda.Alias) (*apigatewayv2.Api, error) {
	parent := pulumi.Parent(a)
	api, err := apigatewayv2.NewApi(ctx, "http", &apigatewayv2.ApiArgs{
		Name:         pulumi.String(baseName(cfg)),
		ProtocolType: pulumi.String("HTTP"),
		Tags:         tags(cfg),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create http api: %w", err)
	}
	integration, err := apigatewayv2.NewIntegration(ctx, "live", &apigatewayv2.IntegrationArgs{
		ApiId:                api.ID(),
		IntegrationType:      pulumi.String("AWS_PROXY"),
		IntegrationMethod:    pulumi.String("POST"),
		IntegrationUri:       alias.InvokeArn,
		PayloadFormatVersion: pulumi.String("2.0"),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create integration: %w", err)
	}
	if _, err := apigatewayv2.NewRoute(ctx, "default", &apigatewayv2.RouteArgs{
		ApiId:    api.ID(),
		RouteKey: pulumi.String("$default"),
		Target:   pulumi.Sprintf("integrations/%s", integration.ID()),
	}, parent); err != nil {
		return nil, fmt.Errorf("create route: %w", err)
	}
	if _, err := apigatewayv2.NewStage(ctx, "default", &apigatewayv2.StageArgs{
		ApiId:      api.ID(),
		Name:       pulumi.String("$default"),
		AutoDeploy: pulumi.Bool(true),
		// A stage-wide throttle below the account quota, so one noisy
		// client cannot use up the account's concurrency for every API:
		// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html
		DefaultRouteSettings: &apigatewayv2.StageDefaultRouteSettingsArgs{
			ThrottlingRateLimit:  pulumi.Float64(apiRateLimit),
			ThrottlingBurstLimit: pulumi.Int(apiBurstLimit),
		},
		Tags: tags(cfg),
	}, parent); err != nil {
		return nil, fmt.Errorf("create stage: %w", err)
	}
	// Only this API (aws:SourceArn) of this account (aws:SourceAccount) may
	// invoke the alias:
	// https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html
	account := api.ExecutionArn.ApplyT(accountOf).(pulumi.StringOutput)
	if _, err := lambda.NewPermission(ctx, "api-invoke", &lambda.PermissionArgs{
		Action:        pulumi.String("lambda:InvokeFunction"),
		Function:      fn.Name,
		Qualifier:     pulumi.String(LiveAlias),
		Principal:     pulumi.String("apigateway.amazonaws.com"),
		SourceArn:     pulumi.Sprintf("%s/*/*", api.ExecutionArn),
		SourceAccount: account,
	}, parent, pulumi.DependsOn([]pulumi.Resource{alias})); err != nil {
		return nil, fmt.Errorf("create invoke permission: %w", err)
	}
	return api, nil
}
