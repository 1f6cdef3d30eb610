#!/usr/bin/env bash
# Runs the bus benchmark and prints the round-trip latency of one small
# call (a 16-byte echo and its answer):
#   guest-guest  busclient calling busserver, two guest processes;
#   guest-go     busclient calling a Go endpoint (Runtime.AddBusService);
#   go-guest     a Go BusClient calling busserver;
#   go-go        a Go BusClient calling a Go endpoint: the floor the kernel's
#                bus and the Go dispatch set, with no guest on either side.
# Guest-side figures are timed inside busclient (process start left out).
#
#   scripts/bench_bus.sh [-count N]   (extra flags go to go test; default
#                                      -count 3, of which the best is kept)
set -euo pipefail
cd "$(dirname "$0")/.."
flags=("$@")
if [ ${#flags[@]} -eq 0 ]; then
	flags=(-count 3)
fi
out=$(go test -run '^$' -bench 'BusRoundTrip' "${flags[@]}" ./host)
echo "$out" | grep '^Benchmark'
echo
echo "$out" | awk '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name); sub(/^BenchmarkBusRoundTrip\//, "", name)
	for (i = 4; i <= NF; i++) {
		if ($(i) == "ns/op") { v = $(i-1) + 0; if (!(name in best) || v < best[name]) best[name] = v }
	}
}
END {
	printf "%-12s %s\n", "round trip", "latency"
	n = split("guest-guest guest-go go-guest go-go", order, " ")
	for (i = 1; i <= n; i++) if (order[i] in best) printf "%-12s %8.2f us\n", order[i], best[order[i]] / 1000
}'
