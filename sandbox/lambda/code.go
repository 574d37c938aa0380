package lambda

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"os"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/archive"

	"github.com/kirikae/kirikae/sandbox/core"
)

// PackageBytes is the zip Lambda receives: a zip file as it is (its
// entries keep their modes), anything else zipped by Pulumi, as the
// provider zips an archive before it uploads it.
func PackageBytes(a *archive.Archive) ([]byte, error) {
	if a.IsPath() && strings.HasSuffix(strings.ToLower(a.Path), ".zip") {
		return os.ReadFile(a.Path)
	}
	return a.Bytes(archive.ZIPArchive)
}

// CodeSha256 is what Lambda reports as a function's CodeSha256: the
// base64-encoded SHA-256 of its deployment package, so the same package
// always has the same one and other code never does.
// https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html
func CodeSha256(zip []byte) string {
	sum := sha256.Sum256(zip)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// codeSha256Of is the CodeSha256 of a function's code input: the package
// archive's, or for code in S3 (s3Bucket/s3Key) the object's, which Lambda
// fetches when the code is set (the store keeps each body's SHA-256). An
// object the sandbox does not hold is hashed by what names it (bucket,
// key, object version, sourceCodeHash), so it still changes exactly when
// the code does.
func codeSha256Of(st *core.State, in resource.PropertyMap) string {
	if code, ok := in["code"]; ok && code.IsArchive() {
		if data, err := PackageBytes(code.ArchiveValue()); err == nil {
			return CodeSha256(data)
		}
	}
	if bucket, key := core.Str(in, "s3Bucket"), core.Str(in, "s3Key"); bucket != "" && key != "" {
		if ix, err := st.Objs.Index(bucket); err == nil {
			if o, ok := ix.Objs[key]; ok {
				if sum, err := hex.DecodeString(o.SHA256); err == nil {
					return base64.StdEncoding.EncodeToString(sum)
				}
			}
		}
	}
	var ref []string
	for _, k := range []resource.PropertyKey{"s3Bucket", "s3Key", "s3ObjectVersion", "sourceCodeHash", "imageUri"} {
		if v, ok := in[k]; ok && v.IsString() {
			ref = append(ref, string(k)+"="+v.StringValue())
		}
	}
	return CodeSha256([]byte(strings.Join(ref, "\n")))
}
