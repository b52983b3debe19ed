package store

import (
	"context"
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
