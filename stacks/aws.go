package stacks

import (
	"fmt"
	"slices"
)

// regions is the region list of pulumi-aws v6.83.4 (aws.Region enum), so a
// region kirikae accepts is one the provider accepts.
var regions = []string{
	"af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2",
	"ap-northeast-3", "ap-south-1", "ap-south-2", "ap-southeast-1",
	"ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
	"ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1",
	"eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1",
	"eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1",
	"mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1",
	"us-west-2", "cn-north-1", "cn-northwest-1", "us-gov-east-1",
	"us-gov-west-1", "us-iso-east-1", "us-iso-west-1", "us-isob-east-1",
	"eu-isoe-west-1",
}

// Regions returns the AWS region names aws:region accepts, sorted.
func Regions() []string {
	r := slices.Clone(regions)
	slices.Sort(r)
	return r
}

// fargateMemory is the AWS Fargate task size table: cpu units → memory MiB
// range and step.
var fargateMemory = map[int]struct{ min, max, step int }{
	256:   {512, 2048, 0}, // irregular: 512, 1024 or 2048 (FargateMemory)
	512:   {1024, 4096, 1024},
	1024:  {2048, 8192, 1024},
	2048:  {4096, 16384, 1024},
	4096:  {8192, 30720, 1024},
	8192:  {16384, 61440, 4096},
	16384: {32768, 122880, 8192},
}

// fargateCPUs lists the valid Fargate cpu values, ascending.
var fargateCPUs = []int{256, 512, 1024, 2048, 4096, 8192, 16384}

// FargateMemory returns the memory values (MiB) Fargate accepts with cpu,
// or nil when cpu is not a Fargate cpu value.
func FargateMemory(cpu int) []int {
	r, ok := fargateMemory[cpu]
	if !ok {
		return nil
	}
	if cpu == 256 {
		// 0.25 vCPU is the one irregular row: 512, 1024 or 2048 only.
		return []int{512, 1024, 2048}
	}
	var out []int
	for m := r.min; m <= r.max; m += r.step {
		out = append(out, m)
	}
	return out
}

// fargateMemoryRule describes the allowed memory for cpu in words, short
// enough for one error line.
func fargateMemoryRule(cpu int) string {
	mem := FargateMemory(cpu)
	if len(mem) <= 4 {
		return joinInts(mem)
	}
	r := fargateMemory[cpu]
	return fmt.Sprintf("%d to %d in steps of %d", r.min, r.max, r.step)
}
