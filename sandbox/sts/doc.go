// Package sts answers AWS STS GetCallerIdentity for the sandbox's one user.
package sts
