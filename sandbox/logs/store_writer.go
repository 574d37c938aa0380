package logs

import (
	"bufio"
	"io"

	"github.com/kirikae/kirikae/sandbox/core"
)

// LogWriter returns a writer that stores each line written to it as an
// event of group/stream (stamped when it is read), as the awslogs driver
// and the Lambda service do with a workload's output; close it when the
// process exits.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
func LogWriter(a *core.Account, group, stream string) io.WriteCloser {
	pr, pw := io.Pipe()
	w := &logWriter{PipeWriter: pw, drained: make(chan struct{})}
	go func() {
		defer close(w.drained)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			_ = PutLogEvents(a, group, stream, LogEvent{Message: sc.Text()})
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	return w
}

// logWriter's Close returns once every line written before it is stored:
// a caller that tears the account down next (a test's cleanup removing
// its directory) must not race the last write.
type logWriter struct {
	*io.PipeWriter
	drained chan struct{}
}

func (w *logWriter) Close() error {
	err := w.PipeWriter.Close()
	<-w.drained
	return err
}
