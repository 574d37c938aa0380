package backend

import (
	"context"
	"fmt"
)

// ReadOnly returns store for a run that must write nothing (preview,
// drift): reads pass through, writes are refused with a *ReadOnlyError. The
// preview role's policy grants no write on the state bucket (docs/roles.md),
// so a write attempted there would fail on AWS anyway; refusing it here
// makes the rule hold on a laptop's file backend too, and names the key.
func ReadOnly(store Store) Store { return readOnly{store} }

type readOnly struct{ Store }

// ReadOnlyError is a write attempted by a read-only run.
type ReadOnlyError struct {
	Op  string // "create" or "delete"
	Key string
}

func (e *ReadOnlyError) Error() string {
	return fmt.Sprintf("%s %s refused: this run only reads the stack (preview and drift write no record, lock or journal entry)", e.Op, e.Key)
}

func (r readOnly) Create(_ context.Context, key string, _ []byte) error {
	return &ReadOnlyError{Op: "create", Key: key}
}

func (r readOnly) DeleteIf(_ context.Context, key string, _ []byte) error {
	return &ReadOnlyError{Op: "delete", Key: key}
}
