// Package sqs serves the SQS API calls that read what the sandbox holds.
// Queues themselves are simulated generically (sandbox/generic): state
// only, no messages.
package sqs

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/kirikae/kirikae/sandbox/core"
)

// TokQueue is the queue's pulumi-aws type token.
const TokQueue = "aws:sqs/queue:Queue"

// jsonTarget prefixes X-Amz-Target in SQS's awsJson1_0 protocol.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-json.html
const jsonTarget = "AmazonSQS"

// Serve answers ListQueues in both protocols SQS speaks: awsJson1_0 (the AWS
// CLI from botocore 1.31, aws-sdk-go-v2) and the older query protocol
// (Action=ListQueues, XML).
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListQueues.html
func Serve(a *core.Account, w http.ResponseWriter, r *http.Request, body []byte, region string) {
	if r.Header.Get("X-Amz-Target") != "" {
		a.ServeJSON11(w, r, body, jsonTarget, map[string]core.JSONOp{
			"ListQueues": func(st *core.State, in []byte) (any, error) {
				var req listRequest
				if err := core.Decode(in, &req); err != nil {
					return nil, err
				}
				return list(st, region, req)
			},
		})
		return
	}
	a.ServeQuery(w, r, "http://queue.amazonaws.com/doc/2012-11-05/", map[string]core.QueryOp{
		"ListQueues": func(st *core.State, form url.Values) (any, error) {
			req := listRequest{QueueNamePrefix: form.Get("QueueNamePrefix"), NextToken: form.Get("NextToken")}
			if n := form.Get("MaxResults"); n != "" {
				var err error
				if req.MaxResults, err = strconv.Atoi(n); err != nil {
					return nil, core.BadRequest("InvalidParameterValue", "MaxResults must be a number")
				}
			}
			res, err := list(st, region, req)
			if err != nil {
				return nil, err
			}
			// The query protocol repeats <QueueUrl> for each queue.
			return struct {
				QueueURLs []string `xml:"QueueUrl"`
				NextToken string   `xml:"NextToken,omitempty"`
			}{res.QueueURLs, res.NextToken}, nil
		},
	})
}

type listRequest struct {
	QueueNamePrefix string
	MaxResults      int
	NextToken       string
}

type listResult struct {
	QueueURLs []string `json:"QueueUrls,omitempty"`
	NextToken string   `json:"NextToken,omitempty"`
}

// list returns the region's queue URLs whose names start with the prefix,
// at most 1,000, or MaxResults (1..1,000) a page with a NextToken when more
// remain.
func list(st *core.State, region string, req listRequest) (*listResult, error) {
	if req.MaxResults < 0 || req.MaxResults > 1000 {
		return nil, core.BadRequest("InvalidParameterValue", "MaxResults must be between 1 and 1000")
	}
	var urls []string
	for _, q := range core.NewIndex(st)[TokQueue] {
		if regionOf(core.StrOf(q, "arn")) == region && strings.HasPrefix(core.StrOf(q, "name"), req.QueueNamePrefix) {
			urls = append(urls, core.StrOf(q, "url"))
		}
	}
	sort.Strings(urls)
	if req.NextToken != "" {
		after, err := base64.RawURLEncoding.DecodeString(req.NextToken)
		if err != nil {
			return nil, core.BadRequest("InvalidParameterValue", "Invalid NextToken")
		}
		i := sort.SearchStrings(urls, string(after)+"\x00")
		urls = urls[i:]
	}
	limit := 1000
	if req.MaxResults > 0 {
		limit = req.MaxResults
	}
	res := &listResult{QueueURLs: urls}
	if len(urls) > limit {
		res.QueueURLs = urls[:limit]
		if req.MaxResults > 0 { // without MaxResults, no token: AWS's rule
			res.NextToken = base64.RawURLEncoding.EncodeToString([]byte(urls[limit-1]))
		}
	}
	return res, nil
}

// regionOf is an ARN's region field.
func regionOf(arn string) string {
	if p := strings.SplitN(arn, ":", 6); len(p) == 6 {
		return p[3]
	}
	return ""
}
