package infra

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kirikae/kirikae/stacks"
)

// Tag keys every taggable resource carries, so a console filter or a cost
// report can find everything one stack owns.
const (
	TagStack     = "kirikae:stack"
	TagService   = "kirikae:service"
	TagManagedBy = "ManagedBy"
)

// Name limits AWS enforces on identities kirikae names explicitly.
const (
	maxALBName         = 32
	maxTargetGroupName = 32
	maxBucketName      = 63
	nameHashLen        = 6
)

// Names and replacement. Pulumi replaces a resource by creating the new one
// before deleting the old, so a fixed physical name must change whenever a
// replacement can happen, or AWS refuses the duplicate. kirikae's fixed names
// are derived from exactly what forces their replacement: the ALB, cluster,
// log group, role, function, OAC and bucket are replaced only when their
// name changes (their other create-only settings are constants here); a
// service only when its cluster or name does, and the cluster name is part
// of its name. Target groups also fix their port and VPC at creation, so
// their names carry a hash of those (targetGroupName). Security groups are
// auto-named by Pulumi.

// baseName is the prefix of every physical name: <serviceName>-<stack>.
// Logical (Pulumi) names never contain it, so staging and product have the
// same resource names and differ only in physical names and values.
func baseName(cfg stacks.Config) string {
	return cfg.ServiceName + "-" + cfg.Stack
}

// physicalName joins the base name and a suffix.
func physicalName(cfg stacks.Config, suffix string) string {
	return baseName(cfg) + "-" + suffix
}

// limitedName builds base[-suffix] within max characters by shortening the
// base, never the suffix: the suffix (blue/green) is what keeps sibling names
// distinct. A shortened base ends in a hash of the full base, because plain
// truncation would give api-long-name-staging and api-long-name-product the
// same ALB name. Hyphens are trimmed before the hash and suffix because ALB
// and target group names may not contain "--" or end with "-".
func limitedName(base, suffix string, max int) string {
	room := max
	if suffix != "" {
		room -= len(suffix) + 1
	}
	if len(base) > room {
		sum := sha256.Sum256([]byte(base))
		hash := hex.EncodeToString(sum[:])[:nameHashLen]
		base = strings.TrimRight(base[:room-nameHashLen-1], "-") + "-" + hash
	}
	if suffix == "" {
		return base
	}
	return base + "-" + suffix
}

// targetGroupName is <base>-<color>-<hash of the settings fixed at
// creation>. Changing one of them (containerPort, the VPC; protocol and
// target type are constants of the program) replaces the target group, and
// Pulumi creates the replacement before deleting the old one, which still
// serves traffic: under the same name ELB answers DuplicateTargetGroupName
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html).
// The name changes exactly when the group is replaced, and stays readable.
func targetGroupName(cfg stacks.Config, color, vpcID string) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%d/%s/%s/%s", cfg.ContainerPort, targetGroupProtocol, targetGroupTargetType, vpcID))
	return limitedName(baseName(cfg), color+"-"+hex.EncodeToString(sum[:])[:nameHashLen], maxTargetGroupName)
}

// The target groups' fixed settings: HTTP to the tasks' IP addresses
// (awsvpc networking).
const (
	targetGroupProtocol   = "HTTP"
	targetGroupTargetType = "ip"
)

// tags returns the tag set of every taggable resource of the stack.
func tags(cfg stacks.Config) pulumi.StringMap {
	return pulumi.StringMap{
		TagStack:     pulumi.String(cfg.Stack),
		TagService:   pulumi.String(cfg.ServiceName),
		TagManagedBy: pulumi.String("kirikae"),
	}
}

// namedTags adds a Name tag, which is what the EC2 console shows for VPCs,
// subnets and gateways that have no name of their own.
func namedTags(cfg stacks.Config, name string) pulumi.StringMap {
	t := tags(cfg)
	t["Name"] = pulumi.String(name)
	return t
}

// FunctionName is the Lambda function's name, which alias LiveAlias
// belongs to; status reads the alias through the data plane by it.
func FunctionName(cfg stacks.Config) string { return baseName(cfg) }

// AlarmPrefix starts the name of every alarm of the stack.
func AlarmPrefix(cfg stacks.Config) string { return baseName(cfg) + "-" }
