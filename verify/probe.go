package verify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// maxBody bounds what a check reads: health and release documents are tiny,
// and a misrouted request must not pull a whole site into memory.
const maxBody = 1 << 20

// errBadRequest marks a check that can never succeed, so it is not retried.
var errBadRequest = errors.New("invalid request")

type answer struct {
	status  int
	version string
	body    []byte
}

// probe makes one request (GET when method is "") and reads the served version: the JSON body's
// "version" field, else the VersionHeader (or, for FunctionVersionField,
// "functionVersion", else FunctionVersionHeader).
func probe(ctx context.Context, client *http.Client, method, target, field string) (answer, error) {
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(ctx, method, target, nil)
	if err != nil {
		return answer{}, fmt.Errorf("%w: %w", errBadRequest, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is already in the caller's message
		}
		return answer{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return answer{status: resp.StatusCode}, fmt.Errorf("read body: %w", err)
	}
	header, key := VersionHeader, "version"
	if field == FunctionVersionField {
		header, key = FunctionVersionHeader, FunctionVersionField
	}
	a := answer{status: resp.StatusCode, version: resp.Header.Get(header), body: body}
	var doc map[string]any
	if json.Unmarshal(body, &doc) == nil {
		switch v := doc[key].(type) {
		case string:
			if v != "" {
				a.version = v
			}
		case float64: // a bare numeric version, e.g. a Lambda version "3" written as 3
			a.version = fmt.Sprint(v)
		}
	}
	return a, nil
}
