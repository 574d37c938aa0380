package stacks

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDistance(t *testing.T) {
	assert.Equal(t, 0, distance("abc", "abc"))
	assert.Equal(t, 3, distance("", "abc"))
	assert.Equal(t, 1, distance("imagetag", "imagtag"))
	assert.Equal(t, 3, distance("kitten", "sitting"))
}

func TestClosestKey(t *testing.T) {
	assert.Equal(t, KeyImageTag, closestKey("kirikae:image_tag", "image_tag"))
	assert.Equal(t, KeyRegion, closestKey("aws:regoin", "regoin"))
	assert.Equal(t, KeyAlertEmails, closestKey("alertEmail", "alertEmail"))
	assert.Equal(t, "", closestKey("kirikae:database", "database"))
}
