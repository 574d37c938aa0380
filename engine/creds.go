package engine

import (
	"os"
	"path/filepath"
)

// HasAWSCredentials reports whether the usual AWS credential sources exist.
// It only looks (env vars, files): it never calls AWS, so a machine without
// network fails in milliseconds instead of hanging on the metadata service.
func HasAWSCredentials() bool {
	for _, v := range []string{"AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"} {
		if os.Getenv(v) != "" {
			return true
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return false
	}
	for _, f := range []string{os.Getenv("AWS_SHARED_CREDENTIALS_FILE"), filepath.Join(home, ".aws", "credentials"),
		os.Getenv("AWS_CONFIG_FILE"), filepath.Join(home, ".aws", "config")} {
		if f == "" {
			continue
		}
		if st, err := os.Stat(f); err == nil && st.Size() > 0 {
			return true
		}
	}
	return false
}
