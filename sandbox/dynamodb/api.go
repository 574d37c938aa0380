// Package dynamodb serves the DynamoDB API calls that read what the sandbox
// holds. Tables themselves are simulated generically (sandbox/generic):
// state only, no items.
package dynamodb

import (
	"net/http"
	"sort"
	"strings"

	"github.com/kirikae/kirikae/sandbox/core"
)

// TokTable is the table's pulumi-aws type token.
const TokTable = "aws:dynamodb/table:Table"

// jsonTarget prefixes X-Amz-Target in DynamoDB's awsJson1_0 protocol.
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.LowLevelAPI.html
const jsonTarget = "DynamoDB_20120810"

// Serve answers ListTables.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ListTables.html
func Serve(a *core.Account, w http.ResponseWriter, r *http.Request, body []byte, region string) {
	a.ServeJSON11(w, r, body, jsonTarget, map[string]core.JSONOp{
		"ListTables": func(st *core.State, in []byte) (any, error) {
			var req struct {
				ExclusiveStartTableName string
				Limit                   int
			}
			if err := core.Decode(in, &req); err != nil {
				return nil, err
			}
			return listTables(st, region, req.ExclusiveStartTableName, req.Limit)
		},
	})
}

type listTablesOutput struct {
	TableNames             []string `json:"TableNames"`
	LastEvaluatedTableName string   `json:"LastEvaluatedTableName,omitempty"`
}

// listTables pages through the region's table names in order, at most 100
// (or Limit, 1..100) a page; LastEvaluatedTableName is set when more remain.
func listTables(st *core.State, region, after string, limit int) (*listTablesOutput, error) {
	if limit < 0 || limit > 100 {
		return nil, core.BadRequest("ValidationException",
			"1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100")
	}
	if limit == 0 {
		limit = 100
	}
	names := []string{}
	for _, t := range core.NewIndex(st)[TokTable] {
		if p := strings.SplitN(core.StrOf(t, "arn"), ":", 6); len(p) == 6 && p[3] == region {
			names = append(names, core.StrOf(t, "name"))
		}
	}
	sort.Strings(names)
	if after != "" {
		names = names[sort.SearchStrings(names, after+"\x00"):]
	}
	out := &listTablesOutput{TableNames: names}
	if len(names) > limit {
		out.TableNames = names[:limit]
		out.LastEvaluatedTableName = names[limit-1]
	}
	return out, nil
}
