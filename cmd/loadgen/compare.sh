#!/usr/bin/env bash
# The three-way comparison of BENCHMARKS.md: a bare Node `ws` relay
# (noderelay/relay.mjs), the load generator's Go baseline (plain
# coder/websocket), both without any game, and congress with the whole
# game (its log on the embedded NATS JetStream), under the same load, each
# a fresh process. RUNS alternated runs of `loadgen -compare -node`, then
# the idle memory of each at 15,000 connections.
#
#   cmd/loadgen/compare.sh            # 200 lobbies, 3 runs
#   LOBBIES=750 RUNS=3 cmd/loadgen/compare.sh
#   IDLE=0 cmd/loadgen/compare.sh     # skip the idle runs
#
# It installs the relay's ws from npm (npm ci in noderelay), which CI
# does not. Binaries, data and results go to $WORK (default a fresh
# temporary directory).
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${WORK:-$(mktemp -d)}
LOBBIES=${LOBBIES:-200}
RUNS=${RUNS:-3}
IDLE=${IDLE:-1}
ulimit -n "$(ulimit -Hn)"
RELAY=$PWD/cmd/loadgen/noderelay
(cd "$RELAY" && npm ci --no-audit --no-fund >/dev/null)
go build -o "$WORK/congress" ./cmd/congress
go build -o "$WORK/loadgen" ./cmd/loadgen
echo "results in $WORK"

pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT
congress() {
	rm -rf "$WORK/data"
	nice -n -19 "$WORK/congress" --listen 127.0.0.1:18080 --data "$WORK/data" --log-level warn >"$WORK/congress.log" 2>&1 &
	pid=$!
	sleep 3
}

for i in $(seq "$RUNS"); do
	congress
	nice -n -19 "$WORK/loadgen" -compare -node "$RELAY" -addr 127.0.0.1:18080 -pid "$pid" \
		-lobbies "$LOBBIES" -procs 2 -sources 250 -rate 2.2 -baseline-rate 2 \
		-warmup 20s -duration 60s -drain 100s -v=false -json "$WORK/compare-$i.json" | tee "$WORK/compare-$i.txt" | grep -E '^(target|Node|server CPU|  (server|latency|protocol|games))'
	kill "$pid"; wait "$pid" || true; pid=
done

[ "$IDLE" = 1 ] || exit 0
idle=(-idle -lobbies 750 -procs 2 -sources 250 -settle 10s -duration 15s -v=false)
congress
nice -n -19 "$WORK/loadgen" "${idle[@]}" -addr 127.0.0.1:18080 -pid "$pid" | grep -E 'established|RSS' | sed 's/^/congress: /'
kill "$pid"; wait "$pid" || true; pid=
nice -n -19 "$WORK/loadgen" "${idle[@]}" -baseline | grep -E 'established|RSS' | sed 's/^/Go baseline: /'
node "$RELAY/relay.mjs" --listen 127.0.0.1:18090 >"$WORK/relay.out" &
pid=$!
sleep 1
nice -n -19 "$WORK/loadgen" "${idle[@]}" -target baseline -addr 127.0.0.1:18090 -pid "$pid" | grep -E 'established|RSS' | sed 's/^/Node ws relay: /'
