// Package store keeps every lobby's log and the finished matches on NATS
// JetStream: an in-process NATS server storing under the data directory by
// default, or an external NATS server or cluster.
//
// A lobby's log is the subject lobby.<CODE> of one stream. Appends carry a
// message ID (so a retried append is stored once) and the sequence the
// writer expects to be the subject's last, so a writer that has fallen
// behind — a second writer, or a node that lost the lobby — is refused with
// ErrFenced. Finished matches are kept in their own stream with a
// retention age, and listed from a key-value bucket.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"congress/server/lobby"
)

// Names of what the store keeps in JetStream.
const (
	LobbyStream      = "CONGRESS_LOBBIES"
	lobbyPrefix      = "congress.lobby."
	MatchStream      = "CONGRESS_MATCHES"
	matchPrefix      = "congress.match."
	MatchBucket      = "congress_matches"
	LeaseBucket      = "congress_leases"     // cluster mode: lobby code → owner node
	SummaryBucket    = "congress_lobbies"    // cluster mode: lobby code → its public summary
	QuarantineBucket = "congress_quarantine" // lobby code → why its log does not restore
	markerFile       = "congress-store.json"
	DefaultMaxAge    = 30 * 24 * time.Hour
)

// ErrFenced refuses an append whose expected last sequence is not the
// lobby's: someone else has written since, or the writer is behind.
var ErrFenced = fmt.Errorf("store: %w", lobby.ErrFenced)

// ErrRefused is an append the stream answered with a refusal: the record
// is not stored.
var ErrRefused = errors.New("store: the log refused the record")

// ErrUnresolved is an append that got no answer before its context ended:
// the record may be stored or not. The writer must write nothing more to
// the lobby; whoever reads the log next finds out.
var ErrUnresolved = fmt.Errorf("store: %w", lobby.ErrUnresolved)

// ErrNotFound is returned for a match that is not kept.
var ErrNotFound = fmt.Errorf("store: %w", lobby.ErrNoMatch)

// Options configure Open.
type Options struct {
	// URLs of an external NATS server or cluster (comma separated). Empty
	// starts an embedded server storing under DataDir.
	URLs    string
	DataDir string
	// Retention is how long finished matches are kept (DefaultMaxAge if 0).
	Retention time.Duration
	// Replicas for the streams on an external cluster (0: 3 when the
	// cluster has 3 or more servers, else 1).
	Replicas int
	// AppendTry is how long one try of an append waits for its answer
	// (2 s if 0): an unanswered try is sent again, under the same ID.
	AppendTry time.Duration
	Logger    *slog.Logger
}

// Store is an open connection to the log.
type Store struct {
	embedded  *natsserver.Server
	nc        *nats.Conn
	js        jetstream.JetStream
	lobbies   jetstream.Stream
	matchLog  jetstream.Stream
	matches   jetstream.KeyValue
	index     *matchIndex
	watcher   jetstream.KeyWatcher // feeds index
	replicas  int
	appendTry time.Duration
	log       *slog.Logger
	closed    sync.Once
	closeErr  error
	health    health
}

// Open starts (or connects to) NATS and makes sure the streams exist.
func Open(ctx context.Context, o Options) (*Store, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Retention <= 0 {
		o.Retention = DefaultMaxAge
	}
	if o.AppendTry <= 0 {
		o.AppendTry = 2 * time.Second
	}
	s := &Store{log: o.Logger, appendTry: o.AppendTry}
	var err error
	if o.URLs == "" {
		if err := s.startEmbedded(o.DataDir); err != nil {
			return nil, err
		}
		s.nc, err = nats.Connect("", nats.InProcessServer(s.embedded), nats.Name("congress"))
	} else {
		s.nc, err = nats.Connect(o.URLs, nats.Name("congress"), nats.MaxReconnects(-1), nats.RetryOnFailedConnect(false))
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("connecting to NATS (%s): %w", describe(o), err)
	}
	s.js, err = jetstream.New(s.nc)
	if err != nil {
		s.Close()
		return nil, err
	}
	replicas := o.Replicas
	if replicas <= 0 {
		replicas = 1
		if o.URLs != "" && len(s.nc.Servers()) >= 3 {
			replicas = 3
		}
	}
	if err := s.ensure(ctx, o, replicas); err != nil {
		s.Close()
		return nil, err
	}
	s.replicas = replicas
	if s.embedded != nil {
		s.health.stop, s.health.done = make(chan struct{}), make(chan struct{})
		go s.watchEmbedded(filepath.Join(o.DataDir, "jetstream"))
	}
	s.index = newMatchIndex(o.Retention)
	if s.watcher, err = s.matches.WatchAll(context.Background()); err != nil {
		s.Close()
		return nil, fmt.Errorf("following bucket %s: %w", MatchBucket, err)
	}
	go s.index.follow(s.watcher)
	return s, nil
}

func describe(o Options) string {
	if o.URLs == "" {
		return "embedded, data in " + o.DataDir
	}
	return o.URLs
}

// startEmbedded runs an in-process NATS server with JetStream under dir,
// listening on no port. A directory that cannot be used stops the start
// with a message that says what to do.
func (s *Store) startEmbedded(dir string) error {
	if dir == "" {
		return errors.New("no data directory: pass --data DIR")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("the data directory %s cannot be created (%v): choose another with --data, or fix its permissions", dir, err)
	}
	probe := filepath.Join(dir, ".write-test")
	if err := os.WriteFile(probe, nil, 0o600); err != nil {
		return fmt.Errorf("the data directory %s is not writable (%v): fix its permissions or choose another with --data", dir, err)
	}
	_ = os.Remove(probe)
	ns, err := natsserver.NewServer(&natsserver.Options{
		ServerName: "congress-embedded",
		DontListen: true,
		JetStream:  true,
		StoreDir:   filepath.Join(dir, "jetstream"),
		NoSigs:     true,
		NoLog:      true,
	})
	if err != nil {
		return fmt.Errorf("starting the embedded NATS server on %s: %w", dir, err)
	}
	ns.Start()
	if !ns.ReadyForConnections(30 * time.Second) {
		ns.Shutdown()
		return fmt.Errorf("the embedded NATS server on %s did not start: the data directory may be damaged; move it aside (your games are in it) and start again, or restore it from a backup", dir)
	}
	if !ns.JetStreamEnabled() {
		ns.Shutdown()
		return fmt.Errorf("JetStream could not open its files under %s: the data directory may be damaged or full; check free space and permissions, or move it aside and start again", dir)
	}
	s.embedded = ns
	return nil
}

// marker records, in the data directory, that the streams were created, so
// that a directory whose files were lost is refused instead of silently
// starting empty.
type marker struct {
	Created time.Time `json:"created"`
	Streams []string  `json:"streams"`
}

func (s *Store) ensure(ctx context.Context, o Options, replicas int) error {
	var mark *marker
	markPath := filepath.Join(o.DataDir, markerFile)
	if o.URLs == "" {
		b, err := os.ReadFile(markPath)
		switch {
		case err == nil:
			mark = &marker{}
			if err := json.Unmarshal(b, mark); err != nil {
				return fmt.Errorf("%s is damaged (%v): restore the data directory from a backup, or move it aside to start with no games", markPath, err)
			}
		case !errors.Is(err, os.ErrNotExist):
			return fmt.Errorf("reading %s: %w", markPath, err)
		}
		if mark != nil {
			for _, name := range mark.Streams {
				if _, err := s.js.Stream(ctx, name); err != nil {
					return fmt.Errorf("the data directory %s is damaged: its stream %s is missing or unreadable (%v); restore the directory from a backup, or move it aside to start with no games", o.DataDir, name, err)
				}
			}
		}
	}
	err := settle(ctx, s.log, "creating stream "+LobbyStream, func(ctx context.Context) (err error) {
		s.lobbies, err = s.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
			Name:        LobbyStream,
			Description: "Congress of Victors: one subject per lobby, every accepted command",
			Subjects:    []string{lobbyPrefix + "*"},
			Storage:     jetstream.FileStorage,
			Replicas:    replicas,
			Duplicates:  2 * time.Minute,
			Discard:     jetstream.DiscardOld,
		})
		return err
	})
	if err != nil {
		return err
	}
	err = settle(ctx, s.log, "creating stream "+MatchStream, func(ctx context.Context) (err error) {
		s.matchLog, err = s.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
			Name:        MatchStream,
			Description: "Congress of Victors: finished matches, whole log",
			Subjects:    []string{matchPrefix + "*"},
			Storage:     jetstream.FileStorage,
			Replicas:    replicas,
			MaxAge:      o.Retention,
			MaxMsgSize:  8 << 20,
		})
		return err
	})
	if err != nil {
		return err
	}
	err = settle(ctx, s.log, "creating bucket "+MatchBucket, func(ctx context.Context) (err error) {
		s.matches, err = s.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
			Bucket:      MatchBucket,
			Description: "Congress of Victors: match summaries",
			TTL:         o.Retention,
			Storage:     jetstream.FileStorage,
			Replicas:    replicas,
		})
		return err
	})
	if err != nil {
		return err
	}
	if o.URLs == "" && mark == nil {
		b, _ := json.Marshal(marker{Created: time.Now().UTC(), Streams: []string{LobbyStream, MatchStream, "KV_" + MatchBucket}})
		if err := os.WriteFile(markPath, b, 0o600); err != nil {
			return fmt.Errorf("writing %s: %w", markPath, err)
		}
	}
	return nil
}

// Conn is the NATS connection, for cluster messaging.
func (s *Store) Conn() *nats.Conn { return s.nc }

// JetStream is the JetStream context, for an operator's look at the
// streams.
func (s *Store) JetStream() jetstream.JetStream { return s.js }

// Close drains the connection and stops an embedded server, flushing what
// it holds.
func (s *Store) Close() error {
	s.closed.Do(func() { s.closeErr = s.close() })
	return s.closeErr
}

func (s *Store) close() error {
	if s.health.stop != nil {
		close(s.health.stop)
		<-s.health.done
	}
	var err error
	if s.watcher != nil {
		_ = s.watcher.Stop()
	}
	if s.nc != nil {
		err = s.nc.Drain()
		for s.nc.IsDraining() {
			time.Sleep(5 * time.Millisecond)
		}
		s.nc.Close()
	}
	if s.embedded != nil {
		s.embedded.Shutdown()
		s.embedded.WaitForShutdown()
	}
	return err
}

func lobbySubject(code string) string { return lobbyPrefix + code }

// Append adds one record to a lobby's log. expect is the sequence of the
// lobby's last record as this writer knows it (0 for a new lobby); msgID
// names this record and no other, so that a retried append is stored
// once. It returns the new record's sequence.
//
// An append is settled before it returns: stored (nil), refused by the
// stream and not stored (ErrRefused), or refused because the log moved
// on (ErrFenced). When a try gets no answer (a stalled or unreachable
// server, a lost ack) the record may or may not have been stored, so the
// same record is sent again under the same ID until the stream answers;
// only when ctx ends first is the outcome left unknown (ErrUnresolved),
// and the caller must then write nothing more to that lobby.
func (s *Store) Append(ctx context.Context, code, msgID string, data []byte, expect uint64) (uint64, error) {
	unsure := false // a try went unanswered: the record may be stored
	wait, start := 50*time.Millisecond, time.Now()
	for {
		tctx, cancel := context.WithTimeout(ctx, s.appendTry)
		seq, err := s.appendOnce(tctx, code, msgID, data, expect)
		cancel()
		if err == nil || errors.Is(err, ErrFenced) {
			s.noteAppend(nil)
		} else if ctx.Err() == nil {
			s.noteAppend(err)
		}
		switch {
		case err == nil || errors.Is(err, ErrFenced):
			return seq, err
		case !unanswered(err):
			if unsure {
				// The stream said no to the retry; make sure the first
				// try did not land meanwhile.
				if seq, ok := s.storedLast(ctx, code, msgID); ok {
					return seq, nil
				}
			}
			return 0, fmt.Errorf("%w: lobby %s: %w", ErrRefused, code, err)
		}
		if !errors.Is(err, nats.ErrNoResponders) {
			unsure = true
		}
		if !unsure && time.Since(start) >= s.appendTry {
			// Nobody took the record (no responders): it is not stored.
			return 0, fmt.Errorf("%w: lobby %s: %w", ErrRefused, code, err)
		}
		if ctx.Err() != nil {
			if !unsure {
				return 0, fmt.Errorf("%w: lobby %s: %w", ErrRefused, code, err)
			}
			return 0, fmt.Errorf("%w: lobby %s: %w", ErrUnresolved, code, err)
		}
		s.log.Warn("the log did not answer an append; sending it again", "lobby", code, "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Second)
	}
}

// appendOnce is one try of Append.
func (s *Store) appendOnce(ctx context.Context, code, msgID string, data []byte, expect uint64) (uint64, error) {
	ack, err := s.js.Publish(ctx, lobbySubject(code), data,
		jetstream.WithMsgID(msgID),
		jetstream.WithExpectLastSequencePerSubject(expect))
	if err == nil {
		return ack.Sequence, nil
	}
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence {
		// A retry of an append that was stored but whose ack was lost
		// finds its own record on top: that is success, not a fence.
		last, lerr := s.lobbies.GetLastMsgForSubject(ctx, lobbySubject(code))
		if lerr != nil {
			return 0, lerr
		}
		if last.Header.Get(jetstream.MsgIDHeader) == msgID {
			return last.Sequence, nil
		}
		return 0, ErrFenced
	}
	return 0, err
}

// storedLast reports whether the lobby's last record is msgID's.
func (s *Store) storedLast(ctx context.Context, code, msgID string) (uint64, bool) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.appendTry)
	defer cancel()
	last, err := s.lobbies.GetLastMsgForSubject(ctx, lobbySubject(code))
	if err != nil || last.Header.Get(jetstream.MsgIDHeader) != msgID {
		return 0, false
	}
	return last.Sequence, true
}

// unanswered reports whether err leaves an append's outcome open: the
// request went out, or may have, and no answer came back.
func unanswered(err error) bool {
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) {
		return apiErr.Code == 503 // JetStream is electing a leader or recovering
	}
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.Is(err, nats.ErrTimeout) || errors.Is(err, nats.ErrNoResponders) ||
		errors.Is(err, jetstream.ErrNoStreamResponse) || errors.Is(err, nats.ErrConnectionClosed) ||
		errors.Is(err, nats.ErrConnectionReconnecting) || errors.Is(err, nats.ErrDisconnected) ||
		errors.Is(err, nats.ErrConnectionDraining)
}

// Record is one stored record and its sequence in the stream.
type Record struct {
	Seq  uint64
	Data []byte
}

// readBatch is how many records one fetch of a log read asks for.
const readBatch = 1024

// Load reads a lobby's whole log in order (nil for a lobby with no log).
// A read that fails for a moment (no JetStream leader yet, a timeout) is
// tried again.
func (s *Store) Load(ctx context.Context, code string) ([]Record, error) {
	var out []Record
	err := settle(ctx, s.log, "reading lobby "+code, func(ctx context.Context) error {
		out = nil
		return s.read(ctx, lobbySubject(code), func(_ string, r Record) { out = append(out, r) })
	})
	return out, err
}

// LoadAll reads every lobby's log in one pass over the stream, by lobby
// code: what a starting server reopens. It costs one consumer, whatever
// the number of lobbies.
func (s *Store) LoadAll(ctx context.Context) (map[string][]Record, error) {
	var out map[string][]Record
	err := settleWithin(ctx, s.log, "reading the lobby logs", 10*time.Minute, func(ctx context.Context) error {
		out = map[string][]Record{}
		return s.read(ctx, lobbyPrefix+"*", func(subject string, r Record) {
			code := strings.TrimPrefix(subject, lobbyPrefix)
			out[code] = append(out[code], r)
		})
	})
	return out, err
}

// read hands each record under filter to each, in order, up to the last
// one stored when the read began. Its consumer is deleted when it is
// done: JetStream allows an account only so many.
func (s *Store) read(ctx context.Context, filter string, each func(subject string, r Record)) error {
	cctx, cancel := context.WithTimeout(ctx, settleTry)
	defer cancel()
	cons, err := s.lobbies.CreateConsumer(cctx, jetstream.ConsumerConfig{
		FilterSubject:     filter,
		DeliverPolicy:     jetstream.DeliverAllPolicy,
		AckPolicy:         jetstream.AckNonePolicy,
		MemoryStorage:     true,
		Replicas:          1,
		InactiveThreshold: time.Minute, // the server deletes it if this process cannot
	})
	if err != nil {
		return err
	}
	defer func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := s.lobbies.DeleteConsumer(dctx, cons.CachedInfo().Name); err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
			s.log.Warn("deleting a reader of the lobby logs; the server drops it within a minute", "err", err)
		}
	}()
	if cons.CachedInfo().NumPending == 0 {
		return nil
	}
	for {
		batch, err := cons.FetchNoWait(readBatch)
		if err != nil {
			return err
		}
		n := 0
		for m := range batch.Messages() {
			n++
			md, err := m.Metadata()
			if err != nil {
				return err
			}
			each(m.Subject(), Record{Seq: md.Sequence.Stream, Data: m.Data()})
			if md.NumPending == 0 {
				return nil
			}
		}
		if err := batch.Error(); err != nil {
			return err
		}
		if n == 0 {
			// Nothing came: the last records may have been deleted
			// meanwhile (a lobby closing), or be on their way.
			if info, err := cons.Info(ctx); err == nil && info.NumPending == 0 {
				return nil
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(5 * time.Millisecond):
			}
		}
	}
}

// Lobbies lists the codes of every lobby that has a log.
func (s *Store) Lobbies(ctx context.Context) ([]string, error) {
	var info *jetstream.StreamInfo
	err := settle(ctx, s.log, "listing lobbies", func(ctx context.Context) (err error) {
		info, err = s.lobbies.Info(ctx, jetstream.WithSubjectFilter(lobbyPrefix+"*"))
		return err
	})
	if err != nil {
		return nil, err
	}
	codes := make([]string, 0, len(info.State.Subjects))
	for subj := range info.State.Subjects {
		codes = append(codes, strings.TrimPrefix(subj, lobbyPrefix))
	}
	slices.Sort(codes)
	return codes, nil
}

// Exists reports whether a lobby has a log.
func (s *Store) Exists(ctx context.Context, code string) (bool, error) {
	found := false
	err := settle(ctx, s.log, "looking up lobby "+code, func(ctx context.Context) error {
		_, err := s.lobbies.GetLastMsgForSubject(ctx, lobbySubject(code))
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			found = false
			return nil
		}
		found = err == nil
		return err
	})
	return found, err
}

// Drop deletes a closed lobby's log.
func (s *Store) Drop(ctx context.Context, code string) error {
	return settle(ctx, s.log, "dropping lobby "+code, func(ctx context.Context) error {
		return s.lobbies.Purge(ctx, jetstream.WithPurgeSubject(lobbySubject(code)))
	})
}

// Compact deletes every record of a lobby's log before sequence from.
func (s *Store) Compact(ctx context.Context, code string, from uint64) error {
	return settle(ctx, s.log, "compacting lobby "+code, func(ctx context.Context) error {
		return s.lobbies.Purge(ctx, jetstream.WithPurgeSubject(lobbySubject(code)), jetstream.WithPurgeSequence(from))
	})
}

// Quarantined is why a lobby's log, kept as it is, does not restore.
type Quarantined struct {
	Lobby  string    `json:"lobby"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// Quarantine notes in QuarantineBucket that a lobby's log does not
// restore, and why, for the operator: the log itself stays untouched.
func (s *Store) Quarantine(ctx context.Context, code, reason string) error {
	b, err := json.Marshal(Quarantined{Lobby: code, Reason: reason, At: time.Now().UTC()})
	if err != nil {
		return err
	}
	return settle(ctx, s.log, "quarantining lobby "+code, func(ctx context.Context) error {
		kv, err := s.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
			Bucket:      QuarantineBucket,
			Description: "Congress of Victors: lobbies whose log does not restore, and why",
			Storage:     jetstream.FileStorage,
			Replicas:    s.replicas,
		})
		if err != nil {
			return err
		}
		_, err = kv.Put(ctx, code, b)
		return err
	})
}

// Match is a match's summary, as listed.
type Match = lobby.MatchEntry

// PutMatch records a match's summary (at its start, and again at its end).
func (s *Store) PutMatch(ctx context.Context, m Match) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	rev, err := s.matches.Put(ctx, m.ID, b)
	if err == nil {
		s.index.apply(m.ID, rev, &m)
	}
	return err
}

// FinishMatch stores a finished match's whole log and marks it over.
func (s *Store) FinishMatch(ctx context.Context, m Match, log []byte) error {
	if _, err := s.js.Publish(ctx, matchPrefix+m.ID, log, jetstream.WithMsgID("match-"+m.ID)); err != nil {
		return fmt.Errorf("storing match %s: %w", m.ID, err)
	}
	m.Over = true
	return s.PutMatch(ctx, m)
}

// GetMatch returns a match's summary.
func (s *Store) GetMatch(ctx context.Context, id string) (Match, error) {
	var m Match
	e, err := s.matches.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return m, ErrNotFound
	}
	if err != nil {
		return m, err
	}
	err = json.Unmarshal(e.Value(), &m)
	return m, err
}

// MatchLog returns a finished match's whole log.
func (s *Store) MatchLog(ctx context.Context, id string) ([]byte, error) {
	msg, err := s.matchLog.GetLastMsgForSubject(ctx, matchPrefix+id)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return msg.Data, nil
}

// Matches lists the finished matches of public lobbies, newest first:
// page from 0, size per page. It pages the index that follows the
// bucket (see matchIndex), waiting for its first load.
func (s *Store) Matches(ctx context.Context, page, size int) ([]Match, int, error) {
	return s.index.page(ctx, time.Now(), page, size)
}
