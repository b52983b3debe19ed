package store

import (
	"errors"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
)

// The store's health: whether it takes writes now, and if not why. A
// store that refuses writes (a full disk, no file descriptors left, a
// NATS server that does not answer) is reported once when it starts and
// once when it ends, not at every append; /readyz says so meanwhile.
//
// An embedded NATS server that hit a write error (JetStream then stops
// storing and answers no append, even after space is freed) is examined
// every second: once its disk has room again, JetStream is restarted on
// the same files, and the appends still waiting go through.

// healthEvery is how often the embedded server is examined.
var healthEvery = time.Second

// minFree is the free space the data directory needs before JetStream is
// restarted after a write error.
var minFree uint64 = 4 << 20

type health struct {
	mu        sync.Mutex
	appendErr error     // the last append's failure, nil once one passes
	serverErr error     // what the embedded server reports, nil when well
	restarted time.Time // the last JetStream restart
	reported  bool      // a failure has been logged and not yet its end
	stop      chan struct{}
	done      chan struct{}
}

// ErrUnavailable wraps the cause of a store that takes no writes now.
var ErrUnavailable = errors.New("store: not taking writes")

// Health is nil while the store takes writes, and otherwise says why not.
func (s *Store) Health() error {
	s.health.mu.Lock()
	defer s.health.mu.Unlock()
	switch {
	case s.health.serverErr != nil:
		return errors.Join(ErrUnavailable, s.health.serverErr)
	case s.health.appendErr != nil:
		return errors.Join(ErrUnavailable, s.health.appendErr)
	}
	return nil
}

// noteAppend records an append's outcome: err nil for stored (or fenced:
// the store answered), else why it was not.
func (s *Store) noteAppend(err error) {
	s.health.mu.Lock()
	if err == nil && s.health.appendErr == nil {
		s.health.mu.Unlock()
		return // the common case: well, and well before
	}
	s.health.appendErr = err
	s.reportLocked()
	s.health.mu.Unlock()
}

// reportLocked logs the start or the end of a failure, once each.
func (s *Store) reportLocked() {
	failing := s.health.appendErr != nil || s.health.serverErr != nil
	switch {
	case failing && !s.health.reported:
		s.health.reported = true
		cause := s.health.serverErr
		if cause == nil {
			cause = s.health.appendErr
		}
		s.log.Error("the store is not taking writes: games wait until it does; free disk space or file descriptors, or check NATS", "cause", cause)
	case !failing && s.health.reported:
		s.health.reported = false
		s.log.Info("the store takes writes again")
	}
}

// watchEmbedded examines the embedded server until Close.
func (s *Store) watchEmbedded(storeDir string) {
	defer close(s.health.done)
	t := time.NewTicker(healthEvery)
	defer t.Stop()
	for {
		select {
		case <-s.health.stop:
			return
		case <-t.C:
		}
		h := s.embedded.Healthz(&natsserver.HealthzOptions{})
		var err error
		if h.StatusCode != 200 || h.Error != "" {
			err = errors.New(h.Error)
			if h.Error == "" {
				err = errors.New(h.Status)
			}
		}
		s.health.mu.Lock()
		s.health.serverErr = err
		restart := err != nil && time.Since(s.health.restarted) > 5*time.Second && free(storeDir) >= minFree
		if restart {
			s.health.restarted = time.Now()
		}
		s.reportLocked()
		s.health.mu.Unlock()
		if restart {
			s.log.Warn("restarting the embedded JetStream after a write error", "cause", err)
			_ = s.embedded.DisableJetStream()
			if err := s.embedded.EnableJetStream(&natsserver.JetStreamConfig{StoreDir: storeDir}); err != nil {
				s.log.Error("the embedded JetStream did not restart; it is tried again", "err", err)
			}
		}
	}
}

// free is the free space of the file system holding dir, in bytes (0 if
// it cannot be read).
func free(dir string) uint64 {
	var st syscall.Statfs_t
	if syscall.Statfs(filepath.Clean(dir), &st) != nil {
		return 0
	}
	return st.Bavail * uint64(st.Bsize)
}
