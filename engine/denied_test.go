package engine

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAsAccessDeniedReadsAWSRefusals(t *testing.T) {
	sdk := errors.New("operation error S3: PutObject, https response error StatusCode: 403, RequestID: 1, api error AccessDenied: " +
		"User: arn:aws:sts::111122223333:assumed-role/kirikae-preview/kirikae is not authorized to perform: s3:PutObject on resource: " +
		"arn:aws:s3:::state/.kirikae/locks/kirikae/staging.json because no identity-based policy allows the s3:PutObject action")
	d := AsAccessDenied(fmt.Errorf("lock staging: %w", sdk))
	require.NotNil(t, d)
	assert.Equal(t, "kirikae-preview", d.Role)
	assert.Equal(t, "s3:PutObject", d.Action)
	assert.Equal(t, "arn:aws:s3:::state/.kirikae/locks/kirikae/staging.json", d.Resource)
	assert.ErrorIs(t, d, sdk)
	assert.Equal(t, "AWS denied s3:PutObject on arn:aws:s3:::state/.kirikae/locks/kirikae/staging.json to role kirikae-preview: its policy does not allow s3:PutObject", d.Error())

	// A provider diagnostic (no resource named: an action without one).
	diag := &OperationError{Op: "update", Stack: "product", Errors: []string{
		"creating ECS Task Definition: AccessDeniedException: User: arn:aws:sts::1:assumed-role/kirikae-deploy-staging/s is not authorized to perform: ecs:RegisterTaskDefinition because no identity-based policy allows the ecs:RegisterTaskDefinition action"},
		Err: errors.New("exit status 255")}
	d = AsAccessDenied(diag)
	require.NotNil(t, d)
	assert.Equal(t, "ecs:RegisterTaskDefinition", d.Action)
	assert.Empty(t, d.Resource)

	assert.Nil(t, AsAccessDenied(errors.New("api error NoSuchKey: The specified key does not exist.")))
	assert.Nil(t, AsAccessDenied(nil))
}
