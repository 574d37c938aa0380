package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/kirikae/kirikae/notify"
)

// A receiver checks the signature over the raw body before parsing it, and
// a deploy sends one event to every configured channel, reading the
// results instead of failing on them.
func Example() {
	const secret = "shared-secret"
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := notify.Verify(secret, body, r.Header); err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var b notify.Body
		_ = json.Unmarshal(body, &b)
		fmt.Println("received", b.Kind, "for", b.Stack, "-", b.RollbackCommand)
	}))
	defer receiver.Close()

	senders, err := notify.Senders(notify.Config{WebhookURL: receiver.URL + "/kirikae", WebhookSecret: secret})
	if err != nil {
		fmt.Println(err) // config check reports this as bad input
		return
	}
	d := notify.New(senders...)
	d.Deadline = 5 * time.Second
	deliveries := d.Dispatch(context.Background(), notify.Event{
		Kind:            notify.DeploySucceeded,
		Stack:           "staging",
		ReleaseID:       8,
		ReleaseName:     "image v4",
		RunURL:          notify.CIRunURL(),
		RollbackCommand: "kirikae rollback --stack staging --to 7",
	})
	for _, w := range notify.Warnings(deliveries) {
		fmt.Println("warning:", w) // journal it, show it, carry on
	}
	fmt.Println("delivered:", deliveries[0].OK())
	// Output:
	// received deploy.succeeded for staging - kirikae rollback --stack staging --to 7
	// delivered: true
}
