#!/usr/bin/env bash
# Runs the load generator against a congress cluster on this machine: three
# NATS servers routed as one JetStream cluster and three congress nodes on
# it, every lobby's connections dealt round-robin over the three nodes (no
# sticky sessions), so most commands are relayed to the lobby's owner. The
# server side's CPU and memory are those of all six processes together;
# the script also prints each process's share.
#
#   cmd/loadgen/cluster.sh [loadgen flags...]
#   e.g. cmd/loadgen/cluster.sh -lobbies 200 -procs 2 -sources 250 -rate 2.2 -json run.json
#
# With SINGLE=1 it runs the same load against one congress process with
# its embedded NATS instead, for comparison. Binaries are built into
# $WORK (default a fresh temporary directory), which also holds the data.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${WORK:-$(mktemp -d)}
NICE=${NICE:-0}
ulimit -n "$(ulimit -Hn)"

go build -o "$WORK/congress" ./cmd/congress
go build -o "$WORK/loadgen" ./cmd/loadgen
go build -o "$WORK/nats-server" github.com/nats-io/nats-server/v2

pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap cleanup EXIT

wait_http() { # url
	for _ in $(seq 100); do
		curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
		sleep 0.2
	done
	echo "cluster.sh: $1 did not answer" >&2
	return 1
}

addrs=()
if [[ ${SINGLE:-0} == 1 ]]; then
	nice -n "$NICE" "$WORK/congress" --listen 127.0.0.1:18180 --data "$WORK/data" --log-level warn &
	pids+=($!)
	addrs+=(127.0.0.1:18180)
else
	urls=()
	for i in 0 1 2; do
		routes=()
		for j in 0 1 2; do
			[[ $i == "$j" ]] || routes+=("nats://127.0.0.1:1625$j")
		done
		nice -n "$NICE" "$WORK/nats-server" -n "nats-$i" -a 127.0.0.1 -p "1422$i" -m "1823$i" -js -sd "$WORK/nats-$i" \
			--cluster_name congress-load --cluster "nats://127.0.0.1:1625$i" \
			--routes "$(IFS=,; echo "${routes[*]}")" -l "$WORK/nats-$i.log" &
		pids+=($!)
		urls+=("nats://127.0.0.1:1422$i")
	done
	for i in 0 1 2; do wait_http "http://127.0.0.1:1823$i/healthz"; done # JetStream is current
	for i in 0 1 2; do
		nice -n "$NICE" "$WORK/congress" --listen "127.0.0.1:1818$i" --node-id "n$i" \
			--nats "$(IFS=,; echo "${urls[*]}")" --data "$WORK/unused-$i" --log-level warn \
			2>"$WORK/node-$i.log" &
		pids+=($!)
		addrs+=("127.0.0.1:1818$i")
	done
fi
for a in "${addrs[@]}"; do wait_http "http://$a/healthz"; done

cpu() { # pid: CPU seconds so far
	awk '{ sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / 100 }' "/proc/$1/stat"
}
declare -A before
for p in "${pids[@]}"; do before[$p]=$(cpu "$p"); done

nice -n "$NICE" "$WORK/loadgen" -addr "$(IFS=,; echo "${addrs[*]}")" -pid "$(IFS=,; echo "${pids[*]}")" "$@"

echo "CPU seconds and RSS of each server process over the whole run:"
for p in "${pids[@]}"; do
	printf '  %-8s %-12s %8.2f s  %6d MiB\n' "$p" "$(cat "/proc/$p/comm")" \
		"$(echo "$(cpu "$p") - ${before[$p]}" | bc)" "$(($(awk '{print $24}' "/proc/$p/stat") * 4 / 1024))"
done
