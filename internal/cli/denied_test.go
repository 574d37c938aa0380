package cli

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kirikae/kirikae/deploy"
)

// An AWS refusal deep in a wrapped error is reported in one line naming the
// role and the action it lacks.
func TestAccessDeniedIsOneLineNamingRoleAndAction(t *testing.T) {
	aws := errors.New("operation error S3: PutObject, https response error StatusCode: 403, api error AccessDenied: " +
		"User: arn:aws:sts::111122223333:assumed-role/kirikae-preview/kirikae is not authorized to perform: s3:PutObject on resource: " +
		"arn:aws:s3:::state/.kirikae/locks/kirikae/staging.json because no identity-based policy allows the s3:PutObject action")
	var out bytes.Buffer
	code := report(&out, fmt.Errorf("lock staging: %w", aws), deploy.Invocation{Stack: "staging"})
	assert.Equal(t, ExitFailed, code)
	line := out.String()
	assert.Equal(t, 1, strings.Count(line, "\n"), line)
	assert.True(t, strings.HasPrefix(line, "kirikae: AWS denied s3:PutObject on arn:aws:s3:::state/.kirikae/locks/kirikae/staging.json to role kirikae-preview"), line)
	assert.Contains(t, line, "next: run it with a role allowed s3:PutObject, or compare the role's policy with `kirikae iam policy --stack staging --role ROLE`")
}
