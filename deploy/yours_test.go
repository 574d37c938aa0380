package deploy_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/dynamodb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/sandbox"
)

// teamResources is a team's infra/yours.go, with knobs for the test: a
// queue, a table, a secret, and an IAM policy granting the service's role
// the queue and the table by their ARNs.
type teamResources struct {
	visibility int    // a queue input that updates in place
	table      string // the table's name suffix: renaming replaces it
	none       bool   // an empty Yours: everything above is deleted
}

const (
	tokQueue  = "aws:sqs/queue:Queue"
	tokTable  = "aws:dynamodb/table:Table"
	tokSecret = "aws:secretsmanager/secret:Secret"
	tokPolicy = "aws:iam/policy:Policy"
)

func (k teamResources) yours(ctx *pulumi.Context, in infra.YoursInput) error {
	if k.none {
		return nil
	}
	queue, err := sqs.NewQueue(ctx, "jobs", &sqs.QueueArgs{
		VisibilityTimeoutSeconds: pulumi.Int(k.visibility), Tags: in.Tags})
	if err != nil {
		return err
	}
	table, err := dynamodb.NewTable(ctx, "orders", &dynamodb.TableArgs{
		Name:        pulumi.String(in.Name(k.table)),
		BillingMode: pulumi.String("PAY_PER_REQUEST"),
		HashKey:     pulumi.String("id"),
		Attributes:  dynamodb.TableAttributeArray{dynamodb.TableAttributeArgs{Name: pulumi.String("id"), Type: pulumi.String("S")}},
		Tags:        in.Tags,
	})
	if err != nil {
		return err
	}
	if _, err := secretsmanager.NewSecret(ctx, "db", &secretsmanager.SecretArgs{Name: pulumi.String(in.Name("db"))}); err != nil {
		return err
	}
	doc := pulumi.All(queue.Arn, table.Arn).ApplyT(func(arns []any) (string, error) {
		b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{
			map[string]any{"Effect": "Allow", "Action": []string{"sqs:SendMessage", "sqs:ReceiveMessage"}, "Resource": arns[0]},
			map[string]any{"Effect": "Allow", "Action": []string{"dynamodb:GetItem", "dynamodb:PutItem"}, "Resource": arns[1]},
		}})
		return string(b), err
	}).(pulumi.StringOutput)
	policy, err := iam.NewPolicy(ctx, "data", &iam.PolicyArgs{Name: pulumi.String(in.Name("data")), Policy: doc})
	if err != nil {
		return err
	}
	_, err = iam.NewRolePolicyAttachment(ctx, "data", &iam.RolePolicyAttachmentArgs{
		Role: in.Role().Name, PolicyArn: policy.Arn})
	return err
}

// openYours opens the test project's staging stack with k as Yours and
// collects the diagnostics the deploy shows.
func openYours(t *testing.T, dir string, k teamResources, diags *[]deploy.Event) *deploy.Session {
	t.Helper()
	var mu sync.Mutex
	s, err := deploy.Open(context.Background(), deploy.Options{
		ProjectDir: dir, Stack: "staging", Sandbox: true, CLI: testproject.CLI(t),
		OnEvent: func(e deploy.Event) {
			if e.Kind == deploy.EventDiagnostic && diags != nil {
				mu.Lock()
				*diags = append(*diags, e)
				mu.Unlock()
			}
		},
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	s.SetYours(k.yours)
	return s
}

// ofType returns the account's resources of one type.
func ofType(t *testing.T, dir, typ string) []sandbox.Resource {
	var out []sandbox.Resource
	for _, r := range resourcesOf(t, dir) {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

func TestYourResourcesDeployUpdateReplaceAndDelete(t *testing.T) {
	dir := testproject.Copy(t)
	base := teamResources{visibility: 30, table: "orders"}

	var diags []deploy.Event
	s := openYours(t, dir, base, &diags)
	withImage(t, s) // its preview reports the generic types too
	diags = nil
	first := up(t, s)
	types := changedTypes(first)
	for _, typ := range []string{tokQueue, tokTable, tokSecret, tokPolicy} {
		assert.Equal(t, deploy.OpCreate, types[typ], typ)
	}
	// Each generic type is reported once, as information, never an error.
	notes := map[string]int{}
	for _, d := range diags {
		assert.NotEqual(t, "error", d.Severity, d.Message)
		if strings.Contains(d.Message, "simulated generically") {
			notes[strings.Fields(d.Message)[0]]++
		}
	}
	assert.Equal(t, map[string]int{tokQueue: 1, tokTable: 1, tokSecret: 1, tokPolicy: 1}, notes)

	// AWS-shaped ids and ARNs, and the policy names the queue and the
	// table by the ARNs the sandbox gave them.
	queues, tables, policies := ofType(t, dir, tokQueue), ofType(t, dir, tokTable), ofType(t, dir, tokPolicy)
	require.Len(t, queues, 1)
	require.Len(t, tables, 1)
	require.Len(t, policies, 1)
	queueArn, tableArn := queues[0].Outputs["arn"].(string), tables[0].Outputs["arn"].(string)
	cfg := testproject.Stack(t, dir, "staging")
	region, prefix := regexp.QuoteMeta(cfg.Region), cfg.ServiceName+"-staging"
	assert.Regexp(t, `^https://sqs\.`+region+`\.amazonaws\.com/\d{12}/jobs-[0-9a-f]{7}$`, queues[0].ID)
	assert.Equal(t, queues[0].ID, queues[0].Outputs["url"])
	assert.Regexp(t, `^arn:aws:sqs:`+region+`:\d{12}:jobs-[0-9a-f]{7}$`, queueArn)
	assert.Equal(t, prefix+"-orders", tables[0].ID)
	assert.Regexp(t, `^arn:aws:dynamodb:`+region+`:\d{12}:table/`+regexp.QuoteMeta(prefix)+`-orders$`, tableArn)
	assert.Regexp(t, `^arn:aws:iam::\d{12}:policy/`+regexp.QuoteMeta(prefix)+`-data$`, policies[0].ID)
	policy := policies[0].Inputs["policy"].(string)
	assert.Contains(t, policy, queueArn)
	assert.Contains(t, policy, tableArn)

	// The AWS CLI lists them through SQS's and DynamoDB's own calls.
	ep, err := sandbox.Serve(t.Context(), account(t, dir))
	require.NoError(t, err)
	t.Cleanup(func() { _ = ep.Close() })
	assert.Equal(t, []any{queues[0].ID}, awsCLI(t, ep.URL, cfg.Region, "sqs", "list-queues")["QueueUrls"])
	assert.Equal(t, []any{tables[0].ID}, awsCLI(t, ep.URL, cfg.Region, "dynamodb", "list-tables")["TableNames"])

	pre, err := openYours(t, dir, base, nil).Preview(context.Background(), deploy.PreviewOptions{})
	require.NoError(t, err)
	assert.False(t, pre.HasChanges(), "an unchanged Yours previews no changes: %+v", pre.Resources)

	longer := base
	longer.visibility = 60
	updated := up(t, openYours(t, dir, longer, nil))
	assert.Equal(t, map[string]string{tokQueue: deploy.OpUpdate}, changedTypes(updated))
	assert.Equal(t, 60.0, ofType(t, dir, tokQueue)[0].Outputs["visibilityTimeoutSeconds"])
	assert.Equal(t, queueArn, ofType(t, dir, tokQueue)[0].Outputs["arn"], "an update keeps the queue")

	renamed := longer
	renamed.table = "orders-v2"
	replaced := up(t, openYours(t, dir, renamed, nil))
	assert.Equal(t, deploy.OpReplace, changedTypes(replaced)[tokTable])
	tables = ofType(t, dir, tokTable)
	require.Len(t, tables, 1, "the old table is deleted")
	assert.Equal(t, prefix+"-orders-v2", tables[0].ID)
	assert.Contains(t, ofType(t, dir, tokPolicy)[0].Inputs["policy"], tables[0].Outputs["arn"],
		"the policy follows the new table's ARN")

	gone := up(t, openYours(t, dir, teamResources{none: true}, nil))
	for _, typ := range []string{tokQueue, tokTable, tokSecret, tokPolicy} {
		assert.Equal(t, deploy.OpDelete, changedTypes(gone)[typ], typ)
		assert.Empty(t, ofType(t, dir, typ), typ)
	}
}

// awsCLI runs the AWS CLI against the sandbox endpoint with the sandbox's
// keys, in the stack's region and no user configuration, and decodes its
// JSON answer. The CLI is the outside judge: it must be there under CI.
func awsCLI(t *testing.T, endpoint, region string, args ...string) map[string]any {
	t.Helper()
	bin, err := exec.LookPath("aws")
	if err != nil {
		testproject.MissingTool(t, "the AWS CLI (aws): %v", err)
		return nil
	}
	cmd := exec.CommandContext(t.Context(), bin, append([]string{"--endpoint-url", endpoint, "--output", "json", "--region", region}, args...)...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "AWS_ACCESS_KEY_ID="+sandbox.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+sandbox.SecretAccessKey,
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_MAX_ATTEMPTS=1")
	out, err := cmd.Output()
	var stderr string
	if ee, ok := err.(*exec.ExitError); ok {
		stderr = string(ee.Stderr)
	}
	require.NoError(t, err, "aws %v: %s", args, stderr)
	var v map[string]any
	require.NoError(t, json.Unmarshal(out, &v), string(out))
	return v
}

// typo is a resource whose type token pulumi-aws v6 does not have.
type typo struct{ pulumi.CustomResourceState }

func TestTypoTypeIsRefusedNamingTheClosestAndNothingIsCreated(t *testing.T) {
	dir := testproject.Copy(t)
	s := openSandbox(t, dir, "staging", nil)
	s.SetYours(func(ctx *pulumi.Context, _ infra.YoursInput) error {
		var r typo
		return ctx.RegisterResource("aws:sqs/queue:Queu", "jobs", pulumi.Map{}, &r)
	})
	_, err := s.PlanDeploy(context.Background(), deploy.DeployRequest{})
	require.Error(t, err)
	msg := err.Error()
	t.Log(msg)
	assert.NotContains(t, msg, "\n", "one line")
	assert.Contains(t, msg, `"aws:sqs/queue:Queu" does not exist in pulumi-aws v6; did you mean "aws:sqs/queue:Queue"?`)
	assert.Equal(t, 1, strings.Count(msg, "aws:sqs/queue:Queu\""), "said once: %s", msg)
	assert.Empty(t, resourcesOf(t, dir), "nothing is created")
}
