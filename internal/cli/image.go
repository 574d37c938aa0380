package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/deploy"
)

// newImageCmd groups the build job's two questions about its image: may
// the build be skipped (check), and this is what we pushed (record).
func newImageCmd(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "image",
		Short: "Record the images the pipeline builds, and check a tag holds one of them",
		Long: `image record and image check keep the build job from deploying an image it did
not build. ECR lets anyone with push rights put an image under a tag nobody
took yet (a pull request's tree hash, before it merges); a build that skips
because the tag exists would deploy it. record writes, once, the digest the
build pushed under a tag, beside the stack's release records in the state
backend; check says whether the build may be skipped: the tag holds the digest
recorded for it.`,
	}
	cmd.AddCommand(newImageRecordCmd(f), newImageCheckCmd(f))
	return cmd
}

func newImageRecordCmd(f *factory) *cobra.Command {
	var digest string
	cmd := &cobra.Command{
		Use:   "record TAG --digest DIGEST --stack STACK",
		Short: "Record the digest the build pushed under TAG (ECR must hold exactly that)",
		Example: `  kirikae image record 3f2a9c1b7d4e --digest sha256:… --stack staging
  # the digest docker/build-push-action reports as its digest output`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if digest == "" {
				return usageError("image record: --digest is required (the digest the build pushed)")
			}
			return f.runImage(cmd.Context(), func(ctx context.Context, s *deploy.Session) (any, string, error) {
				rec, err := s.RecordBuild(ctx, args[0], digest)
				return rec, fmt.Sprintf("recorded %s as %s's build of %s", rec.Digest, s.Stack(), rec.Tag), err
			})
		},
	}
	cmd.Flags().StringVar(&digest, "digest", "", "the image digest the build pushed (sha256:…)")
	return cmd
}

func newImageCheckCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:   "check TAG --stack STACK [--json]",
		Short: "Say whether TAG holds an image the pipeline recorded (found: skip the build)",
		Long: `check prints found: true when ECR holds TAG and it names the digest image record
wrote for it, found: false when the tag is not there (build it). A tag holding
any other image is refused (exit 2): the pipeline neither deploys it nor can
push over it (tags are immutable).`,
		Example: "  kirikae image check \"$(git rev-parse 'HEAD^{tree}' | cut -c1-12)\" --stack staging --json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.runImage(cmd.Context(), func(ctx context.Context, s *deploy.Session) (any, string, error) {
				res, err := s.CheckBuild(ctx, args[0])
				say := fmt.Sprintf("found=%t: %s is not in the repository; build it", res.Found, res.Tag)
				if res.Found {
					say = fmt.Sprintf("found=%t: %s holds %s, the pipeline's build", res.Found, res.Tag, res.Digest)
				}
				return res, say, err
			})
		},
	}
}

// runImage opens the stack (its config names the repository, its backend
// holds the records) and prints the result as JSON or one line.
func (f *factory) runImage(ctx context.Context, fn func(context.Context, *deploy.Session) (any, string, error)) error {
	v := f.view(viewOptions{})
	defer v.Close()
	return f.withStack(ctx, v, nil, func(s *deploy.Session) error {
		res, line, err := fn(ctx, s)
		if err != nil {
			return err
		}
		if f.globals.JSON {
			return json.NewEncoder(f.io.Out).Encode(res)
		}
		_, err = fmt.Fprintln(f.io.Out, line)
		return err
	})
}
