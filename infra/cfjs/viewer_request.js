// kirikae viewer-request function (CloudFront Functions, cloudfront-js-2.0).
//
// Every frontend release lives in the bucket under /releases/<id>/. The live
// id is one key of the CloudFront KeyValueStore associated with this
// function, so a switch or a rollback is one key update, not a distribution
// update. The function rewrites the viewer's URI to the live release's
// prefix; CloudFront runs it before it looks in its cache, so the cache key
// holds the release id and two releases never share a cache entry.
//
// Content-hashed files (app.1a2b3c4d.js: the name changes whenever the
// content does) are stored once for every release under /assets/, so a
// request for one goes there, whichever release is live: a release uploads
// only what changed, and a page of the release before a switch still finds
// its assets after it. The pattern is cloud.IsHashed's.
//
// kirikae replaces SPA_FALLBACK below (kirikae:frontendSpa).
import cf from 'cloudfront';

const kvs = cf.kvs();
const spaFallback = SPA_FALLBACK;
const hashed = /\.[0-9a-f]{8,}\.[A-Za-z0-9]+$/;

async function handler(event) {
    const request = event.request;
    let release;
    try {
        release = await kvs.get('release');
    } catch (err) {
        // No release switched in yet: nothing to serve.
        return { statusCode: 503, statusDescription: 'Service Unavailable' };
    }
    let uri = request.uri;
    if (hashed.test(uri.substring(uri.lastIndexOf('/') + 1))) {
        request.uri = '/assets/' + uri.substring(1);
        return request;
    }
    if (uri === '' || uri.endsWith('/')) {
        uri += 'index.html';
    } else if (spaFallback && uri.lastIndexOf('.') <= uri.lastIndexOf('/')) {
        // A route of the single-page app (no file extension): its page.
        uri = '/index.html';
    }
    request.uri = '/releases/' + release + uri;
    return request;
}
