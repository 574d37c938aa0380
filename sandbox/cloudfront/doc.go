// Package cloudfront simulates Amazon CloudFront: distributions, origin
// access controls, response headers policies, CloudFront Functions and
// KeyValueStores, invalidations, the edge cache, and the CloudFront REST API.
package cloudfront
