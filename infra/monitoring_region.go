package infra

import (
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kirikae/kirikae/stacks"
)

// regionTopic is the alarm topic in a region other than the stack's, and
// the provider that manages resources there.
type regionTopic struct {
	provider *aws.Provider
	arn      pulumi.StringOutput
}

// newRegionTopic creates, in region, a provider and an alarm topic named
// as the stack's own, with the same e-mail subscribers.
func newRegionTopic(ctx *pulumi.Context, cfg stacks.Config, region string, parent pulumi.ResourceOption) (regionTopic, error) {
	// The provider has no parent: kirikae's targeted updates (the
	// repository first, a colour's service) would otherwise meet a new
	// provider depending on a component outside their --target list.
	prov, err := aws.NewProvider(ctx, "aws-"+region, &aws.ProviderArgs{Region: pulumi.String(region)})
	if err != nil {
		return regionTopic{}, fmt.Errorf("create provider for %s: %w", region, err)
	}
	in := pulumi.Provider(prov)
	topic, err := sns.NewTopic(ctx, "alarms-"+region, &sns.TopicArgs{
		Name: pulumi.String(physicalName(cfg, "alarms")),
		Tags: tags(cfg),
	}, parent, in)
	if err != nil {
		return regionTopic{}, fmt.Errorf("create alarm topic in %s: %w", region, err)
	}
	for i, email := range cfg.AlertEmails {
		if _, err := sns.NewTopicSubscription(ctx, "email-"+region+"-"+strconv.Itoa(i), &sns.TopicSubscriptionArgs{
			Topic:    topic.Arn,
			Protocol: pulumi.String("email"),
			Endpoint: pulumi.String(email),
		}, parent, in); err != nil {
			return regionTopic{}, fmt.Errorf("subscribe alert email in %s: %w", region, err)
		}
	}
	return regionTopic{provider: prov, arn: topic.Arn}, nil
}
