// Package ec2 simulates Amazon EC2's network resources (VPCs, subnets,
// gateways, route tables, security groups) and the availability zones of
// each region.
package ec2
