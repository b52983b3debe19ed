package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"
)

// BenchmarkAppend measures one lobby command's append to the embedded
// log, as the lobby actor does it: one at a time, waiting for the ack. It
// reports the latency percentiles and appends per second.
func BenchmarkAppend(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, Options{DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	rec := []byte(`{"kind":"act","at":"1934-02-10T12:00:00Z","seat":3,"cmd":{"kind":"denounce","seat":3,"target":5}}`)
	lat := make([]time.Duration, 0, b.N)
	var last uint64
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		t0 := time.Now()
		seq, err := s.Append(ctx, "BENCH1", fmt.Sprint(i), rec, last)
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
		last = seq
	}
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "appends/s")
}

// BenchmarkAppendParallel is many lobbies appending at once, as a busy
// server does: the throughput the log allows.
func BenchmarkAppendParallel(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, Options{DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	rec := []byte(`{"kind":"act","at":"1934-02-10T12:00:00Z","seat":3,"cmd":{"kind":"denounce","seat":3,"target":5}}`)
	b.SetParallelism(64)
	var lobby int64
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		code := fmt.Sprintf("L%05d", nextLobby(&lobby))
		var last uint64
		i := 0
		for pb.Next() {
			seq, err := s.Append(ctx, code, fmt.Sprint(code, "-", i), rec, last)
			if err != nil {
				b.Error(err)
				return
			}
			last = seq
			i++
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "appends/s")
}

// archiveSize is the number of finished matches BenchmarkMatchesPage
// stores: about 30 days of a busy server's archive.
const archiveSize = 100_000

// fillArchive stores n finished public matches straight to the bucket,
// many writes in flight at once, and waits until the index lists them.
func fillArchive(b *testing.B, s *Store, n int) {
	b.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	for i := range n {
		m := Match{
			ID: fmt.Sprintf("%08d-0000-4000-8000-000000000000", i), Lobby: "K7QXM2",
			// One ended every 20 s: 100,000 within 24 days.
			Started: now.Add(-time.Duration(n-i) * 20 * time.Second), Ended: now.Add(-time.Duration(n-i)*20*time.Second + 10*time.Second),
			Seats:  []string{"Anna", "Boris", "Clara", "Dmitri", "Elena", "Fyodor", "Galina"},
			Winner: "loyalists", Reason: "kirov_purged", Over: true, Public: true,
		}
		data, _ := json.Marshal(m)
		if _, err := s.js.PublishAsync("$KV."+MatchBucket+"."+m.ID, data); err != nil {
			b.Fatal(err)
		}
		if i%1000 == 999 || i == n-1 {
			select {
			case <-s.js.PublishAsyncComplete():
			case <-time.After(time.Minute):
				b.Fatal("1,000 summaries were not stored in a minute")
			}
		}
	}
	deadline := time.Now().Add(5 * time.Minute)
	for {
		_, total, err := s.Matches(ctx, 0, 1)
		if err == nil && total == n {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("the index lists %d of %d matches after 5 minutes: %v", total, n, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// BenchmarkMatchesPage is GET /api/matches's store call for page 0 with
// archiveSize matches on file; it also reports how long a store opened
// on that data takes to load its index.
func BenchmarkMatchesPage(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	s, err := Open(ctx, Options{DataDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	fillArchive(b, s, archiveSize)
	s.Close()

	t0 := time.Now()
	s, err = Open(ctx, Options{DataDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, total, err := s.Matches(ctx, 0, 20); err != nil || total != archiveSize {
		b.Fatalf("listed %d matches of %d: %v", total, archiveSize, err)
	}
	load := time.Since(t0)
	for b.Loop() {
		list, _, err := s.Matches(ctx, 0, 20)
		if err != nil || len(list) != 20 {
			b.Fatal(len(list), err)
		}
	}
	b.ReportMetric(load.Seconds(), "index-load-s")
}

// BenchmarkMatchesScan is what GET /api/matches did before the index,
// for comparison: list every key of the bucket and read each summary.
func BenchmarkMatchesScan(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, Options{DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	fillArchive(b, s, archiveSize)
	for b.Loop() {
		keys, err := s.matches.ListKeys(ctx)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for key := range keys.Keys() {
			if _, err := s.GetMatch(ctx, key); err == nil {
				n++
			}
		}
		if n != archiveSize {
			b.Fatal(n)
		}
	}
}
