package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"congress/game"
	"congress/protocol"
	"congress/server/lobby"
	"congress/server/store"
)

// BenchmarkRestart measures a single server's start with many open
// lobbies in its data directory: the embedded store opening its files,
// then RestoreAll reopening every lobby. Half the lobbies wait in the
// lobby with five delegates and some chat; the other half are in the
// middle of a game. Run it with -benchtime=1x: each size is set up once.
func BenchmarkRestart(b *testing.B) {
	open, playing := sampleLogs(b)
	for _, lobbies := range []int{1000, 20000} {
		b.Run(fmt.Sprint(lobbies), func(b *testing.B) {
			dir := b.TempDir()
			quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
			st, err := store.Open(context.Background(), store.Options{DataDir: dir, Logger: quiet})
			if err != nil {
				b.Fatal(err)
			}
			fill(b, st, lobbies, open, playing)
			st.Close()
			b.ResetTimer()
			for range b.N {
				t0 := time.Now()
				st, err := store.Open(context.Background(), store.Options{DataDir: dir, Logger: quiet})
				if err != nil {
					b.Fatal(err)
				}
				opened := time.Since(t0)
				srv := New(Options{Journal: store.NewJournal(st), Matches: st, NewBot: quickBot, Logger: quiet, Limits: DefaultLimits()})
				n, err := srv.RestoreAll(context.Background())
				if err != nil || n != lobbies {
					b.Fatalf("restored %d of %d: %v", n, lobbies, err)
				}
				elapsed := time.Since(t0)
				b.StopTimer()
				b.ReportMetric(opened.Seconds(), "open-s")
				b.ReportMetric(elapsed.Seconds(), "restart-s")
				_ = srv.Close(context.Background())
				st.Close()
				b.StartTimer()
			}
		})
	}
}

// sampleLogs plays two lobbies in memory and returns their logs: one
// waiting for its game, one in the middle of it.
func sampleLogs(b *testing.B) (open, playing [][]byte) {
	j := NewMemJournal()
	srv := New(Options{Journal: j, NewBot: quickBot, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Limits: testLimits()})
	defer srv.Close(context.Background())
	names := []string{"Boris", "Clara", "Dmitri", "Elena"}
	play := func(start bool) [][]byte {
		_, hash := newToken()
		l := unstarted(b, srv, lobby.Created("Anna", hash, false, *stored(quickSettings()), "", srv.now()))
		func() {
			host := newConnOn(srv, &sinkTransport{}, "127.0.0.1")
			host.member = "d1"
			l.members["d1"] = host
			var cs []*conn
			for _, name := range names {
				c := newConnOn(srv, &sinkTransport{}, "127.0.0.1")
				if err := l.join(c, protocol.Join{Lobby: l.code, Name: name}); err != nil {
					b.Fatal(err)
				}
				cs = append(cs, c)
			}
			for i, c := range cs {
				if err := l.say(c, protocol.Say{Channel: game.ChannelPublic, Text: fmt.Sprintf("Comrades, point %d of the agenda.", i)}); err != nil {
					b.Fatal(err)
				}
			}
			if !start {
				return
			}
			if err := l.host(host, protocol.Host{Action: protocol.HostStart}); err != nil {
				b.Fatal(err)
			}
			for i, c := range cs[:3] {
				target := (l.st.Member(c.member).Seat + 1 + i) % 5
				_ = l.act(c, protocol.Act{Kind: game.CmdDenounce, Target: target})
			}
		}()
		recs, _ := j.Records(context.Background(), l.code)
		out := make([][]byte, len(recs))
		for i, r := range recs {
			out[i], _ = json.Marshal(r)
		}
		return out
	}
	return play(false), play(true)
}

// fill writes n lobbies' logs, alternately open and playing.
func fill(b *testing.B, st *store.Store, n int, open, playing [][]byte) {
	var wg sync.WaitGroup
	work := make(chan int)
	for range 4 {
		wg.Go(func() {
			for i := range work {
				code := fmt.Sprintf("B%05d", i)
				log := open
				if i%2 == 1 {
					log = playing
				}
				var last uint64
				for k, data := range log {
					// On a busy machine an append may time out: the same
					// ID again is stored once.
					var seq uint64
					err := errors.New("not tried")
					for try := 0; err != nil && try < 5; try++ {
						seq, err = st.Append(context.Background(), code, fmt.Sprintf("%s.%d", code, k), data, last)
					}
					if err != nil {
						b.Error(err)
						return
					}
					last = seq
				}
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
}
