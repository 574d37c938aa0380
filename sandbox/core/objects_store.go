package core

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// S3 object metadata lives apart from account.json, in one append-only log
// per bucket: <account>/s3/<base64url(bucket)>.jsonl. The first line names
// the log's generation; every other line is one write, a put (key and
// metadata) or a delete (key alone). Writes happen under the account's
// exclusive lock, as every other change to the account does, but append one
// line instead of rewriting the account file, so an object write costs the
// same in an empty bucket as in one holding 100,000 objects.
//
// Why a log and not one small file per object: S3 lists keys in order and
// by prefix, and the sandbox lists all the time (the front door checks a
// release prefix on every request, `aws s3 sync` and kirikae list the
// destination before uploading, ListObjectVersions empties a bucket). With
// a file per object, named by a hash of the key (keys are up to 1,024 bytes
// and may hold "../", so they cannot be file names themselves), every
// listing would open and parse every object file of the bucket. With a log
// each process keeps the replayed index in memory and, on each access, reads
// only the lines appended since it last looked (the generation line tells a
// rewritten or recreated log from a grown one), so listing is a binary
// search in a sorted key slice. The price is dead lines left by overwrites
// and deletes: when they outnumber the live objects (plus some slack) the
// writer rewrites the log atomically with one line per live object under a
// new generation, which keeps the log O(live objects) and each write O(1)
// amortized.
//
// A crash mid-append leaves a partial last line: readers stop at the last
// complete line, and the next writer cuts the partial line off before it
// appends.

const (
	s3MetaDir = "s3"
	s3LogExt  = ".jsonl"
	// CompactSlack is how many dead lines beyond the live objects' count a
	// log may hold before it is rewritten.
	CompactSlack = 1024
)

// logHeader is a log's first line.
type logHeader struct {
	Gen    string `json:"gen"`
	Bucket string `json:"bucket"`
}

// LogEntry is one write: O is the object's metadata, nil when the key was
// deleted.
type LogEntry struct {
	Key string  `json:"k"`
	O   *Object `json:"o,omitempty"`
}

// ObjectStore is an account's S3 object metadata (the logs) and bodies
// (content-addressed files under <account>/objects). Callers hold the
// account lock: shared to read, exclusive to write.
type ObjectStore struct{ Root string }

func (s ObjectStore) LogPath(bucket string) string {
	return filepath.Join(s.Root, s3MetaDir, EncodeName(bucket)+s3LogExt)
}

// bucketIndex is one bucket's objects replayed from its log. Indexes are
// shared by every Account of the process; one is only read or changed
// while the account lock is held, so no writer runs while anyone reads it.
type bucketIndex struct {
	gen    string // "" when the bucket has no log
	offset int64  // bytes of the log applied, at the end of a complete line
	size   int64  // the log's size when last read
	lines  int    // writes in the log, live or dead
	Objs   map[string]Object
	keys   []string // objs' keys in S3's order (UTF-8 binary) unless dirty
	dirty  bool
}

// Indexes caches bucketIndex by log path. Its mutex serializes replays:
// several readers hold the shared account lock at once.
var Indexes = struct {
	sync.Mutex
	M map[string]*bucketIndex
}{M: map[string]*bucketIndex{}}

// Index returns bucket's objects, brought up to date with its log.
func (s ObjectStore) Index(bucket string) (*bucketIndex, error) {
	path := s.LogPath(bucket)
	Indexes.Lock()
	defer Indexes.Unlock()
	ix := Indexes.M[path]
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		if ix == nil || ix.gen != "" {
			ix = &bucketIndex{Objs: map[string]Object{}}
			Indexes.M[path] = ix
		}
		return ix, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open object index of bucket %s: %w", bucket, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("stat object index of bucket %s: %w", bucket, err)
	}
	gen, start, err := readLogHeader(f)
	if err != nil {
		return nil, fmt.Errorf("read object index of bucket %s: %s is corrupt; delete the sandbox directory %s to reset the simulated account: %w", bucket, path, s.Root, err)
	}
	if ix == nil || ix.gen != gen || fi.Size() < ix.offset {
		// New, rewritten or recreated: replay it all, sort once.
		ix = &bucketIndex{gen: gen, offset: start, Objs: map[string]Object{}, dirty: true}
		Indexes.M[path] = ix
	}
	ix.size = fi.Size()
	if fi.Size() > ix.offset {
		buf := make([]byte, fi.Size()-ix.offset)
		n, err := f.ReadAt(buf, ix.offset)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("read object index of bucket %s: %w", bucket, err)
		}
		ix.apply(buf[:n])
	}
	return ix, nil
}

// readLogHeader reads the generation line and returns the offset after it.
func readLogHeader(f *os.File) (string, int64, error) {
	buf := make([]byte, 512)
	n, err := f.ReadAt(buf, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return "", 0, err
	}
	line, _, ok := bytes.Cut(buf[:n], []byte{'\n'})
	var h logHeader
	if !ok || json.Unmarshal(line, &h) != nil || h.Gen == "" {
		return "", 0, errors.New("no generation line")
	}
	return h.Gen, int64(len(line) + 1), nil
}

// apply replays the complete lines of buf; a partial last line (a crash
// mid-append, or a write still under way) is left for later.
func (ix *bucketIndex) apply(buf []byte) {
	if bytes.Count(buf, []byte{'\n'}) > 64 {
		ix.dirty = true // sorting once beats many inserts
	}
	for {
		line, rest, ok := bytes.Cut(buf, []byte{'\n'})
		if !ok {
			return
		}
		ix.offset += int64(len(line) + 1)
		ix.lines++
		buf = rest
		var e LogEntry
		if json.Unmarshal(line, &e) != nil {
			continue // a damaged line loses one write, not the bucket
		}
		if e.O == nil {
			ix.remove(e.Key)
		} else {
			ix.set(e.Key, *e.O)
		}
	}
}

func (ix *bucketIndex) set(key string, o Object) {
	if _, had := ix.Objs[key]; !had && !ix.dirty {
		i := sort.SearchStrings(ix.keys, key)
		ix.keys = append(ix.keys, "")
		copy(ix.keys[i+1:], ix.keys[i:])
		ix.keys[i] = key
	}
	ix.Objs[key] = o
}

func (ix *bucketIndex) remove(key string) {
	if _, had := ix.Objs[key]; !had {
		return
	}
	delete(ix.Objs, key)
	if !ix.dirty {
		i := sort.SearchStrings(ix.keys, key)
		ix.keys = append(ix.keys[:i], ix.keys[i+1:]...)
	}
}

// Sorted returns the keys in S3's listing order. Callers must not change
// the slice.
func (ix *bucketIndex) Sorted() []string {
	Indexes.Lock()
	defer Indexes.Unlock()
	if ix.dirty {
		ix.keys = make([]string, 0, len(ix.Objs))
		for k := range ix.Objs {
			ix.keys = append(ix.keys, k)
		}
		sort.Strings(ix.keys)
		ix.dirty = false
	}
	return ix.keys
}

// From returns the sorted keys from the first one not before start.
func (ix *bucketIndex) From(start string) []string {
	keys := ix.Sorted()
	return keys[sort.SearchStrings(keys, start):]
}

// Write appends entries to bucket's log, creating the log if needed, and
// rewrites the log when dead lines dominate. The caller holds the
// exclusive account lock.
func (s ObjectStore) Write(bucket string, entries ...LogEntry) error {
	ix, err := s.Index(bucket)
	if err != nil {
		return err
	}
	if ix.gen == "" {
		if err := s.Snapshot(bucket, nil); err != nil {
			return err
		}
		if ix, err = s.Index(bucket); err != nil {
			return err
		}
	}
	var data []byte
	for _, e := range entries {
		line, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("encode object %s: %w", e.Key, err)
		}
		data = append(append(data, line...), '\n')
	}
	f, err := os.OpenFile(s.LogPath(bucket), os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("open object index of bucket %s: %w", bucket, err)
	}
	defer f.Close()
	if ix.size != ix.offset {
		// Cut off the partial line a crashed writer left.
		if err := f.Truncate(ix.offset); err != nil {
			return fmt.Errorf("repair object index of bucket %s: %w", bucket, err)
		}
	}
	if _, err := f.WriteAt(data, ix.offset); err != nil {
		return fmt.Errorf("write object index of bucket %s: %w", bucket, err)
	}
	// Synced like account.json was: an acknowledged write survives a crash.
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync object index of bucket %s: %w", bucket, err)
	}
	if ix, err = s.Index(bucket); err != nil {
		return err
	}
	if ix.lines > 2*len(ix.Objs)+CompactSlack {
		return s.Snapshot(bucket, ix.Objs)
	}
	return nil
}

// Snapshot replaces bucket's log with one line per object of objs, under a
// new generation.
func (s ObjectStore) Snapshot(bucket string, objs map[string]Object) error {
	if err := os.MkdirAll(filepath.Join(s.Root, s3MetaDir), 0o700); err != nil {
		return fmt.Errorf("create object index dir: %w", err)
	}
	gen := make([]byte, 16)
	_, _ = rand.Read(gen) // crypto/rand never fails on Linux
	head, err := json.Marshal(logHeader{Gen: hex.EncodeToString(gen), Bucket: bucket})
	if err != nil {
		return fmt.Errorf("encode object index header: %w", err)
	}
	data := append(head, '\n')
	keys := make([]string, 0, len(objs))
	for k := range objs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		o := objs[k]
		line, err := json.Marshal(LogEntry{Key: k, O: &o})
		if err != nil {
			return fmt.Errorf("encode object %s: %w", k, err)
		}
		data = append(append(data, line...), '\n')
	}
	return WriteFileAtomic(s.LogPath(bucket), data)
}

// drop forgets every object of bucket (the bucket was deleted) and removes
// the bodies nothing else refers to. A removal that fails leaves only
// garbage, except the log itself, whose objects would come back with a
// bucket of the same name.
func (s ObjectStore) drop(bucket string) error {
	ix, err := s.Index(bucket)
	if err != nil {
		return err
	}
	var hashes []string
	for _, o := range ix.Objs {
		hashes = append(hashes, o.SHA256)
	}
	if err := os.Remove(s.LogPath(bucket)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete objects of bucket %s: %w", bucket, err)
	}
	s.collect(hashes...)
	return nil
}

// buckets lists the buckets that have a log.
func (s ObjectStore) buckets() ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(s.Root, s3MetaDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list object indexes: %w", err)
	}
	var out []string
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), s3LogExt)
		if b, valid := DecodeName(name); ok && valid && e.Type().IsRegular() {
			out = append(out, b)
		}
	}
	return out, nil
}

// collect removes the bodies of hashes that no object of the account refers
// to any more. One pass over every bucket serves a whole batch. A failed
// read or removal only leaves garbage behind, so it is not an error.
func (s ObjectStore) collect(hashes ...string) {
	if len(hashes) == 0 {
		return
	}
	unused := map[string]bool{}
	for _, h := range hashes {
		unused[h] = true
	}
	buckets, err := s.buckets()
	if err != nil {
		return
	}
	for _, b := range buckets {
		ix, err := s.Index(b)
		if err != nil {
			return // cannot tell what is in use: keep everything
		}
		for _, o := range ix.Objs {
			delete(unused, o.SHA256)
		}
	}
	for h := range unused {
		_ = os.Remove(filepath.Join(s.Root, ObjectsDir, h))
	}
}
