package main

import (
	"context"
	"log/slog"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// After a storm of connections, or a busy spell of games, the Go runtime
// keeps the heap it freed for a growth that may not come: a server that
// took 15,000 connections in a few seconds holds about as much free heap
// as live heap (BENCHMARKS.md, "Idle"). returnMemory looks at the heap
// every memoryLook and gives the free part back to the system once the
// live heap has settled, at most once every memoryGap.
const (
	memoryLook = 5 * time.Second
	memoryGap  = 2 * time.Minute
	// minFreeHeap is the least free heap worth a forced collection.
	minFreeHeap = 64 << 20
)

// heapSample is the heap's objects (live, and dead not yet collected),
// the heap live at the last collection, and the free heap not yet given
// back.
type heapSample struct{ objects, live, free uint64 }

// spare is what a collection and a release would give back: the free
// heap and the objects beyond the last collection's live heap.
func (h heapSample) spare() uint64 { return h.free + h.objects - min(h.live, h.objects) }

// shouldRelease reports whether cur's spare heap is to go back to the
// system: it is large (over minFreeHeap and over half the live heap),
// the heap has grown by no more than a tenth since prev (the storm is
// over), and the last release was at least memoryGap ago.
func shouldRelease(prev, cur heapSample, sinceLast time.Duration) bool {
	if sinceLast < memoryGap {
		return false
	}
	if spare := cur.spare(); spare < minFreeHeap || spare < cur.live/2 {
		return false
	}
	return cur.objects <= prev.objects+prev.objects/10
}

var heapMetrics = []string{"/memory/classes/heap/objects:bytes", "/gc/heap/live:bytes", "/memory/classes/heap/free:bytes"}

func readHeap(s []metrics.Sample) heapSample {
	metrics.Read(s)
	return heapSample{objects: s[0].Value.Uint64(), live: s[1].Value.Uint64(), free: s[2].Value.Uint64()}
}

// returnMemory runs until ctx ends.
func returnMemory(ctx context.Context, log *slog.Logger) {
	s := make([]metrics.Sample, len(heapMetrics))
	for i, name := range heapMetrics {
		s[i].Name = name
	}
	t := time.NewTicker(memoryLook)
	defer t.Stop()
	prev := readHeap(s)
	last := time.Now().Add(-memoryGap)
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			cur := readHeap(s)
			if shouldRelease(prev, cur, now.Sub(last)) {
				debug.FreeOSMemory()
				last = time.Now()
				after := readHeap(s)
				log.Debug("heap given back", "spare_before", cur.spare(), "spare_after", after.spare(), "live", after.live, "took", last.Sub(now))
				cur = after
			}
			prev = cur
		}
	}
}
