// Package iam simulates AWS IAM roles, role policies and attachments.
package iam
