package core

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// S3 serves what an object was uploaded with, and binary/octet-stream when
// nothing was set, whatever the key's extension: a frontend uploaded
// without content types must not look right in the sandbox only.
func TestContentTypeIsWhatWasUploadedElseBinaryOctetStream(t *testing.T) {
	assert.Equal(t, "text/html", ContentType(Object{ContentType: "text/html"}))
	assert.Equal(t, "binary/octet-stream", ContentType(Object{}))
}
