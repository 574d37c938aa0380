package deploy

import "context"

// PutFrontendObject stores an object in the stack's frontend bucket through
// the data plane, as a release upload does.
func PutFrontendObject(ctx context.Context, s *Session, key string, body []byte) error {
	outs, err := s.Outputs(ctx)
	if err != nil {
		return err
	}
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return err
	}
	return c.PutObject(ctx, outputString(outs, "frontendBucket"), key, body, "text/plain")
}
