package iam

import "sync"

// The requests of role sessions are recorded as they are decided, as
// CloudTrail records the calls made in an account; IAM Access Analyzer
// generates a least-privilege policy from that record
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html),
// and a test reads it the same way: which statement of a role's policy
// each granted request needed.

// Access is one decided request of a role session.
type Access struct {
	Account, Role string
	Request       Request
	Decision      Decision
}

var (
	trailMu  sync.Mutex
	trailFns = map[int]func(Access){}
	trailSeq int
)

// Watch calls f with every request of a role session any directory of
// this process decides, until stop. f must not block.
func Watch(f func(Access)) (stop func()) {
	trailMu.Lock()
	defer trailMu.Unlock()
	trailSeq++
	id := trailSeq
	trailFns[id] = f
	return func() {
		trailMu.Lock()
		defer trailMu.Unlock()
		delete(trailFns, id)
	}
}

func record(a Access) {
	trailMu.Lock()
	fns := make([]func(Access), 0, len(trailFns))
	for _, f := range trailFns {
		fns = append(fns, f)
	}
	trailMu.Unlock()
	for _, f := range fns {
		f(a)
	}
}
