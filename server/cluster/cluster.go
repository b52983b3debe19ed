package cluster

import (
	"context"
	crand "crypto/rand"
	"encoding/base64"
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

// Options configure a node of a cluster.
type Options struct {
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

// Node is a server's part in a cluster.
type Node struct {
	host   Host
	timing Timing
	st     *store.Store
	node   string
	self   string // this process's lease value: the node and an incarnation
	ttl    time.Duration
	leases *store.Leases
	sums   *store.Summaries
	log    *slog.Logger
	opt    Options

	mu      sync.Mutex
	joined  bool
	owned   map[string]*ownedLease           // leases this node holds
	table   map[string]string                // every lease: code → holder (lease value)
	changed chan struct{}                    // closed and replaced when a lobby changes hands
	summary map[string]protocol.LobbySummary // every lobby's summary, from the bucket
	relays  map[string]map[*Relay]struct{}   // relayed connections of this node, by lobby
	broken  map[string]time.Time             // lobbies whose log did not restore here
	dirty   map[string]Lobby                 // summaries to write (nil: to delete)

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

// New makes host a node of the cluster o describes, once it Joins.
func New(host Host, o Options, t Timing, log *slog.Logger) *Node {
	return &Node{
		host: host, timing: t, opt: o, st: o.Store,
		node: o.Node, self: o.Node + " " + randomToken(8),
		log:     log.With("node", o.Node),
		owned:   map[string]*ownedLease{},
		table:   map[string]string{},
		changed: make(chan struct{}),
		summary: map[string]protocol.LobbySummary{},
		relays:  map[string]map[*Relay]struct{}{},
		broken:  map[string]time.Time{},
		dirty:   map[string]Lobby{},
		claims:  make(chan string, 4096),
		quit:    make(chan struct{}),
	}
}

// Join opens the cluster's buckets and subjects, takes back the lobbies
// this node owned before a restart, and starts claiming lobbies nobody
// owns. Call it once, before serving.
func (n *Node) Join(ctx context.Context) error {
	switch {
	case n.st == nil:
		return errors.New("joining a cluster: no cluster options")
	case !ValidNodeID(n.node):
		return fmt.Errorf("joining a cluster: %q cannot name a node: use 1 to 64 letters, digits, '-' or '_'", n.node)
	}
	n.mu.Lock()
	joined := n.joined
	n.joined = true
	n.mu.Unlock()
	if joined {
		return errors.New("joining a cluster: joined already")
	}
	ttl := n.opt.LeaseTTL
	if ttl <= 0 {
		ttl = DefaultLeaseTTL
	}
	var err error
	if n.leases, err = n.st.Leases(ctx, ttl); err != nil {
		return err
	}
	n.ttl = n.leases.TTL()
	if n.ttl != ttl {
		n.log.Warn("the cluster's lease TTL is not this node's --lease-ttl: using the cluster's", "cluster", n.ttl, "flag", ttl)
	}
	if n.sums, err = n.st.Summaries(ctx, summaryMaxAge); err != nil {
		return err
	}
	if err := n.start(ctx); err != nil {
		n.Stop()
		return err
	}
	n.reclaim(ctx)
	n.scan(ctx)
	n.mu.Lock()
	known := len(n.table)
	n.mu.Unlock()
	n.log.Info("joined the cluster", "lease_ttl", n.ttl, "lobbies", known)
	return nil
}

// errNotJoined refuses what a node does in its cluster before it has
// joined: it serves nothing before Join.
var errNotJoined = errors.New("cluster: the node has not joined its cluster")

// randomToken is n characters of base64url from crypto/rand.
func randomToken(n int) string {
	b := make([]byte, (n*3+3)/4)
	_, _ = crand.Read(b) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)[:n]
}

// start subscribes and watches, waits for the buckets' current contents,
// and starts the node's loops.
func (n *Node) start(ctx context.Context) error {
	stop, err := n.listen()
	if err != nil {
		return err
	}
	n.stops = append(n.stops, stop)
	if stop, err = n.leases.Watch(ctx, n.leaseEntry); err != nil {
		return err
	}
	n.stops = append(n.stops, stop)
	if stop, err = n.sums.Watch(ctx, n.summaryEntry); err != nil {
		return err
	}
	n.stops = append(n.stops, stop)
	loops := []func(){n.renewLoop, n.scanLoop, n.publishLoop}
	for range claimWorkers {
		loops = append(loops, n.claimLoop)
	}
	for _, f := range loops {
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			f()
		}()
	}
	return nil
}

// Stop ends the node's loops and subscriptions; the server calls it once
// every lobby has stopped (and let its lease go).
func (n *Node) Stop() {
	n.stopOnce.Do(func() {
		close(n.quit)
		for _, stop := range n.stops {
			stop()
		}
		n.wg.Wait()
		n.flushSummaries()
	})
}

// leaseEntry keeps the lease table; a lease that goes (expired, or let
// go by a node that stopped or drained) is claimed.
func (n *Node) leaseEntry(code, holder string, initial bool) {
	n.setHolder(code, holder)
	if holder == "" && !initial {
		n.claimSoon(code)
	}
}

// setHolder notes a lobby's lease holder ("" for none).
func (n *Node) setHolder(code, holder string) {
	n.mu.Lock()
	old := n.table[code]
	if holder == "" {
		delete(n.table, code)
	} else {
		n.table[code] = holder
	}
	var stale []*Relay
	if old != holder {
		close(n.changed)
		n.changed = make(chan struct{})
		for r := range n.relays[code] {
			if r.owner != holder {
				stale = append(stale, r)
			}
		}
	}
	n.mu.Unlock()
	// The relays to the old owner are told to reconnect: the client comes
	// back and is routed to the new owner.
	for _, r := range stale {
		r.c.Moving(true)
	}
}

// owner is the lease holder of a lobby ("" for none): from the table, or
// from the bucket itself when the table has not heard of the lobby yet.
func (n *Node) owner(ctx context.Context, code string) (string, error) {
	n.mu.Lock()
	holder, ok := n.table[code]
	n.mu.Unlock()
	if ok {
		return holder, nil
	}
	if n.leases == nil {
		return "", errNotJoined
	}
	lease, err := n.leases.Get(ctx, code)
	if errors.Is(err, store.ErrNoLease) {
		return "", nil
	}
	return lease.Holder, err
}

// AppendDeadline is when this node's lease on a lobby runs out unless
// renewed: a whole TTL after its last renewal was sent (now, for a lobby
// it does not hold).
func (n *Node) AppendDeadline(code string) (time.Time, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if o := n.owned[code]; o != nil {
		return o.renewed.Add(n.ttl), true
	}
	return time.Now(), true
}

// ClaimRecord is the record that takes a lobby's log over for this node: it
// fences off the node that had it.
func (n *Node) ClaimRecord(now time.Time) lobby.Record {
	return lobby.Record{Kind: lobby.RecClaimed, At: now, Name: n.node}
}

// changes is closed at the next change of owner of any lobby.
func (n *Node) changes() <-chan struct{} {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.changed
}

// Open takes the lease of a new lobby's code (ErrCodeTaken if another
// lobby has it).
func (n *Node) Open(ctx context.Context, code string) error {
	if n.leases == nil {
		return errNotJoined
	}
	rev, err := n.leases.Create(ctx, code, n.self)
	if errors.Is(err, store.ErrLeaseTaken) {
		return ErrCodeTaken
	}
	if err != nil {
		return err
	}
	n.mu.Lock()
	n.owned[code] = &ownedLease{rev: rev, renewed: time.Now()}
	n.mu.Unlock()
	return nil
}

// claimSoon queues a claim of a lobby whose lease went, after a short
// random delay that grows with the lobbies this node owns, so that the
// lobbies of a lost node spread over the others.
func (n *Node) claimSoon(code string) {
	if n.host.Stopping() {
		return
	}
	n.mu.Lock()
	owned := len(n.owned)
	n.mu.Unlock()
	delay := rand.N(50*time.Millisecond) + min(time.Duration(owned)*time.Millisecond, 500*time.Millisecond)
	time.AfterFunc(delay, func() { n.queueClaim(code) })
}

func (n *Node) queueClaim(code string) {
	select {
	case <-n.quit:
	case n.claims <- code:
	default: // the scan will find it
	}
}

func (n *Node) claimLoop() {
	for {
		select {
		case <-n.quit:
			return
		case code := <-n.claims:
			n.claim(code)
		}
	}
}

// claim takes a lobby that has a log and no owner, and runs it here.
func (n *Node) claim(code string) bool {
	if n.host.Stopping() || n.host.Lobby(code) != nil {
		return false
	}
	n.mu.Lock()
	_, held := n.table[code]
	_, mine := n.owned[code]
	broken := time.Since(n.broken[code]) < brokenRetry
	n.mu.Unlock()
	if held || mine || broken {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if found, err := n.st.Exists(ctx, code); err != nil || !found {
		return false // closed, or never was
	}
	rev, err := n.leases.Create(ctx, code, n.self)
	if err != nil {
		return false // another node was first
	}
	return n.take(ctx, code, rev)
}

// take runs a lobby whose lease this node has just won.
func (n *Node) take(ctx context.Context, code string, rev uint64) bool {
	n.mu.Lock()
	n.owned[code] = &ownedLease{rev: rev, renewed: time.Now()}
	n.mu.Unlock()
	if err := n.host.Restore(ctx, code); err != nil {
		if errors.Is(err, ErrGone) {
			n.Abandon(code)
			return false
		}
		if !errors.Is(err, ErrQuarantined) {
			n.log.Error("a claimed lobby did not restore: letting it go", "lobby", code, "err", err)
		}
		n.mu.Lock()
		n.broken[code] = time.Now()
		n.mu.Unlock()
		n.Abandon(code)
		return false
	}
	n.log.Info("lobby claimed", "lobby", code)
	return true
}

// reclaim takes back at once the lobbies whose lease names this node in
// an earlier life: it crashed or was stopped, and restarted.
func (n *Node) reclaim(ctx context.Context) {
	n.mu.Lock()
	var mine []string
	for code, holder := range n.table {
		if nodeOf(holder) == n.node && holder != n.self {
			mine = append(mine, code)
		}
	}
	n.mu.Unlock()
	for _, code := range mine {
		lease, err := n.leases.Get(ctx, code)
		if err != nil || nodeOf(lease.Holder) != n.node {
			continue
		}
		rev, err := n.leases.Update(ctx, code, n.self, lease.Rev)
		if err != nil {
			continue
		}
		n.take(ctx, code, rev)
	}
}

// Abandon lets a lease of this node go, so that another node claims the
// lobby at once.
func (n *Node) Abandon(code string) {
	n.mu.Lock()
	o := n.owned[code]
	delete(n.owned, code)
	n.mu.Unlock()
	if o == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if n.leases.Release(ctx, code, o.rev) == nil {
		return
	}
	// A renewal may have moved the revision on meanwhile.
	n.releaseIfMine(code)
}

// Ended is told by a lobby's goroutine as it returns: the lease goes with
// the lobby, unless another node has it already.
func (n *Node) Ended(code string, why End) {
	n.mu.Lock()
	if why == Closed {
		n.dirty[code] = nil // the summary goes
	}
	n.mu.Unlock()
	if why == Deposed {
		n.mu.Lock()
		delete(n.owned, code)
		n.mu.Unlock()
		n.releaseIfMine(code) // the lease may still name this node
		return
	}
	n.Abandon(code)
}

func (n *Node) renewLoop() {
	t := time.NewTicker(n.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-n.quit:
			return
		case <-t.C:
			n.renew()
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
func (n *Node) renew() {
	n.mu.Lock()
	jobs := make([]store.Renewal, 0, len(n.owned))
	for code, o := range n.owned {
		jobs = append(jobs, store.Renewal{Code: code, Rev: o.rev})
	}
	n.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), n.ttl/3)
	defer cancel()
	for len(jobs) > 0 {
		k := min(len(jobs), renewBatch)
		n.renewSome(ctx, jobs[:k])
		jobs = jobs[k:]
	}
}

func (n *Node) renewSome(ctx context.Context, jobs []store.Renewal) {
	sent := time.Now()
	n.leases.Renew(ctx, n.self, jobs)
	for _, j := range jobs {
		rev, at, err := j.NewRev, sent, j.Err
		if err != nil {
			rev, at, err = n.recheck(j.Code, err)
		}
		n.mu.Lock()
		o := n.owned[j.Code]
		if o == nil || o.rev != j.Rev {
			n.mu.Unlock()
			continue // let go or taken anew meanwhile
		}
		lost := false
		switch {
		case err == nil:
			o.rev, o.renewed = rev, at
		case errors.Is(err, store.ErrLeaseMoved) || time.Since(o.renewed) > n.ttl:
			delete(n.owned, j.Code)
			lost = true
		}
		n.mu.Unlock()
		if lost {
			n.log.Warn("lost the lease of a lobby: dropping it", "lobby", j.Code, "err", err)
			if l := n.host.Lobby(j.Code); l != nil {
				l.Depose()
			}
			// A lease that still names this node (its renewals landed late,
			// after the store stalled) is let go at once, so that another
			// node claims the lobby without waiting out the TTL.
			n.releaseIfMine(j.Code)
		}
	}
}

// recheck looks at a lease whose renewal failed: when the bucket still
// names this process (a renewal sent earlier landed late and moved the
// revision on, or the ack was lost), the lease is renewed again on the
// revision found. It returns the renewal's revision and send time, or
// the error that stands.
func (n *Node) recheck(code string, failed error) (uint64, time.Time, error) {
	ctx, cancel := context.WithTimeout(context.Background(), n.ttl/3)
	defer cancel()
	lease, err := n.leases.Get(ctx, code)
	if err != nil || lease.Holder != n.self {
		return 0, time.Time{}, failed
	}
	sent := time.Now()
	rev, err := n.leases.Update(ctx, code, n.self, lease.Rev)
	if err != nil {
		return 0, time.Time{}, failed
	}
	return rev, sent, nil
}

// releaseIfMine deletes a lobby's lease if it names this process.
func (n *Node) releaseIfMine(code string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if lease, err := n.leases.Get(ctx, code); err == nil && lease.Holder == n.self {
		_ = n.leases.Release(ctx, code, lease.Rev)
	}
}

// scanLoop is the backstop of the lease watcher: now and then, every
// lobby with a log and no lease is claimed. It reads the leases from the
// bucket, not from the table, so that an expiry whose marker the watcher
// missed is found too.
func (n *Node) scanLoop() {
	t := time.NewTicker(max(n.ttl, 2*time.Second))
	defer t.Stop()
	for {
		select {
		case <-n.quit:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			n.scan(ctx)
			cancel()
		}
	}
}

func (n *Node) scan(ctx context.Context) {
	if n.host.Stopping() {
		return
	}
	codes, err := n.st.Lobbies(ctx)
	if err != nil {
		n.log.Warn("listing the lobbies", "err", err)
		return
	}
	live, err := n.leases.Codes(ctx)
	if err != nil {
		n.log.Warn("listing the leases", "err", err)
		return
	}
	var orphans, suspects []string
	n.mu.Lock()
	for _, code := range codes {
		_, held := n.table[code]
		switch {
		case live[code] || n.owned[code] != nil:
		case held:
			suspects = append(suspects, code) // or created since the listing
		default:
			orphans = append(orphans, code)
		}
	}
	for code := range n.table {
		if !live[code] && n.owned[code] == nil && !slices.Contains(suspects, code) {
			suspects = append(suspects, code)
		}
	}
	n.mu.Unlock()
	for _, code := range suspects {
		if _, err := n.leases.Get(ctx, code); errors.Is(err, store.ErrNoLease) {
			n.setHolder(code, "")
			orphans = append(orphans, code)
		}
	}
	for _, code := range orphans {
		n.queueClaim(code)
	}
}

// --- summaries: the lobby list from any node ---

// SummaryChanged marks a lobby's summary to be written to the bucket (or
// deleted, once the lobby has closed).
func (n *Node) SummaryChanged(l Lobby) {
	n.mu.Lock()
	n.dirty[l.Code()] = l
	n.mu.Unlock()
}

func (n *Node) summaryEntry(code string, value []byte) {
	var sum protocol.LobbySummary
	put := value != nil && json.Unmarshal(value, &sum) == nil
	n.mu.Lock()
	if put {
		n.summary[code] = sum
	} else {
		delete(n.summary, code)
	}
	n.mu.Unlock()
}

func (n *Node) publishLoop() {
	flush := time.NewTicker(summaryFlush)
	defer flush.Stop()
	refresh := time.NewTicker(summaryRefresh)
	defer refresh.Stop()
	for {
		select {
		case <-n.quit:
			return
		case <-flush.C:
			n.flushSummaries()
		case <-refresh.C:
			// Summaries age out of the bucket unless written again.
			for _, l := range n.host.Lobbies() {
				n.SummaryChanged(l)
			}
		}
	}
}

// flushSummaries writes the summaries that changed.
func (n *Node) flushSummaries() {
	n.mu.Lock()
	dirty := n.dirty
	n.dirty = map[string]Lobby{}
	n.mu.Unlock()
	if len(dirty) == 0 || n.sums == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	values := map[string][]byte{}
	for code, l := range dirty {
		closed := l == nil
		if !closed {
			if ended, lobbyClosed := l.Ended(); ended {
				if !lobbyClosed {
					continue // the lobby's next owner writes its summary
				}
				closed = true
			}
		}
		if closed {
			if err := n.sums.Delete(ctx, code); err != nil {
				n.log.Debug("deleting a lobby summary", "lobby", code, "err", err)
			}
			continue
		}
		sum := l.Summary()
		if sum == nil {
			continue
		}
		values[code], _ = json.Marshal(sum)
	}
	if err := n.sums.Put(ctx, values); err != nil {
		n.log.Debug("writing the lobby summaries", "err", err)
	}
}

// List is every lobby of the cluster that has an owner, this node's own
// as they are now.
func (n *Node) List() []protocol.LobbySummary {
	all := map[string]protocol.LobbySummary{}
	n.mu.Lock()
	for code, sum := range n.summary {
		if _, held := n.table[code]; held {
			all[code] = sum
		}
	}
	n.mu.Unlock()
	for _, l := range n.host.Lobbies() {
		if sum := l.Summary(); sum != nil {
			all[l.Code()] = *sum
		}
	}
	out := make([]protocol.LobbySummary, 0, len(all))
	for _, sum := range all {
		out = append(out, sum)
	}
	return out
}

// Lookup is one lobby's summary, if it has an owner.
func (n *Node) Lookup(code string) *protocol.LobbySummary {
	n.mu.Lock()
	defer n.mu.Unlock()
	sum, ok := n.summary[code]
	if _, held := n.table[code]; !ok || !held {
		return nil
	}
	return &sum
}
