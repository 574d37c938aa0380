package deploy

import (
	"fmt"
	"os"
	"strings"

	"github.com/kirikae/kirikae/stacks"
)

// EmptyPassphraseError is an apply refused because the stack file holds
// `secure:` values while PULUMI_CONFIG_PASSPHRASE is set to "": encryption
// under the empty passphrase protects nothing, so anyone reading the
// repository reads the secret. config check refused it in CI; up refuses it
// everywhere, before anything changes.
type EmptyPassphraseError struct {
	Stack string
	Keys  []string
}

func (e *EmptyPassphraseError) Error() string {
	return fmt.Sprintf("%s keeps %s encrypted with the empty passphrase, which protects nothing", e.Stack, strings.Join(e.Keys, ", "))
}

// Hint says where the secret goes instead.
func (e *EmptyPassphraseError) Hint(Invocation) string {
	return fmt.Sprintf("store it with `aws ssm put-parameter --type SecureString --name NAME --value …` and set %s to %sNAME (or set a real PULUMI_CONFIG_PASSPHRASE)",
		e.Keys[0], stacks.SSMRefPrefix)
}

// BadInput: the user moves the secret; nothing changed.
func (e *EmptyPassphraseError) BadInput() bool { return true }

// checkPassphrase refuses an apply of a stack whose secrets the empty
// passphrase "encrypts".
func (s *Session) checkPassphrase() error {
	if v, set := os.LookupEnv("PULUMI_CONFIG_PASSPHRASE"); !set || v != "" {
		return nil
	}
	var keys []string
	for _, key := range stacks.SecretKeys() {
		if s.Config.SecretOf(key).Ciphertext != "" {
			keys = append(keys, key)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	return &EmptyPassphraseError{Stack: s.Stack(), Keys: keys}
}
