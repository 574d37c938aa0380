package localurl

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func get(t *testing.T, u string) (int, string, http.Header) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// A stand-in front door that answers with the host and path it was asked.
func TestEachPortSendsItsHostToTheFrontDoor(t *testing.T) {
	door := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/prod/go" {
			http.Redirect(w, r, "https://"+r.Host+"/prod/gone", http.StatusFound)
			return
		}
		_, _ = io.WriteString(w, r.Host+" "+r.URL.Path)
	}))
	defer door.Close()
	u, _ := url.Parse(door.URL)
	api := "http://kirikae-staging-1.us-east-1.elb.amazonaws.com"
	s, err := Start(u.Host, 0, []Route{
		{Output: "url", Target: func() (string, error) { return api, nil }},
		{Output: "frontendUrl", Target: func() (string, error) { return "https://d1.cloudfront.net", nil }},
		{Output: "gateway", Target: func() (string, error) { return "https://a1.execute-api.us-east-1.amazonaws.com/prod/", nil }},
		{Output: "testUrl", Target: func() (string, error) { return "", ErrNoTarget }},
	})
	require.NoError(t, err)
	defer s.Close()

	_, body, _ := get(t, s.URLs["url"]+"/version")
	assert.Equal(t, "kirikae-staging-1.us-east-1.elb.amazonaws.com /version", body)
	_, body, _ = get(t, s.URLs["frontendUrl"]+"/")
	assert.Equal(t, "d1.cloudfront.net /", body)
	_, body, _ = get(t, s.URLs["gateway"]+"/healthz")
	assert.Equal(t, "a1.execute-api.us-east-1.amazonaws.com /prod/healthz", body)
	code, _, h := get(t, s.URLs["gateway"]+"/go")
	assert.Equal(t, http.StatusFound, code)
	assert.Equal(t, s.URLs["gateway"]+"/gone", h.Get("Location"), "a redirect stays on the local port")
	code, body, _ = get(t, s.URLs["testUrl"]+"/")
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Contains(t, body, "no testUrl output yet")

	// The host is read on every request: a replaced load balancer is followed.
	api = "http://kirikae-staging-2.us-east-1.elb.amazonaws.com"
	_, body, _ = get(t, s.URLs["url"]+"/version")
	assert.Equal(t, "kirikae-staging-2.us-east-1.elb.amazonaws.com /version", body)
}

func TestBasePortGivesStablePorts(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	base := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	none := func() (string, error) { return "", ErrNoTarget }
	s, err := Start("127.0.0.1:1", base, []Route{{Output: "url", Target: none}, {Output: "frontendUrl", Target: none}})
	if err != nil {
		t.Skipf("port %d taken meanwhile: %v", base, err)
	}
	defer s.Close()
	assert.Equal(t, "http://127.0.0.1:"+itoa(base), s.URLs["url"])
	assert.Equal(t, "http://127.0.0.1:"+itoa(base+1), s.URLs["frontendUrl"])
}

func itoa(i int) string { return (&net.TCPAddr{Port: i}).String()[1:] }
