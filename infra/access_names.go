package infra

import (
	"strings"

	"github.com/kirikae/kirikae/stacks"
)

// Name patterns for IAM policies (package access): each matches exactly the
// physical names this program gives one stack's resources, including the
// shortened, hashed forms limitedName produces for long service names.

// BaseName is the prefix of the stack's physical names: <serviceName>-<stack>.
func BaseName(cfg stacks.Config) string { return baseName(cfg) }

// LoadBalancerName is the ALB's name.
func LoadBalancerName(cfg stacks.Config) string {
	return limitedName(baseName(cfg), "", maxALBName)
}

// TargetGroupNamePatterns match the target groups of both colours, whatever
// VPC and port hash their names end in.
func TargetGroupNamePatterns(cfg stacks.Config) []string {
	hash := strings.Repeat("0", nameHashLen)
	var out []string
	for _, color := range []string{stacks.ColorBlue, stacks.ColorGreen} {
		name := limitedName(baseName(cfg), color+"-"+hash, maxTargetGroupName)
		out = append(out, strings.TrimSuffix(name, hash)+"*")
	}
	return out
}

// FrontendBucketPattern matches the frontend bucket's name in any account:
// the default name ends in the 12-digit account id.
func FrontendBucketPattern(cfg stacks.Config) string {
	if cfg.FrontendBucket != "" {
		return cfg.FrontendBucket
	}
	const placeholder = "000000000000"
	return strings.TrimSuffix(FrontendBucketName(cfg, placeholder), placeholder) + "*"
}

// FrontendName is the name of the CloudFront function, key value store and
// origin access control of the frontend.
func FrontendName(cfg stacks.Config) string { return physicalName(cfg, "frontend") }

// TopicName is the alarm topic's name.
func TopicName(cfg stacks.Config) string { return physicalName(cfg, "alarms") }
