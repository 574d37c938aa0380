package lambda

import (
	"sync"

	"github.com/kirikae/kirikae/sandbox/core"
)

// A function's reserved concurrency caps how many of its invocations run
// at once: "Synchronous requests arriving in excess of the reserved
// concurrency limit will fail with a throttling error", and a reserved
// concurrency of 0 throttles every invocation. A throttled request is no
// invocation (Lambda's Throttles metric, not Invocations nor Errors).
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
// https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
// https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html (TooManyRequestsException, 429)
var (
	// Throttled counts one throttled request of function through the
	// qualifier it named (Lambda's Throttles metric); the sandbox's top
	// layer sets it, as Lambda itself keeps no metrics.
	Throttled func(a *core.Account, function, qualifier string)

	inflightMu sync.Mutex
	inflight   = map[string]int{} // account dir + function → running invocations
)

// Admit starts one invocation of function, or reports it throttled when
// as many as the function's reservedConcurrentExecutions already run
// (unset or -1: unreserved, never throttled here). release ends an
// admitted invocation.
func Admit(a *core.Account, function string) (release func(), admitted bool) {
	reserved := -1
	_ = a.View(func(st *core.State) error {
		for _, f := range core.NewIndex(st).Find(core.FunctionType, "name", function) {
			if v, ok := f["reservedConcurrentExecutions"].(float64); ok {
				reserved = int(v)
			}
		}
		return nil
	})
	key := a.Dir() + "\x00" + function
	inflightMu.Lock()
	defer inflightMu.Unlock()
	if reserved >= 0 && inflight[key] >= reserved {
		return func() {}, false
	}
	inflight[key]++
	return func() {
		inflightMu.Lock()
		defer inflightMu.Unlock()
		inflight[key]--
	}, true
}
