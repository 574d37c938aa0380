package smoke

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// base is the release under test. Without KIRIKAE_SMOKE_URL there is no
// release to test (a plain `go test ./...`): the skip says so. This is not
// a missing tool hidden under CI; kirikae always sets the URL when it runs
// the package as kirikae:smokeCommand, and the deploy tests run it so.
func base(t *testing.T) string {
	t.Helper()
	u := os.Getenv("KIRIKAE_SMOKE_URL")
	if u == "" {
		t.Skip("KIRIKAE_SMOKE_URL is unset: kirikae sets it when it runs this package as kirikae:smokeCommand")
	}
	return strings.TrimSuffix(u, "/")
}

var client = &http.Client{Timeout: 10 * time.Second}

// The example API greets by name: the route, its handler and its JSON all
// answer, not only /healthz.
func TestHelloGreetsByName(t *testing.T) {
	resp, err := client.Get(base(t) + "/api/hello?name=smoke")
	if err != nil {
		t.Fatalf("GET /api/hello: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/hello on %s (%s): status %d, want 200",
			os.Getenv("KIRIKAE_STACK"), os.Getenv("KIRIKAE_RELEASE"), resp.StatusCode)
	}
	var doc struct {
		Message string `json:"message"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatalf("GET /api/hello: body is not JSON: %v", err)
	}
	if !strings.HasPrefix(doc.Message, "hello") {
		t.Fatalf("GET /api/hello: message %q, want a greeting", doc.Message)
	}
}
