package server

import (
	"io"
	"log/slog"
	"sync/atomic"
	"testing"

	"congress/game"
	"congress/protocol"
	"congress/server/lobby"
)

// BenchmarkAct measures one delegate's command in a lobby of 7 connected
// delegates and 50 spectators: journal, apply, a view per seat that sees
// it, one shared frame for the spectators.
func BenchmarkAct(b *testing.B) {
	b.Run("queued", func(b *testing.B) { benchmarkAct(b, false) })
	// Every socket takes its message at once, as an idle client's does.
	b.Run("direct", func(b *testing.B) { benchmarkAct(b, true) })
}

// directSink is a sinkTransport whose socket always takes a message at
// once.
type directSink struct{ sinkTransport }

var _ directWriter = (*directSink)(nil)

func (t *directSink) tryWrite(frames []frame) (taken, more bool, err error) {
	t.frames.Add(int64(len(frames)))
	return true, false, nil
}

func benchmarkAct(b *testing.B, direct bool) {
	srv := New(Options{NewBot: quickBot, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Limits: testLimits()})
	s := *quickSettings()
	s.MaxSpectators = 100
	l := unstarted(b, srv, lobby.Created("Anna", nil, false, *stored(&s), "", srv.now()))
	defer srv.Close(b.Context())
	var frames atomic.Int64
	sink := func() *conn {
		if direct {
			return newConnOn(srv, &directSink{sinkTransport{frames: &frames}}, "127.0.0.1")
		}
		return newConnOn(srv, &sinkTransport{frames: &frames}, "127.0.0.1")
	}
	var delegates []*conn
	{
		c := sink()
		c.member = "d1"
		l.members["d1"] = c
		delegates = append(delegates, c)
		for i := 1; i < 7; i++ {
			c := sink()
			if err := l.join(c, protocol.Join{Lobby: l.code, Name: string(rune('B' + i))}); err != nil {
				b.Fatal(err)
			}
			delegates = append(delegates, c)
		}
		for range 50 {
			if err := l.watch(sink(), protocol.Watch{Lobby: l.code}); err != nil {
				b.Fatal(err)
			}
		}
		if err := l.host(delegates[0], protocol.Host{Action: protocol.HostStart}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	{
		me := l.st.Member(delegates[1].member)
		other := (me.Seat + 1) % 7
		for i := range b.N {
			kind := game.CmdDenounce
			if i%2 == 1 {
				kind = game.CmdWithdraw
			}
			if err := l.act(delegates[1], protocol.Act{Kind: kind, Target: other}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(frames.Load())/float64(b.N), "frames/op")
}

// unstarted is a lobby whose goroutine never runs: the benchmark is its
// only goroutine, and calls what the goroutine would.
func unstarted(b *testing.B, srv *Server, created lobby.Record) *actor {
	l := newActor(srv, newCode())
	if err := l.commit(created); err != nil {
		b.Fatal(err)
	}
	return l
}
