package game

import "testing"

// BenchmarkView is one view of a ten-seat Debate with marks standing, for
// a Plotter, a Loyalist and the spectator, in a state whose views have
// been built before: what the server pays for every view after the first
// in a state.
func BenchmarkView(b *testing.B) {
	tb := rig(b, DefaultConfig(), "KPPPILLLLL", 9)
	tb.do(denounce(0, 5), denounce(1, 5), denounce(6, 0), ready(3))
	for _, v := range []Viewer{SeatViewer(0), SeatViewer(7), Spectator} {
		b.Run(map[int]string{0: "plotter", 7: "loyalist", NoSeat: "spectator"}[v.Seat], func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				n += len(tb.g.View(v).Seats)
			}
			if n == 0 {
				b.Fatal("no view")
			}
		})
	}
}
