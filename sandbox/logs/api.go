package logs

import (
	"encoding/base64"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/kirikae/kirikae/sandbox/core"
)

// CloudWatch Logs speaks awsJson1_1 with X-Amz-Target "Logs_20140328.<Op>".
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/Welcome.html
const logsTargetPrefix = "Logs_20140328"

// maxLogEvents is the most events FilterLogEvents and GetLogEvents return
// per call (their default and maximum limit, 10,000).
const maxLogEvents = 10000

type logsOp func(in []byte) (any, error)

// ServeLogs answers the CloudWatch Logs operations kirikae's `logs` and
// the AWS CLI use, from the account's log store (logs/store.go).
func ServeLogs(a *core.Account, w http.ResponseWriter, r *http.Request, body []byte) {
	ops := map[string]logsOp{
		"FilterLogEvents":    func(in []byte) (any, error) { return logsFilter(a, in) },
		"GetLogEvents":       func(in []byte) (any, error) { return logsGet(a, in) },
		"DescribeLogGroups":  func(in []byte) (any, error) { return logsDescribeGroups(a, in) },
		"DescribeLogStreams": func(in []byte) (any, error) { return logsDescribeStreams(a, in) },
		"PutLogEvents":       func(in []byte) (any, error) { return logsPut(a, in) },
		"CreateLogGroup":     func(in []byte) (any, error) { return logsCreate(a, in, false) },
		"CreateLogStream":    func(in []byte) (any, error) { return logsCreate(a, in, true) },
	}
	target := r.Header.Get("X-Amz-Target")
	name, ok := strings.CutPrefix(target, logsTargetPrefix+".")
	op := ops[name]
	if r.Method != http.MethodPost || !ok || op == nil {
		core.WriteError(w, r, core.ProtoJSON, core.UnknownOperation(target))
		return
	}
	if len(body) == 0 {
		body = []byte("{}")
	}
	out, err := op(body)
	if err != nil {
		core.WriteError(w, r, core.ProtoJSON, core.AsAPIError(err))
		return
	}
	core.WriteJSON(w, core.JSONContentType, out)
}

type filteredEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
	EventID       string `json:"eventId"`
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html
func logsFilter(a *core.Account, in []byte) (any, error) {
	var req struct {
		LogGroupName        string   `json:"logGroupName"`
		LogGroupIdentifier  string   `json:"logGroupIdentifier"`
		LogStreamNames      []string `json:"logStreamNames"`
		LogStreamNamePrefix string   `json:"logStreamNamePrefix"`
		StartTime, EndTime  int64
		FilterPattern       string `json:"filterPattern"`
		NextToken           string `json:"nextToken"`
		Limit               int    `json:"limit"`
	}
	if err := core.Decode(in, &req); err != nil {
		return nil, err
	}
	if len(req.LogStreamNames) > 0 && req.LogStreamNamePrefix != "" {
		return nil, core.BadRequest("InvalidParameterException", "logStreamNames and logStreamNamePrefix are mutually exclusive")
	}
	group := groupOf(req.LogGroupName, req.LogGroupIdentifier)
	evs, err := FilterLogEvents(a, LogQuery{Group: group, Streams: req.LogStreamNames, StreamPrefix: req.LogStreamNamePrefix,
		Start: req.StartTime, End: req.EndTime, Pattern: req.FilterPattern})
	if err != nil {
		return nil, err
	}
	from, err := tokenOffset(req.NextToken, "f")
	if err != nil {
		return nil, err
	}
	to := min(len(evs), from+limitOf(req.Limit))
	out := []filteredEvent{}
	for _, ev := range evs[min(from, len(evs)):to] {
		out = append(out, filteredEvent{LogStreamName: ev.Stream, Timestamp: ev.Timestamp, Message: ev.Message,
			IngestionTime: ev.IngestionTime, EventID: ev.EventID})
	}
	resp := map[string]any{"events": out, "searchedLogStreams": []any{}}
	if to < len(evs) {
		resp["nextToken"] = token("f", to)
	}
	return resp, nil
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html
func logsGet(a *core.Account, in []byte) (any, error) {
	var req struct {
		LogGroupName       string `json:"logGroupName"`
		LogGroupIdentifier string `json:"logGroupIdentifier"`
		LogStreamName      string `json:"logStreamName"`
		StartTime, EndTime int64
		NextToken          string `json:"nextToken"`
		Limit              int    `json:"limit"`
		StartFromHead      bool   `json:"startFromHead"`
	}
	if err := core.Decode(in, &req); err != nil {
		return nil, err
	}
	group := groupOf(req.LogGroupName, req.LogGroupIdentifier)
	streams, err := LogStreams(a, group, req.LogStreamName)
	if err != nil {
		return nil, err
	}
	found := false
	for _, s := range streams {
		found = found || s.Name == req.LogStreamName
	}
	if !found {
		return nil, core.BadRequest("ResourceNotFoundException", "The specified log stream does not exist.")
	}
	evs, err := FilterLogEvents(a, LogQuery{Group: group, Streams: []string{req.LogStreamName}, Start: req.StartTime, End: req.EndTime})
	if err != nil {
		return nil, err
	}
	n := limitOf(req.Limit)
	// Without a token, the newest events come back unless startFromHead.
	lo, hi := max(0, len(evs)-n), len(evs)
	if req.StartFromHead {
		lo, hi = 0, min(n, len(evs))
	}
	switch {
	case strings.HasPrefix(req.NextToken, "f/"):
		off, err := tokenOffset(req.NextToken, "f")
		if err != nil {
			return nil, err
		}
		lo = min(off, len(evs))
		hi = min(lo+n, len(evs))
	case req.NextToken != "":
		off, err := tokenOffset(req.NextToken, "b")
		if err != nil {
			return nil, err
		}
		hi = min(off, len(evs))
		lo = max(0, hi-n)
	}
	out := []map[string]any{}
	for _, ev := range evs[lo:hi] {
		out = append(out, map[string]any{"timestamp": ev.Timestamp, "message": ev.Message, "ingestionTime": ev.IngestionTime})
	}
	return map[string]any{"events": out, "nextForwardToken": token("f", hi), "nextBackwardToken": token("b", lo)}, nil
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html
func logsDescribeGroups(a *core.Account, in []byte) (any, error) {
	var req struct {
		LogGroupNamePrefix string `json:"logGroupNamePrefix"`
	}
	if err := core.Decode(in, &req); err != nil {
		return nil, err
	}
	groups, err := LogGroups(a, req.LogGroupNamePrefix)
	if err != nil {
		return nil, err
	}
	out := []map[string]any{}
	for _, g := range groups {
		m := map[string]any{"logGroupName": g.Name, "arn": g.Arn + ":*", "logGroupArn": g.Arn,
			"creationTime": g.CreationTime, "storedBytes": 0}
		if g.RetentionDays > 0 {
			m["retentionInDays"] = g.RetentionDays
		}
		out = append(out, m)
	}
	return map[string]any{"logGroups": out}, nil
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogStreams.html
func logsDescribeStreams(a *core.Account, in []byte) (any, error) {
	var req struct {
		LogGroupName        string `json:"logGroupName"`
		LogGroupIdentifier  string `json:"logGroupIdentifier"`
		LogStreamNamePrefix string `json:"logStreamNamePrefix"`
		OrderBy             string `json:"orderBy"`
		Descending          bool   `json:"descending"`
	}
	if err := core.Decode(in, &req); err != nil {
		return nil, err
	}
	if req.OrderBy == "LastEventTime" && req.LogStreamNamePrefix != "" {
		return nil, core.BadRequest("InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.")
	}
	group := groupOf(req.LogGroupName, req.LogGroupIdentifier)
	streams, err := LogStreams(a, group, req.LogStreamNamePrefix)
	if err != nil {
		return nil, err
	}
	if req.OrderBy == "LastEventTime" {
		sortStreamsByLastEvent(streams)
	}
	if req.Descending {
		for i, j := 0, len(streams)-1; i < j; i, j = i+1, j-1 {
			streams[i], streams[j] = streams[j], streams[i]
		}
	}
	out := []map[string]any{}
	for _, s := range streams {
		m := map[string]any{"logStreamName": s.Name, "creationTime": s.CreationTime, "storedBytes": s.StoredBytes,
			"arn": logGroupArn(group) + ":log-stream:" + s.Name}
		if s.LastIngestion > 0 {
			m["firstEventTimestamp"], m["lastEventTimestamp"], m["lastIngestionTime"] = s.FirstEventTime, s.LastEventTime, s.LastIngestion
		}
		out = append(out, m)
	}
	return map[string]any{"logStreams": out}, nil
}

// PutLogEvents needs an existing group and stream, unlike the workloads'
// own writes (the awslogs driver creates its stream).
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html
func logsPut(a *core.Account, in []byte) (any, error) {
	var req struct {
		LogGroupName  string     `json:"logGroupName"`
		LogStreamName string     `json:"logStreamName"`
		LogEvents     []LogEvent `json:"logEvents"`
	}
	if err := core.Decode(in, &req); err != nil {
		return nil, err
	}
	if len(req.LogEvents) == 0 {
		return nil, core.BadRequest("InvalidParameterException", "1 validation error detected: Value null at 'logEvents' failed to satisfy constraint: Member must not be null")
	}
	streams, err := LogStreams(a, req.LogGroupName, req.LogStreamName)
	if err != nil {
		return nil, err
	}
	found := false
	for _, s := range streams {
		found = found || s.Name == req.LogStreamName
	}
	if !found {
		return nil, core.BadRequest("ResourceNotFoundException", "The specified log stream does not exist.")
	}
	if err := PutLogEvents(a, req.LogGroupName, req.LogStreamName, req.LogEvents...); err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

func logsCreate(a *core.Account, in []byte, stream bool) (any, error) {
	var req struct {
		LogGroupName  string `json:"logGroupName"`
		LogStreamName string `json:"logStreamName"`
	}
	if err := core.Decode(in, &req); err != nil {
		return nil, err
	}
	if req.LogGroupName == "" || stream && req.LogStreamName == "" {
		return nil, core.BadRequest("InvalidParameterException", "a log group name (and a stream name for CreateLogStream) is required")
	}
	if stream {
		return map[string]any{}, CreateLogStream(a, req.LogGroupName, req.LogStreamName)
	}
	return map[string]any{}, CreateLogGroup(a, req.LogGroupName)
}

// groupOf takes a group by name or by identifier (name or ARN).
func groupOf(name, identifier string) string {
	if name != "" {
		return name
	}
	if _, after, ok := strings.Cut(identifier, ":log-group:"); ok {
		return strings.TrimSuffix(after, ":*")
	}
	return identifier
}

func limitOf(n int) int {
	if n <= 0 || n > maxLogEvents {
		return maxLogEvents
	}
	return n
}

// Tokens are opaque to clients: a direction and an offset into the
// query's ordered events.
func token(dir string, off int) string {
	return dir + "/" + base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(off)))
}

func tokenOffset(tok, dir string) (int, error) {
	if tok == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok, dir+"/"))
	n, cerr := strconv.Atoi(string(raw))
	if err != nil || cerr != nil || !strings.HasPrefix(tok, dir+"/") || n < 0 {
		return 0, core.BadRequest("InvalidParameterException", "The specified nextToken is invalid.")
	}
	return n, nil
}

func sortStreamsByLastEvent(s []LogStream) {
	sort.SliceStable(s, func(i, j int) bool { return s[i].LastEventTime < s[j].LastEventTime })
}
