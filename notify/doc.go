// Package notify tells people what happened to a stack: a deploy started,
// succeeded or failed, a verification failed, a rollback (automatic or
// manual), a promote, an alarm during the post-switch watch, drift found.
//
// An Event goes to every configured Sender through a Dispatcher. Senders
// are a Slack incoming webhook (Block Kit blocks in a coloured attachment,
// built with github.com/slack-go/slack) and a generic JSON webhook. Each
// delivery is retried with exponential backoff and jitter on network
// errors, 5xx and 429 (honouring Retry-After), never on other 4xx, within a
// per-delivery deadline. Dispatch returns a Delivery per sender and no
// error: a notification that could not be sent never fails a deploy; the
// caller journals it and shows it as a warning (Warnings).
//
// Webhook URLs are secrets (Slack's path is a token; generic URLs may carry
// userinfo or query tokens). Names, errors and results show only the host,
// as RedactURL does: "hooks.slack.com/…".
//
// # JSON body (schema "kirikae.notify/v1")
//
// The generic webhook POSTs this document with Content-Type
// application/json. Fields may be added under the same schema; none is
// removed or changes meaning. Optional fields are omitted when empty.
//
//	{
//	  "schema": "kirikae.notify/v1",
//	  "id": "9f2c…",                 // same on every retry of one event: drop duplicates by it
//	  "kind": "deploy.failed",        // see below
//	  "outcome": "failure",           // success | failure | warning | info
//	  "title": "staging: deploy failed (release 7, image v3, frontend r2)",
//	  "stack": "staging",
//	  "release": {"id": 7, "name": "image v3, frontend r2"},      // optional; id omitted when unknown
//	  "who": "alice",                                             // optional
//	  "ci_run_url": "https://github.com/o/r/actions/runs/42",     // optional
//	  "changes": {"create": 1, "update": 2},                      // optional; op -> count
//	  "rollback_command": "kirikae rollback --stack staging --to 6", // optional
//	  "reason": "verify /healthz: HTTP 500",                     // optional; error or cause
//	  "time": "2026-11-25T17:00:00Z"                              // RFC 3339, UTC
//	}
//
// Kinds: deploy.started, deploy.succeeded, deploy.failed, verify.failed,
// rollback.automatic, rollback.manual, promote, watch.alarm, drift.found.
//
// Headers on every delivery: X-Kirikae-Event (the kind) and
// X-Kirikae-Delivery (the id).
//
// # Signature
//
// When kirikae:webhookSecret is set, each attempt carries
//
//	X-Kirikae-Timestamp: <unix seconds when the attempt was signed>
//	X-Kirikae-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
//
// where body is the exact bytes of the request body and timestamp the exact
// header text. This is GitHub's X-Hub-Signature-256 scheme
// (https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries)
// with the timestamp added to the signed material, so a captured delivery
// cannot be replayed later: a receiver rejects a timestamp more than
// Tolerance (5 minutes) from its clock. Receivers compare in constant time
// over the raw body, before parsing it; Verify does all of this:
//
//	body, _ := io.ReadAll(r.Body)
//	if err := notify.Verify(secret, body, r.Header); err != nil {
//		http.Error(w, "bad signature", http.StatusUnauthorized)
//		return
//	}
//
// Answer 2xx to accept. 5xx and 429 are retried (Retry-After honoured);
// any other status is final. Redirects are not followed.
package notify
