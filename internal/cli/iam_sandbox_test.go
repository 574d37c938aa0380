package cli

import (
	"bytes"
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/access"
	"github.com/kirikae/kirikae/backend"
	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/sandbox"
	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/iam"
	"github.com/kirikae/kirikae/stacks"
)

// The preview role's policy, exactly as `kirikae iam policy` prints it,
// served by the sandbox's endpoint: kirikae's deploy lock (a conditional
// PutObject on the state bucket) is refused with AWS's AccessDenied, and
// kirikae reports it in one line naming the role and the missing action.
func TestThePreviewRoleCannotTakeTheLockUnderTheSandboxsIAM(t *testing.T) {
	cfg, err := stacks.Load("../..", "staging")
	require.NoError(t, err)
	policy, err := access.Generate(access.Role{Name: access.RolePreview},
		access.Scope{Project: stacks.Namespace, Config: cfg, State: access.StateLocation{Bucket: "team-state"}})
	require.NoError(t, err)
	raw, err := policy.JSON()
	require.NoError(t, err)
	doc, err := iam.Parse(raw)
	require.NoError(t, err)

	acct, err := core.OpenAccount(t.TempDir())
	require.NoError(t, err)
	var dir iam.Directory
	require.NoError(t, dir.Bind("AKIAPREVIEWROLE00000", "preview-secret", "ci",
		&iam.Role{Name: "kirikae-preview", Account: acct.ID(), Policies: []iam.Document{doc}}))
	srv := httptest.NewServer(sandbox.APIHandlerWith(acct, &dir))
	t.Cleanup(srv.Close)
	client := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider("AKIAPREVIEWROLE00000", "preview-secret", "")})
	store := backend.NewS3(client, "team-state", "")

	_, err = backend.AcquireLock(context.Background(), store, "locks/kirikae/staging.json",
		backend.LockInfo{Who: "ci", Op: "up", Since: time.Now()})
	require.Error(t, err)
	denied := deploy.AsAccessDenied(err)
	require.NotNil(t, denied, err.Error())
	assert.Equal(t, "kirikae-preview", denied.Role)
	assert.Equal(t, "s3:PutObject", denied.Action)
	assert.Equal(t, "arn:aws:s3:::team-state/.kirikae/locks/kirikae/staging.json", denied.Resource)

	var out bytes.Buffer
	report(&out, err, deploy.Invocation{Stack: "staging"})
	assert.Equal(t, "kirikae: AWS denied s3:PutObject on arn:aws:s3:::team-state/.kirikae/locks/kirikae/staging.json to role kirikae-preview: "+
		"its policy does not allow s3:PutObject; next: run it with a role allowed s3:PutObject, or compare the role's policy with "+
		"`kirikae iam policy --stack staging --role ROLE`\n", out.String())
}
