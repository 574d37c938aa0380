package cloud

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// Parameter reads one parameter with decryption: a SecureString comes back
// in plain text only to a caller allowed kms:Decrypt on its key and
// ssm:GetParameter on its name.
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html
func (a *AWS) Parameter(ctx context.Context, name string) (string, error) {
	out, err := a.ssm.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name), WithDecryption: aws.Bool(true)})
	if err != nil {
		var nf *ssmtypes.ParameterNotFound
		if errors.As(err, &nf) {
			return "", fmt.Errorf("read parameter %s: it does not exist (create it with: aws ssm put-parameter --type SecureString --name %s --value …)", name, name)
		}
		return "", fmt.Errorf("read parameter %s: %w", name, err)
	}
	if out.Parameter == nil || out.Parameter.Value == nil {
		return "", fmt.Errorf("read parameter %s: no value", name)
	}
	return *out.Parameter.Value, nil
}
