package engine

// SetEventHandler replaces the event callback. The CLI mutes the engine
// while it plans (the plan is shown as one summary) and listens again for
// the apply, whose steps are the live progress.
func (s *Session) SetEventHandler(fn func(Event)) { s.opts.OnEvent = fn }
