package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/server/store/natstest"
)

func TestTransient(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{context.DeadlineExceeded, true},
		{fmt.Errorf("wrapped: %w", nats.ErrTimeout), true},
		{nats.ErrNoResponders, true},
		{jetstream.ErrStreamNameAlreadyInUse, true},
		{jetstream.ErrBucketExists, true},
		{&jetstream.APIError{Code: 503, ErrorCode: 10008, Description: "JetStream system temporarily unavailable"}, true},
		{jetstream.ErrJetStreamNotEnabled, true}, // 503 while a server starts
		{&jetstream.APIError{Code: 400, ErrorCode: 10052, Description: "replicas > 1 not supported in non-clustered mode"}, false},
		{jetstream.ErrStreamNotFound, false},
		{errors.New("permission denied"), false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, transient(tt.err), "%v", tt.err)
	}
}

func TestSettle(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	t.Run("transient errors are tried again", func(t *testing.T) {
		tries := 0
		err := settle(context.Background(), quiet, "making", func(context.Context) error {
			if tries++; tries < 3 {
				return nats.ErrNoResponders
			}
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, 3, tries)
	})
	t.Run("a lasting error is returned at once", func(t *testing.T) {
		tries := 0
		err := settle(context.Background(), quiet, "making", func(context.Context) error {
			tries++
			return jetstream.ErrStreamNotFound
		})
		assert.ErrorIs(t, err, jetstream.ErrStreamNotFound)
		assert.ErrorContains(t, err, "making: ")
		assert.Equal(t, 1, tries)
	})
	t.Run("the budget ends the tries", func(t *testing.T) {
		defer func(b time.Duration) { settleBudget = b }(settleBudget)
		settleBudget = 500 * time.Millisecond
		tries := 0
		start := time.Now()
		err := settle(context.Background(), quiet, "making", func(context.Context) error {
			tries++
			return nats.ErrTimeout
		})
		assert.ErrorIs(t, err, nats.ErrTimeout)
		assert.Less(t, time.Since(start), 2*time.Second)
		assert.Greater(t, tries, 1)
	})
	t.Run("a cancelled context ends the tries", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		tries := 0
		err := settle(ctx, quiet, "making", func(context.Context) error {
			if tries++; tries == 2 {
				cancel()
			}
			return nats.ErrTimeout
		})
		assert.Error(t, err)
		assert.Equal(t, 2, tries)
	})
}

// Nodes of a cluster started together, as a compose file starts them,
// race to create the same replicated streams and buckets on a NATS
// cluster that has only just elected its leader: every one must open.
func TestNodesStartTogether(t *testing.T) {
	urls, _ := natstest.Cluster(t, 3) // JetStream still electing its leader
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Go(func() {
			s, err := Open(context.Background(), Options{URLs: strings.Join(urls, ","), DataDir: t.TempDir()})
			if err != nil {
				errs[i] = err
				return
			}
			defer s.Close()
			if _, err := s.Leases(context.Background(), 3*time.Second); err != nil {
				errs[i] = err
				return
			}
			_, errs[i] = s.Summaries(context.Background(), time.Minute)
			if errs[i] == nil && s.replicas != 3 {
				errs[i] = fmt.Errorf("replicas %d, want 3", s.replicas)
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		assert.NoError(t, err, "node %d", i)
	}
}
