package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/kirikae/kirikae/backend"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// The secrets-provider lines of a stack file. Pulumi writes them itself:
// `pulumi stack init` and `pulumi config set --secret` add encryptionsalt
// (passphrase provider), `--secrets-provider awskms://…` adds
// secretsprovider and encryptedkey
// (https://www.pulumi.com/docs/iac/concepts/secrets/#changing-the-secrets-provider-for-a-stack).
const (
	keySalt     = "encryptionsalt"
	keyProvider = "secretsprovider"
	keyDataKey  = "encryptedkey"
)

// StackFileError is a stack file whose secrets-provider lines do not fit
// how kirikae opens the stack (a `pulumi stack init` made with another
// passphrase, another secrets provider). The user edits the file: exit 2.
type StackFileError struct {
	Stack string
	File  string // Pulumi.<stack>.yaml
	Key   string // the line at fault
	Why   string // what is wrong, in the engine's words where it gave them
	Fix   string // what to do
}

func (e *StackFileError) Error() string {
	if e.Key == "" {
		return fmt.Sprintf("open stack %s: %s", e.Stack, e.Why)
	}
	return fmt.Sprintf("open stack %s: %s's %s line %s", e.Stack, e.File, e.Key, e.Why)
}

// Hint says what to change in the file.
func (e *StackFileError) Hint(Invocation) string { return e.Fix }

// BadInput: the user fixes the stack file.
func (e *StackFileError) BadInput() bool { return true }

// checkSecretsLines refuses a secrets provider other than the passphrase
// one kirikae creates its stacks with (engine/session.go) before the
// engine runs: the CLI would open the stack with a provider whose keys
// this run may not hold.
func checkSecretsLines(stack, name string, doc map[string]any) error {
	sp, ok := doc[keyProvider]
	if !ok || sp == "passphrase" || sp == "" {
		return nil
	}
	return &StackFileError{Stack: stack, File: name, Key: keyProvider,
		Why: fmt.Sprintf("names secrets provider %v; kirikae's stacks use the passphrase provider", sp),
		Fix: fmt.Sprintf("remove the %s and %s lines from %s (secrets are SSM references, docs/security.md)", keyProvider, keyDataKey, name)}
}

// saltFor picks the encryptionsalt of the work copy when the repository's
// stack file has none. The salt the stack's state was written with comes
// first: it is the one that opened the stack with this passphrase, and a
// salt copied into the work dir by an earlier run (from a stack file since
// restored with git checkout) must not outlive that file. Without state
// (before the first update), the work copy's own salt is kept.
func saltFor(ctx context.Context, files backend.Store, project, stack, workCopy string) string {
	if salt := stateSalt(ctx, files, project, stack); salt != "" {
		return salt
	}
	prev, err := os.ReadFile(workCopy)
	if err != nil {
		return ""
	}
	old := map[string]any{}
	if yaml.Unmarshal(prev, &old) != nil {
		return ""
	}
	salt, _ := old[keySalt].(string)
	return salt
}

// stateSalt is the passphrase provider's salt recorded in the backend's
// state ("" when there is none to read).
func stateSalt(ctx context.Context, files backend.Store, project, stack string) string {
	dep, ok := (&quietWorkspace{files: files, project: project}).readState(ctx, stack)
	if !ok {
		return ""
	}
	var d apitype.DeploymentV3
	if json.Unmarshal(dep, &d) != nil || d.SecretsProviders == nil || d.SecretsProviders.Type != "passphrase" {
		return ""
	}
	var st struct {
		Salt string `json:"salt"`
	}
	if json.Unmarshal(d.SecretsProviders.State, &st) != nil {
		return ""
	}
	return st.Salt
}

// passphraseCause turns the engine's "incorrect passphrase" into what the
// user can act on: the stack file's salt when it has one (written by a
// `pulumi stack init` or `pulumi config set --secret` under another
// passphrase), else the passphrase kirikae was given.
func (s *Session) passphraseCause(err error) error {
	if err == nil || !strings.Contains(err.Error(), "incorrect passphrase") {
		return err
	}
	var typed *StackFileError
	if errors.As(err, &typed) {
		return err
	}
	name := "Pulumi." + s.opts.Stack + ".yaml"
	source := "kirikae's own passphrase (.kirikae/passphrase)"
	if _, set := os.LookupEnv("PULUMI_CONFIG_PASSPHRASE"); set {
		source = "PULUMI_CONFIG_PASSPHRASE"
	} else if os.Getenv("PULUMI_CONFIG_PASSPHRASE_FILE") != "" {
		source = "PULUMI_CONFIG_PASSPHRASE_FILE"
	}
	raw, rerr := os.ReadFile(filepath.Join(s.opts.ProjectDir, name))
	doc := map[string]any{}
	if rerr == nil && yaml.Unmarshal(raw, &doc) == nil && doc[keySalt] != nil {
		return &StackFileError{Stack: s.opts.Stack, File: name, Key: keySalt,
			Why: fmt.Sprintf("was made with another passphrase than %s (the engine says: incorrect passphrase)", source),
			Fix: fmt.Sprintf("if `pulumi stack init` or `pulumi config set --secret` wrote it, delete the %s line from %s (kirikae keeps the stack's own salt); if your team's passphrase wrote it, set PULUMI_CONFIG_PASSPHRASE to that passphrase", keySalt, name)}
	}
	return &StackFileError{Stack: s.opts.Stack, File: name,
		Why: fmt.Sprintf("the stack was created with another passphrase than %s (the engine says: incorrect passphrase)", source),
		Fix: "set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) to the passphrase the stack was created with"}
}
