package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/kirikae/kirikae/backend"
)

// The release index makes listing releases cost the same after 2 or 2,000
// deploys: one object holding every release up to an id, beside the
// records, so `releases` and planning read the index plus the few records
// newer than it instead of one object per release.
//
// The records stay the source of truth; the index is a cache of them. It is
// as write-once as they are: index/<id>.json holds every release up to
// and including id, and is never rewritten. Whoever records release N
// writes index N afterwards (from the newest index and the records after
// it); a reader takes the newest index and reads every record newer than
// it, so an index that is missing, late, or lost in a race with another
// writer costs a few more reads but never hides a release. Ids are taken
// in order (append creates id k+1 only once k exists), so the records an
// index-writer lists up to its id are all the records up to that id.

// indexDir holds the index objects under the release log's directory.
const indexDir = "index/"

// indexLag is how many records newer than the newest index a reader
// tolerates before it writes a fresh index itself (records written by a
// kirikae without the index, or whose index write failed).
const indexLag = 8

// releaseIndex is one index object: every release up to Latest, newest
// first.
type releaseIndex struct {
	Latest   int       `json:"latest"`
	Releases []Release `json:"releases"`
}

func (l releaseLog) indexKey(id int) string {
	return fmt.Sprintf("%s%s%0*d.json", l.dir, indexDir, releaseKeyDigits, id)
}

// listing is one List of the log's directory: record ids and index ids,
// ascending.
type listing struct{ records, indexes []int }

func (l releaseLog) listAll(ctx context.Context) (listing, error) {
	keys, err := l.store.List(ctx, l.dir)
	if err != nil {
		return listing{}, err
	}
	var out listing
	for _, k := range keys {
		name := strings.TrimPrefix(k, l.dir)
		ids := &out.records
		if rest, ok := strings.CutPrefix(name, indexDir); ok {
			name, ids = rest, &out.indexes
		}
		n, err := strconv.Atoi(strings.TrimSuffix(name, ".json"))
		if err != nil || n <= 0 || !strings.HasSuffix(name, ".json") {
			continue // neither a record nor an index: leave it alone
		}
		*ids = append(*ids, n)
	}
	slices.Sort(out.records)
	slices.Sort(out.indexes)
	return out, nil
}

// read returns every release, newest first, with the id of the index it
// started from (0: none) and that index's raw bytes.
func (l releaseLog) read(ctx context.Context) (rels []Release, from int, raw []byte, err error) {
	ls, err := l.listAll(ctx)
	if err != nil {
		return nil, 0, nil, err
	}
	latest := 0
	if n := len(ls.records); n > 0 {
		latest = ls.records[n-1]
	}
	var base []Release
	for i := len(ls.indexes) - 1; i >= 0 && from == 0; i-- {
		id := ls.indexes[i]
		if id > latest {
			continue // cannot cover records that do not exist
		}
		b, err := l.store.Get(ctx, l.indexKey(id))
		var idx releaseIndex
		if err != nil || json.Unmarshal(b, &idx) != nil || idx.Latest != id {
			// Pruned meanwhile or unreadable: it is only a cache, and
			// an older index (or the records) answer the same.
			continue
		}
		base, from, raw = idx.Releases, id, b
	}
	var newer []int
	for _, id := range ls.records {
		if id > from {
			newer = append(newer, id)
		}
	}
	recs, err := l.readRecords(ctx, newer)
	if err != nil {
		return nil, 0, nil, err
	}
	return append(recs, base...), from, raw, nil
}

// readRecords reads the given records concurrently (on an s3:// backend
// each one is a request), newest first.
func (l releaseLog) readRecords(ctx context.Context, ids []int) ([]Release, error) {
	out := make([]Release, len(ids))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	for i, id := range ids {
		g.Go(func() error {
			raw, err := l.store.Get(gctx, l.key(id))
			if err != nil {
				return fmt.Errorf("read release %d: %w", id, err)
			}
			var r Release
			if err := json.Unmarshal(raw, &r); err != nil {
				return fmt.Errorf("read release %d: %w", id, err)
			}
			r.ID = id // the name is the id, whatever the body says
			out[len(ids)-1-i] = r
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// writeIndex stores rels (newest first) as the index of its newest id and
// prunes the index it was built from (prev, whose bytes were prevRaw).
// Best effort: another writer's index of the same id is as good, and a
// failed write only makes the next reader read a few more records.
func (l releaseLog) writeIndex(ctx context.Context, rels []Release, prev int, prevRaw []byte) error {
	if len(rels) == 0 || rels[0].ID <= prev {
		return nil
	}
	raw, err := json.Marshal(releaseIndex{Latest: rels[0].ID, Releases: rels})
	if err != nil {
		return fmt.Errorf("encode release index: %w", err)
	}
	if err := l.store.Create(ctx, l.indexKey(rels[0].ID), raw); err != nil && !errors.Is(err, backend.ErrExists) {
		return fmt.Errorf("write release index: %w", err)
	}
	if prev > 0 {
		// Only the newest index is read; DeleteIf removes the old one
		// only if it is still what was read.
		_ = l.store.DeleteIf(ctx, l.indexKey(prev), prevRaw)
	}
	return nil
}

// updateIndex brings the index up to the newest record (after a release
// is recorded).
func (l releaseLog) updateIndex(ctx context.Context) error {
	rels, from, raw, err := l.read(ctx)
	if err != nil {
		return err
	}
	return l.writeIndex(ctx, rels, from, raw)
}
