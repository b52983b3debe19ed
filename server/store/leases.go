package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Cluster mode's buckets: the lease of each lobby (which node owns it),
// and each lobby's summary (the lobby list from any node). Their keys are
// lobby codes; their subjects are the store's business alone.

// Leases opens the cluster's lease bucket, creating it with ttl if it
// does not exist: a key lives ttl after its last write, and its expiry
// leaves a marker that watchers see as a purge. The bucket's own TTL is
// kept (Leases.TTL): the first node to create the bucket sets it for
// every node.
func (s *Store) Leases(ctx context.Context, ttl time.Duration) (*Leases, error) {
	var kv jetstream.KeyValue
	err := settle(ctx, s.log, "opening bucket "+LeaseBucket, func(ctx context.Context) (err error) {
		kv, err = s.js.KeyValue(ctx, LeaseBucket)
		if !errors.Is(err, jetstream.ErrBucketNotFound) {
			return err
		}
		kv, err = s.js.CreateKeyValue(ctx, jetstream.KeyValueConfig{
			Bucket:         LeaseBucket,
			Description:    "Congress of Victors: the node that owns each lobby",
			TTL:            ttl,
			LimitMarkerTTL: max(ttl, time.Second),
			Storage:        jetstream.FileStorage,
			Replicas:       s.replicas,
		})
		return err // ErrBucketExists: another node made it first; opened on the next try
	})
	if err != nil {
		return nil, err
	}
	st, err := kv.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading bucket %s: %w", LeaseBucket, err)
	}
	if st.TTL() <= 0 || st.LimitMarkerTTL() <= 0 {
		return nil, fmt.Errorf("bucket %s has no TTL or no limit markers: delete it (nats kv del %s) and start again", LeaseBucket, LeaseBucket)
	}
	return &Leases{kv: kv, js: s.js, ttl: st.TTL()}, nil
}

// Summaries opens (or creates) the cluster's bucket of lobby summaries.
// A summary lives maxAge after its last write, so that its owner must
// write it again now and then and the summary of a lobby that vanished
// without a word ages out.
func (s *Store) Summaries(ctx context.Context, maxAge time.Duration) (*Summaries, error) {
	var kv jetstream.KeyValue
	err := settle(ctx, s.log, "opening bucket "+SummaryBucket, func(ctx context.Context) (err error) {
		kv, err = s.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
			Bucket:      SummaryBucket,
			Description: "Congress of Victors: every lobby's summary, for the lobby list",
			TTL:         maxAge,
			Storage:     jetstream.FileStorage,
			Replicas:    s.replicas,
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &Summaries{kv: kv, js: s.js}, nil
}

// Leases is the lease bucket: a lobby code's value names the process
// that owns the lobby, and its revision changes with every write, so that
// every change is a compare-and-set.
type Leases struct {
	kv  jetstream.KeyValue
	js  jetstream.JetStream
	ttl time.Duration
}

// Lease is a lobby's lease as the bucket holds it.
type Lease struct {
	Holder string
	Rev    uint64
}

var (
	// ErrLeaseTaken refuses a create: the code has a lease.
	ErrLeaseTaken = errors.New("store: the lease is taken")
	// ErrLeaseMoved refuses a write that named a revision the lease has
	// moved on from: another process wrote it since.
	ErrLeaseMoved = errors.New("store: the lease has moved on")
	// ErrNoLease is a code without a lease.
	ErrNoLease = errors.New("store: no lease")
)

// TTL is how long a lease lives after its last write.
func (l *Leases) TTL() time.Duration { return l.ttl }

// Create takes the lease of code for holder, if nobody has it.
func (l *Leases) Create(ctx context.Context, code, holder string) (uint64, error) {
	rev, err := l.kv.Create(ctx, code, []byte(holder))
	if errors.Is(err, jetstream.ErrKeyExists) || wrongRevision(err) {
		return 0, ErrLeaseTaken
	}
	return rev, err
}

// Get is code's lease (ErrNoLease if it has none).
func (l *Leases) Get(ctx context.Context, code string) (Lease, error) {
	e, err := l.kv.Get(ctx, code)
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
		return Lease{}, ErrNoLease
	}
	if err != nil {
		return Lease{}, err
	}
	return Lease{Holder: string(e.Value()), Rev: e.Revision()}, nil
}

// Update writes holder into code's lease at revision rev: a renewal, or a
// takeover of a lease read at rev.
func (l *Leases) Update(ctx context.Context, code, holder string, rev uint64) (uint64, error) {
	rev, err := l.kv.Update(ctx, code, []byte(holder), rev)
	if wrongRevision(err) {
		return 0, ErrLeaseMoved
	}
	return rev, err
}

// Release deletes code's lease, if it is still at revision rev.
func (l *Leases) Release(ctx context.Context, code string, rev uint64) error {
	err := l.kv.Delete(ctx, code, jetstream.LastRevision(rev))
	if wrongRevision(err) {
		return ErrLeaseMoved
	}
	return err
}

// Renewal is one lease to renew: its code and the revision its holder
// last wrote; Renew fills in the new revision, or why not.
type Renewal struct {
	Code string
	Rev  uint64

	NewRev uint64
	Err    error // ErrLeaseMoved: another process has written the lease
}

// Renew writes holder into every lease of rs at once (asynchronous
// publishes, each expecting its revision) and waits for the answers
// until ctx ends. A renewal the store never answered has Err set too.
func (l *Leases) Renew(ctx context.Context, holder string, rs []Renewal) {
	futures := make([]jetstream.PubAckFuture, len(rs))
	for i := range rs {
		m := nats.NewMsg(l.subject(rs[i].Code))
		m.Data = []byte(holder)
		f, err := l.js.PublishMsgAsync(m, jetstream.WithExpectLastSequencePerSubject(rs[i].Rev))
		futures[i], rs[i].Err = f, err
	}
	for i, f := range futures {
		if f == nil {
			continue
		}
		select {
		case ack := <-f.Ok():
			rs[i].NewRev = ack.Sequence
		case err := <-f.Err():
			rs[i].Err = err
			if wrongRevision(err) {
				rs[i].Err = ErrLeaseMoved
			}
		case <-ctx.Done():
			rs[i].Err = ctx.Err()
		}
	}
}

// Codes lists every code with a lease.
func (l *Leases) Codes(ctx context.Context) (map[string]bool, error) {
	keys, err := l.kv.ListKeys(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for k := range keys.Keys() {
		out[k] = true
	}
	return out, nil
}

// Watch calls fn with every lease as it is and then with every change
// (holder "" when a lease goes: expired, or let go), until stop. It
// returns once fn has seen every lease there was, with initial true.
func (l *Leases) Watch(ctx context.Context, fn func(code, holder string, initial bool)) (stop func(), err error) {
	return watch(ctx, l.kv, func(e jetstream.KeyValueEntry, initial bool) {
		holder := ""
		if e.Operation() == jetstream.KeyValuePut {
			holder = string(e.Value())
		}
		fn(e.Key(), holder, initial)
	})
}

func (l *Leases) subject(code string) string { return "$KV." + LeaseBucket + "." + code }

// Summaries is the bucket of lobby summaries, each a JSON value written
// by the lobby's owner.
type Summaries struct {
	kv jetstream.KeyValue
	js jetstream.JetStream
}

// Put writes the summaries of values (by code) at once, and waits for
// the answers until ctx ends; the first error is returned.
func (s *Summaries) Put(ctx context.Context, values map[string][]byte) error {
	var acks []jetstream.PubAckFuture
	var first error
	for code, v := range values {
		m := nats.NewMsg("$KV." + SummaryBucket + "." + code)
		m.Data = v
		f, err := s.js.PublishMsgAsync(m)
		if err != nil {
			first = cmpErr(first, err)
			continue
		}
		acks = append(acks, f)
	}
	for _, f := range acks {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			first = cmpErr(first, err)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return first
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// Delete deletes code's summary.
func (s *Summaries) Delete(ctx context.Context, code string) error { return s.kv.Delete(ctx, code) }

// Watch calls fn with every summary and then with every change (value
// nil when one goes), until stop; it returns once fn has seen them all.
func (s *Summaries) Watch(ctx context.Context, fn func(code string, value []byte)) (stop func(), err error) {
	return watch(ctx, s.kv, func(e jetstream.KeyValueEntry, _ bool) {
		var v []byte
		if e.Operation() == jetstream.KeyValuePut {
			v = e.Value()
		}
		fn(e.Key(), v)
	})
}

// watch feeds a bucket's entries to fn from a goroutine of its own, and
// returns once the bucket's contents at the start have been fed
// (initial true). The watch lives until stop, not as long as ctx; stop
// returns once fn is no longer called.
func watch(ctx context.Context, kv jetstream.KeyValue, fn func(e jetstream.KeyValueEntry, initial bool)) (func(), error) {
	w, err := kv.WatchAll(context.WithoutCancel(ctx))
	if err != nil {
		return nil, fmt.Errorf("watching %s: %w", kv.Bucket(), err)
	}
	ready, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		initial := true
		for e := range w.Updates() {
			if e == nil {
				if initial {
					initial = false
					close(ready)
				}
				continue
			}
			fn(e, initial)
		}
	}()
	stop := func() {
		_ = w.Stop()
		<-done
	}
	select {
	case <-ready:
		return stop, nil
	case <-ctx.Done():
		stop()
		return nil, fmt.Errorf("reading %s: %w", kv.Bucket(), ctx.Err())
	}
}

// wrongRevision reports a compare-and-set refused because the key moved on.
func wrongRevision(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
		apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)
}
