package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"congress/protocol"
	"congress/server/lobby"
	"congress/server/store"
)

// Cluster mode: several nodes share one NATS JetStream. Every lobby has
// one owner, the node whose lease on the lobby's code is in the lease
// bucket (store.LeaseBucket); only the owner runs the lobby's actor and
// appends to its log. The owner renews its leases every third of their
// TTL. A lease that expires (its node died, or lost NATS) leaves a marker
// that every node's watcher sees; the nodes race to claim the lobby with
// a key-value create, and the winner replays the log, appends a claimed
// record (which fences off the old owner, see Restore) and runs it.
//
// A client may connect to any node. The node that reads its first
// message looks the lobby's owner up: itself, and the client enters the
// lobby as ever, or another node, and the connection becomes a relay
// (relay.go): the client's messages go to the owner over NATS, and the
// owner's frames for this client come back the same way.

// ClusterOptions configure a node of a cluster.
type ClusterOptions struct {
	// Store holds the lobby logs and the cluster's buckets; the server's
	// journal must be a store.Journal on it.
	Store *store.Store
	// Node names this node, unique in the cluster (ValidNodeID). A node
	// that restarts under the same name takes its lobbies back at once
	// instead of waiting for their leases to expire.
	Node string
	// LeaseTTL is how long a lobby outlives its owner before another
	// node claims it (DefaultLeaseTTL if 0). The first node to create the
	// lease bucket sets it for all.
	LeaseTTL time.Duration
}

// DefaultLeaseTTL is the lease TTL of a new cluster.
const DefaultLeaseTTL = 10 * time.Second

const (
	claimWorkers   = 2
	openTimeout    = 2 * time.Second // a relay's open request to an owner
	routeExtra     = 5 * time.Second // a first message waits for an owner LeaseTTL + this
	routePoll      = 250 * time.Millisecond
	brokenRetry    = 10 * time.Minute // a log that does not restore is not tried again before
	summaryFlush   = 500 * time.Millisecond
	summaryMaxAge  = time.Hour
	summaryRefresh = 20 * time.Minute
)

var nodeIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// ValidNodeID reports whether id may name a node: 1 to 64 letters,
// digits, '-' or '_' (it is part of NATS subjects).
func ValidNodeID(id string) bool { return nodeIDPattern.MatchString(id) }

// cluster is a server's part in a cluster.
type cluster struct {
	srv    *Server
	st     *store.Store
	node   string
	self   string // this process's lease value: the node and an incarnation
	ttl    time.Duration
	leases *store.Leases
	sums   *store.Summaries
	log    *slog.Logger

	mu      sync.Mutex
	owned   map[string]*ownedLease           // leases this node holds
	table   map[string]string                // every lease: code → holder (lease value)
	changed chan struct{}                    // closed and replaced when a lobby changes hands
	summary map[string]protocol.LobbySummary // every lobby's summary, from the bucket
	relays  map[string]map[*relay]struct{}   // relayed connections of this node, by lobby
	broken  map[string]time.Time             // lobbies whose log did not restore here
	dirty   map[string]*actor                // summaries to write (nil: to delete)

	claims   chan string
	stops    []func() // the relays' subscription and the buckets' watches
	quit     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup
}

// ownedLease is a lease of this node: its revision and when it was last
// renewed (sent).
type ownedLease struct {
	rev     uint64
	renewed time.Time
}

// nodeOf is the node part of a lease value.
func nodeOf(holder string) string {
	n, _, _ := strings.Cut(holder, " ")
	return n
}

// Join makes the server a node of its cluster (Options.Cluster): it opens
// the cluster's buckets and subjects, takes back the lobbies this node
// owned before a restart, and starts claiming lobbies nobody owns. Call it
// once, before serving.
func (s *Server) Join(ctx context.Context) error {
	o := s.opt.Cluster
	switch {
	case o == nil || o.Store == nil:
		return errors.New("joining a cluster: no cluster options")
	case !ValidNodeID(o.Node):
		return fmt.Errorf("joining a cluster: %q cannot name a node: use 1 to 64 letters, digits, '-' or '_'", o.Node)
	case s.cluster != nil:
		return errors.New("joining a cluster: joined already")
	}
	ttl := o.LeaseTTL
	if ttl <= 0 {
		ttl = DefaultLeaseTTL
	}
	cl := &cluster{
		srv: s, st: o.Store,
		node: o.Node, self: o.Node + " " + randomToken()[:8],
		log:     s.log.With("node", o.Node),
		owned:   map[string]*ownedLease{},
		table:   map[string]string{},
		changed: make(chan struct{}),
		summary: map[string]protocol.LobbySummary{},
		relays:  map[string]map[*relay]struct{}{},
		broken:  map[string]time.Time{},
		dirty:   map[string]*actor{},
		claims:  make(chan string, 4096),
		quit:    make(chan struct{}),
	}
	var err error
	if cl.leases, err = cl.st.Leases(ctx, ttl); err != nil {
		return err
	}
	cl.ttl = cl.leases.TTL()
	if cl.ttl != ttl {
		cl.log.Warn("the cluster's lease TTL is not this node's --lease-ttl: using the cluster's", "cluster", cl.ttl, "flag", ttl)
	}
	if cl.sums, err = cl.st.Summaries(ctx, summaryMaxAge); err != nil {
		return err
	}
	// Before the first claim: Restore claims logs in a cluster.
	s.cluster, s.dir = cl, cl
	if err := cl.start(ctx); err != nil {
		cl.stop()
		s.cluster, s.dir = nil, local{s}
		return err
	}
	cl.reclaim(ctx)
	cl.scan(ctx)
	cl.mu.Lock()
	known := len(cl.table)
	cl.mu.Unlock()
	cl.log.Info("joined the cluster", "lease_ttl", cl.ttl, "lobbies", known)
	return nil
}

// start subscribes and watches, waits for the buckets' current contents,
// and starts the node's loops.
func (cl *cluster) start(ctx context.Context) error {
	stop, err := cl.listen()
	if err != nil {
		return err
	}
	cl.stops = append(cl.stops, stop)
	if stop, err = cl.leases.Watch(ctx, cl.leaseEntry); err != nil {
		return err
	}
	cl.stops = append(cl.stops, stop)
	if stop, err = cl.sums.Watch(ctx, cl.summaryEntry); err != nil {
		return err
	}
	cl.stops = append(cl.stops, stop)
	loops := []func(){cl.renewLoop, cl.scanLoop, cl.publishLoop}
	for range claimWorkers {
		loops = append(loops, cl.claimLoop)
	}
	for _, f := range loops {
		cl.wg.Add(1)
		go func() {
			defer cl.wg.Done()
			f()
		}()
	}
	return nil
}

// stop ends the node's loops and subscriptions; the server calls it once
// every lobby has stopped (and let its lease go).
func (cl *cluster) stop() {
	cl.stopOnce.Do(func() {
		close(cl.quit)
		for _, stop := range cl.stops {
			stop()
		}
		cl.wg.Wait()
		cl.flushSummaries()
	})
}

// leaseEntry keeps the lease table; a lease that goes (expired, or let
// go by a node that stopped or drained) is claimed.
func (cl *cluster) leaseEntry(code, holder string, initial bool) {
	cl.setHolder(code, holder)
	if holder == "" && !initial {
		cl.claimSoon(code)
	}
}

// setHolder notes a lobby's lease holder ("" for none).
func (cl *cluster) setHolder(code, holder string) {
	cl.mu.Lock()
	old := cl.table[code]
	if holder == "" {
		delete(cl.table, code)
	} else {
		cl.table[code] = holder
	}
	var stale []*relay
	if old != holder {
		close(cl.changed)
		cl.changed = make(chan struct{})
		for r := range cl.relays[code] {
			if r.owner != holder {
				stale = append(stale, r)
			}
		}
	}
	cl.mu.Unlock()
	// The relays to the old owner are told to reconnect: the client comes
	// back and is routed to the new owner.
	for _, r := range stale {
		r.c.sendBack(movingMessage, true)
	}
}

// owner is the lease holder of a lobby ("" for none): from the table, or
// from the bucket itself when the table has not heard of the lobby yet.
func (cl *cluster) owner(ctx context.Context, code string) (string, error) {
	cl.mu.Lock()
	holder, ok := cl.table[code]
	cl.mu.Unlock()
	if ok {
		return holder, nil
	}
	lease, err := cl.leases.Get(ctx, code)
	if errors.Is(err, store.ErrNoLease) {
		return "", nil
	}
	return lease.Holder, err
}

// appendDeadline is when this node's lease on a lobby runs out unless
// renewed: a whole TTL after its last renewal was sent (now, for a lobby
// it does not hold).
func (cl *cluster) appendDeadline(code string) (time.Time, bool) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if o := cl.owned[code]; o != nil {
		return o.renewed.Add(cl.ttl), true
	}
	return time.Now(), true
}

// claimRecord is the record that takes a lobby's log over for this node: it
// fences off the node that had it.
func (cl *cluster) claimRecord(now time.Time) (lobby.Record, bool) {
	return lobby.Record{Kind: lobby.RecClaimed, At: now, Name: cl.node}, true
}

// changes is closed at the next change of owner of any lobby.
func (cl *cluster) changes() <-chan struct{} {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return cl.changed
}

// errCodeTaken refuses the lease of a new lobby's code: another lobby
// has it.
var errCodeTaken = errors.New("lobby code taken")

// open takes the lease of a new lobby's code.
func (cl *cluster) open(ctx context.Context, code string) error {
	rev, err := cl.leases.Create(ctx, code, cl.self)
	if errors.Is(err, store.ErrLeaseTaken) {
		return errCodeTaken
	}
	if err != nil {
		return err
	}
	cl.mu.Lock()
	cl.owned[code] = &ownedLease{rev: rev, renewed: time.Now()}
	cl.mu.Unlock()
	return nil
}

// claimSoon queues a claim of a lobby whose lease went, after a short
// random delay that grows with the lobbies this node owns, so that the
// lobbies of a lost node spread over the others.
func (cl *cluster) claimSoon(code string) {
	if cl.srv.stopping() {
		return
	}
	cl.mu.Lock()
	n := len(cl.owned)
	cl.mu.Unlock()
	delay := rand.N(50*time.Millisecond) + min(time.Duration(n)*time.Millisecond, 500*time.Millisecond)
	time.AfterFunc(delay, func() { cl.queueClaim(code) })
}

func (cl *cluster) queueClaim(code string) {
	select {
	case <-cl.quit:
	case cl.claims <- code:
	default: // the scan will find it
	}
}

func (cl *cluster) claimLoop() {
	for {
		select {
		case <-cl.quit:
			return
		case code := <-cl.claims:
			cl.claim(code)
		}
	}
}

// claim takes a lobby that has a log and no owner, and runs it here.
func (cl *cluster) claim(code string) bool {
	if cl.srv.stopping() || cl.srv.lobbies.get(code) != nil {
		return false
	}
	cl.mu.Lock()
	_, held := cl.table[code]
	_, mine := cl.owned[code]
	broken := time.Since(cl.broken[code]) < brokenRetry
	cl.mu.Unlock()
	if held || mine || broken {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if found, err := cl.st.Exists(ctx, code); err != nil || !found {
		return false // closed, or never was
	}
	rev, err := cl.leases.Create(ctx, code, cl.self)
	if err != nil {
		return false // another node was first
	}
	return cl.take(ctx, code, rev)
}

// take runs a lobby whose lease this node has just won.
func (cl *cluster) take(ctx context.Context, code string, rev uint64) bool {
	cl.mu.Lock()
	cl.owned[code] = &ownedLease{rev: rev, renewed: time.Now()}
	cl.mu.Unlock()
	if err := cl.srv.Restore(ctx, code); err != nil {
		if cl.srv.stopping() || errors.Is(err, errLobbyClosed) {
			cl.abandon(code)
			return false
		}
		var damaged damagedLog
		if j, ok := cl.srv.opt.Journal.(lobby.Restorable); ok && errors.As(err, &damaged) {
			cl.srv.quarantine(ctx, j, code, err)
		} else {
			cl.log.Error("a claimed lobby did not restore: letting it go", "lobby", code, "err", err)
		}
		cl.mu.Lock()
		cl.broken[code] = time.Now()
		cl.mu.Unlock()
		cl.abandon(code)
		return false
	}
	cl.log.Info("lobby claimed", "lobby", code)
	return true
}

// reclaim takes back at once the lobbies whose lease names this node in
// an earlier life: it crashed or was stopped, and restarted.
func (cl *cluster) reclaim(ctx context.Context) {
	cl.mu.Lock()
	var mine []string
	for code, holder := range cl.table {
		if nodeOf(holder) == cl.node && holder != cl.self {
			mine = append(mine, code)
		}
	}
	cl.mu.Unlock()
	for _, code := range mine {
		lease, err := cl.leases.Get(ctx, code)
		if err != nil || nodeOf(lease.Holder) != cl.node {
			continue
		}
		rev, err := cl.leases.Update(ctx, code, cl.self, lease.Rev)
		if err != nil {
			continue
		}
		cl.take(ctx, code, rev)
	}
}

// abandon lets a lease of this node go, so that another node claims the
// lobby at once.
func (cl *cluster) abandon(code string) {
	cl.mu.Lock()
	o := cl.owned[code]
	delete(cl.owned, code)
	cl.mu.Unlock()
	if o == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if cl.leases.Release(ctx, code, o.rev) == nil {
		return
	}
	// A renewal may have moved the revision on meanwhile.
	cl.releaseIfMine(code)
}

// ended is told by a lobby's goroutine as it returns: the lease goes with
// the lobby, unless another node has it already.
func (cl *cluster) ended(l *actor) {
	cl.mu.Lock()
	if l.end == endClosed {
		cl.dirty[l.code] = nil // the summary goes
	}
	cl.mu.Unlock()
	if l.end == endDeposed {
		cl.mu.Lock()
		delete(cl.owned, l.code)
		cl.mu.Unlock()
		cl.releaseIfMine(l.code) // the lease may still name this node
		return
	}
	cl.abandon(l.code)
}

func (cl *cluster) renewLoop() {
	t := time.NewTicker(cl.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-cl.quit:
			return
		case <-t.C:
			cl.renew()
		}
	}
}

// renewBatch is how many renewals are in flight at once: JetStream stalls
// asynchronous publishes beyond a few thousand pending.
const renewBatch = 1000

// renew renews every lease of this node (a batch at a time, each
// expecting its revision). A lease whose revision moved on belongs to
// another node now, and one not renewed for a whole TTL may: either way
// the lobby is dropped without another write.
func (cl *cluster) renew() {
	cl.mu.Lock()
	jobs := make([]store.Renewal, 0, len(cl.owned))
	for code, o := range cl.owned {
		jobs = append(jobs, store.Renewal{Code: code, Rev: o.rev})
	}
	cl.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), cl.ttl/3)
	defer cancel()
	for len(jobs) > 0 {
		n := min(len(jobs), renewBatch)
		cl.renewSome(ctx, jobs[:n])
		jobs = jobs[n:]
	}
}

func (cl *cluster) renewSome(ctx context.Context, jobs []store.Renewal) {
	sent := time.Now()
	cl.leases.Renew(ctx, cl.self, jobs)
	for _, j := range jobs {
		rev, at, err := j.NewRev, sent, j.Err
		if err != nil {
			rev, at, err = cl.recheck(j.Code, err)
		}
		cl.mu.Lock()
		o := cl.owned[j.Code]
		if o == nil || o.rev != j.Rev {
			cl.mu.Unlock()
			continue // let go or taken anew meanwhile
		}
		lost := false
		switch {
		case err == nil:
			o.rev, o.renewed = rev, at
		case errors.Is(err, store.ErrLeaseMoved) || time.Since(o.renewed) > cl.ttl:
			delete(cl.owned, j.Code)
			lost = true
		}
		cl.mu.Unlock()
		if lost {
			cl.log.Warn("lost the lease of a lobby: dropping it", "lobby", j.Code, "err", err)
			if l := cl.srv.lobbies.get(j.Code); l != nil {
				l.stop(endDeposed)
			}
			// A lease that still names this node (its renewals landed late,
			// after the store stalled) is let go at once, so that another
			// node claims the lobby without waiting out the TTL.
			cl.releaseIfMine(j.Code)
		}
	}
}

// recheck looks at a lease whose renewal failed: when the bucket still
// names this process (a renewal sent earlier landed late and moved the
// revision on, or the ack was lost), the lease is renewed again on the
// revision found. It returns the renewal's revision and send time, or
// the error that stands.
func (cl *cluster) recheck(code string, failed error) (uint64, time.Time, error) {
	ctx, cancel := context.WithTimeout(context.Background(), cl.ttl/3)
	defer cancel()
	lease, err := cl.leases.Get(ctx, code)
	if err != nil || lease.Holder != cl.self {
		return 0, time.Time{}, failed
	}
	sent := time.Now()
	rev, err := cl.leases.Update(ctx, code, cl.self, lease.Rev)
	if err != nil {
		return 0, time.Time{}, failed
	}
	return rev, sent, nil
}

// releaseIfMine deletes a lobby's lease if it names this process.
func (cl *cluster) releaseIfMine(code string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if lease, err := cl.leases.Get(ctx, code); err == nil && lease.Holder == cl.self {
		_ = cl.leases.Release(ctx, code, lease.Rev)
	}
}

// scanLoop is the backstop of the lease watcher: now and then, every
// lobby with a log and no lease is claimed. It reads the leases from the
// bucket, not from the table, so that an expiry whose marker the watcher
// missed is found too.
func (cl *cluster) scanLoop() {
	t := time.NewTicker(max(cl.ttl, 2*time.Second))
	defer t.Stop()
	for {
		select {
		case <-cl.quit:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			cl.scan(ctx)
			cancel()
		}
	}
}

func (cl *cluster) scan(ctx context.Context) {
	if cl.srv.stopping() {
		return
	}
	codes, err := cl.st.Lobbies(ctx)
	if err != nil {
		cl.log.Warn("listing the lobbies", "err", err)
		return
	}
	live, err := cl.leases.Codes(ctx)
	if err != nil {
		cl.log.Warn("listing the leases", "err", err)
		return
	}
	var orphans, suspects []string
	cl.mu.Lock()
	for _, code := range codes {
		_, held := cl.table[code]
		switch {
		case live[code] || cl.owned[code] != nil:
		case held:
			suspects = append(suspects, code) // or created since the listing
		default:
			orphans = append(orphans, code)
		}
	}
	for code := range cl.table {
		if !live[code] && cl.owned[code] == nil && !slices.Contains(suspects, code) {
			suspects = append(suspects, code)
		}
	}
	cl.mu.Unlock()
	for _, code := range suspects {
		if _, err := cl.leases.Get(ctx, code); errors.Is(err, store.ErrNoLease) {
			cl.setHolder(code, "")
			orphans = append(orphans, code)
		}
	}
	for _, code := range orphans {
		cl.queueClaim(code)
	}
}

// --- summaries: the lobby list from any node ---

// summaryChanged marks a lobby's summary to be written to the bucket (or
// deleted, once the lobby has closed).
func (cl *cluster) summaryChanged(l *actor) {
	cl.mu.Lock()
	cl.dirty[l.code] = l
	cl.mu.Unlock()
}

func (cl *cluster) summaryEntry(code string, value []byte) {
	var sum protocol.LobbySummary
	put := value != nil && json.Unmarshal(value, &sum) == nil
	cl.mu.Lock()
	if put {
		cl.summary[code] = sum
	} else {
		delete(cl.summary, code)
	}
	cl.mu.Unlock()
}

func (cl *cluster) publishLoop() {
	flush := time.NewTicker(summaryFlush)
	defer flush.Stop()
	refresh := time.NewTicker(summaryRefresh)
	defer refresh.Stop()
	for {
		select {
		case <-cl.quit:
			return
		case <-flush.C:
			cl.flushSummaries()
		case <-refresh.C:
			// Summaries age out of the bucket unless written again.
			for _, l := range cl.srv.lobbies.all() {
				cl.summaryChanged(l)
			}
		}
	}
}

// flushSummaries writes the summaries that changed.
func (cl *cluster) flushSummaries() {
	cl.mu.Lock()
	dirty := cl.dirty
	cl.dirty = map[string]*actor{}
	cl.mu.Unlock()
	if len(dirty) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	values := map[string][]byte{}
	for code, l := range dirty {
		closed := l == nil
		if !closed {
			select {
			case <-l.done:
				if l.end != endClosed {
					continue // the lobby's next owner writes its summary
				}
				closed = true
			default:
			}
		}
		if closed {
			if err := cl.sums.Delete(ctx, code); err != nil {
				cl.log.Debug("deleting a lobby summary", "lobby", code, "err", err)
			}
			continue
		}
		sum := l.summary.Load()
		if sum == nil {
			continue
		}
		values[code], _ = json.Marshal(sum)
	}
	if err := cl.sums.Put(ctx, values); err != nil {
		cl.log.Debug("writing the lobby summaries", "err", err)
	}
}

// list is every lobby of the cluster that has an owner, this node's own
// as they are now.
func (cl *cluster) list() []protocol.LobbySummary {
	all := map[string]protocol.LobbySummary{}
	cl.mu.Lock()
	for code, sum := range cl.summary {
		if _, held := cl.table[code]; held {
			all[code] = sum
		}
	}
	cl.mu.Unlock()
	for _, l := range cl.srv.lobbies.all() {
		if sum := l.summary.Load(); sum != nil {
			all[l.code] = *sum
		}
	}
	out := make([]protocol.LobbySummary, 0, len(all))
	for _, sum := range all {
		out = append(out, sum)
	}
	return out
}

// lookup is one lobby's summary, if it has an owner.
func (cl *cluster) lookup(code string) *protocol.LobbySummary {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	sum, ok := cl.summary[code]
	if _, held := cl.table[code]; !ok || !held {
		return nil
	}
	return &sum
}
