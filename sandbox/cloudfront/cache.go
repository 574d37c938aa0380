package cloudfront

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kirikae/kirikae/sandbox/core"
)

// The edge cache of the simulated CloudFront: one per account directory
// and distribution, in the memory of the process serving the front door
// (as an edge's cache is the edge's). Entries are keyed as the cache
// policy builds the cache key: the request URI after the viewer-request
// function ran, since the function runs before the cache lookup
// (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/function-code-choose-purpose.html),
// plus what the policy includes; the managed policies kirikae uses include
// no headers, cookies or query strings.
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/controlling-the-cache-key.html

type cacheEntry struct {
	file   ServedFile
	stored time.Time
	expiry time.Time
}

type edgeCache struct {
	mu      sync.Mutex
	entries map[string]*cacheEntry // by distribution id + "\x00" + cache key
}

var edgeCaches sync.Map // account dir → *edgeCache

func Edge(a *core.Account) *edgeCache {
	c, _ := edgeCaches.LoadOrStore(a.Dir(), &edgeCache{entries: map[string]*cacheEntry{}})
	return c.(*edgeCache)
}

// CachePolicy is a cache policy's TTLs in seconds.
type CachePolicy struct{ Min, Def, Max int64 }

// ManagedPolicies are AWS's managed cache policies by id.
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html
var ManagedPolicies = map[string]CachePolicy{
	"658327ea-f89d-4fab-a63d-7e88639e58f6": {Min: 1, Def: 86400, Max: 31536000}, // CachingOptimized
	"4135ea2d-6df8-44a3-9df3-4b5a84be39ad": {},                                  // CachingDisabled
}

// Ttl is how long CloudFront keeps a response: the origin's max-age (or
// s-maxage) bounded by the policy's minimum and maximum, the default when
// the origin says nothing; no-cache, no-store and private count as 0 and
// so get the minimum TTL.
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/Expiration.html
func (p CachePolicy) Ttl(cacheControl string) time.Duration {
	secs, said := p.Def, false
	for _, d := range strings.Split(cacheControl, ",") {
		name, val, _ := strings.Cut(strings.TrimSpace(strings.ToLower(d)), "=")
		switch name {
		case "no-cache", "no-store", "private":
			secs, said = 0, true
		case "s-maxage":
			if n, err := strconv.ParseInt(val, 10, 64); err == nil {
				secs, said = n, true
			}
		case "max-age":
			if n, err := strconv.ParseInt(val, 10, 64); err == nil && !said {
				secs = n
			}
		}
	}
	secs = max(min(secs, p.Max), p.Min)
	return time.Duration(secs) * time.Second
}

// Get returns a fresh cached response. An entry stored before an
// invalidation covering it is dropped once that invalidation completed;
// before then the edge still serves it.
func (c *edgeCache) Get(dist, key string, invs []core.Invalidation, now time.Time) (*ServedFile, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id := dist + "\x00" + key
	e := c.entries[id]
	if e == nil {
		return nil, false
	}
	if !now.Before(e.expiry) {
		delete(c.entries, id)
		return nil, false
	}
	for _, inv := range invs {
		if inv.Covers(key) && core.ParseStamp(inv.CreateTime).After(e.stored) && inv.Status(now) == "Completed" {
			delete(c.entries, id)
			return nil, false
		}
	}
	f := e.file
	return &f, true
}

func (c *edgeCache) Put(dist, key string, f ServedFile, ttl time.Duration, now time.Time) {
	if ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[dist+"\x00"+key] = &cacheEntry{file: f, stored: now, expiry: now.Add(ttl)}
}

// ServedFile is a CloudFront response built from an S3 object, or from a
// viewer-request function that answered itself.
type ServedFile struct {
	Release     string // release directory of the object, e.g. "r42" of releases/r42/…
	Status      int
	ContentType string
	Headers     map[string]string
	Body        []byte
}
