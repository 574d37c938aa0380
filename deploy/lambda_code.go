package deploy

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/archive"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/asset"

	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/internal/projectfs"
	"github.com/kirikae/kirikae/stacks"
	"github.com/kirikae/kirikae/verify"
)

// A Lambda release is verified by code identity as well as by the version
// it answers from: Lambda reports each version's CodeSha256, the base64
// SHA-256 of the deployment package it was published with, so a version
// published with other code than the artifact kirikae planned (a stale
// build, an artifact rewritten between plan and apply) fails even though
// the version number it reports is the expected one.
// https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html

// codeSha256 is Lambda's CodeSha256 of a deployment package.
func codeSha256(zip []byte) string {
	sum := sha256.Sum256(zip)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// artifactCodeSha256 is the CodeSha256 Lambda will report for a local
// artifact: the zip file's bytes as they are, or a directory zipped as the
// engine zips it (projectfs.Files through Pulumi's archive, as
// infra.localArchive hands it over). "" when there is no such file: the
// engine reports the missing artifact, as before.
func artifactCodeSha256(projectDir, artifact string) (string, error) {
	if artifact == "" || strings.HasPrefix(artifact, "s3://") {
		return "", nil
	}
	path := artifact
	if !filepath.IsAbs(path) {
		path = filepath.Join(projectDir, path)
	}
	st, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("hash lambda artifact: %w", err)
	}
	var data []byte
	if !st.IsDir() {
		data, err = os.ReadFile(path)
	} else {
		data, err = zipDirectory(path)
	}
	if err != nil {
		return "", fmt.Errorf("hash lambda artifact %s: %w", artifact, err)
	}
	return codeSha256(data), nil
}

func zipDirectory(dir string) ([]byte, error) {
	files, err := projectfs.Files(dir)
	if err != nil {
		return nil, err
	}
	assets := make(map[string]any, len(files))
	for _, f := range files {
		a, err := asset.FromPath(f.Path)
		if err != nil {
			return nil, err
		}
		assets[f.Rel] = a
	}
	ar, err := archive.FromAssets(assets)
	if err != nil {
		return nil, err
	}
	return ar.Bytes(archive.ZIPArchive)
}

// checkCode compares the CodeSha256 of the version a Lambda release serves
// with the one its artifact had when kirikae planned it: a mismatch is a
// failed check named "code", as a wrong version served is.
func (s *Session) checkCode(ctx context.Context, cfg stacks.Config, outs map[string]Output, want Values) (*verify.Result, error) {
	if cfg.Backend != stacks.BackendLambda || want.Lambda.CodeSha256 == "" {
		return nil, nil
	}
	version := expectedVersion(cfg, outs, want)
	if version == "" {
		return nil, nil
	}
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return nil, err
	}
	fn := infra.FunctionName(cfg)
	got, err := c.FunctionCodeSha256(ctx, fn, version)
	if err != nil {
		return nil, fmt.Errorf("verify code of %s: %w", s.Stack(), err)
	}
	res := &verify.Result{Check: verify.Check{Name: "code"}, OK: got == want.Lambda.CodeSha256, Version: version, Attempts: 1}
	if !res.OK {
		res.Err = fmt.Sprintf("version %s of %s runs code with CodeSha256 %s, not the artifact %s planned (%s)",
			version, fn, got, want.Lambda.Artifact, want.Lambda.CodeSha256)
	}
	return res, nil
}
