package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// How long settle keeps trying, and how long one try may take. A NATS
// cluster that has just started elects its JetStream leader, and nodes
// started together race to create the same streams: both pass within
// seconds.
var (
	settleBudget = time.Minute
	settleTry    = 3 * time.Second
)

// settle runs do until it succeeds, fails for good, or the budget is
// spent, waiting a little longer after each transient failure.
func settle(ctx context.Context, log *slog.Logger, what string, do func(context.Context) error) error {
	return settleWithin(ctx, log, what, settleTry, do)
}

// settleWithin is settle for a step that may take up to per.
func settleWithin(ctx context.Context, log *slog.Logger, what string, per time.Duration, do func(context.Context) error) error {
	deadline := time.Now().Add(settleBudget)
	wait := 100 * time.Millisecond
	for try := 1; ; try++ {
		tctx, cancel := context.WithTimeout(ctx, per)
		err := do(tctx)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil || !transient(err) || time.Now().Add(wait).After(deadline) {
			return fmt.Errorf("%s: %w", what, err)
		}
		log.Warn("NATS is not ready yet; trying again", "step", what, "try", try, "err", err)
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", what, ctx.Err())
		case <-time.After(wait):
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// transient reports whether err may pass by itself: no answer yet, a
// JetStream still electing its leader (503), or another node that
// created the same stream or bucket a moment earlier.
func transient(err error) bool {
	var api *jetstream.APIError
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, nats.ErrTimeout),
		errors.Is(err, nats.ErrNoResponders), errors.Is(err, jetstream.ErrNoStreamResponse),
		errors.Is(err, jetstream.ErrStreamNameAlreadyInUse), errors.Is(err, jetstream.ErrBucketExists):
		return true
	case errors.As(err, &api):
		return api.Code == 503
	}
	return false
}
