#!/usr/bin/env bash
# Runs the thread benchmarks once and prints the guest's figures against
# the same operations in a native C program (pthreads, Linux futexes):
#   spawn+join: one thread created and joined (goal: under 100 µs in the
#     guest);
#   futex ping-pong: one round trip of a token between two threads through
#     futex wait and wake.
# ratio = guest / native time (lower is better for the guest).
#
#   scripts/bench_threads.sh [-count N]   (extra flags go to go test; default
#                                          -count 3, of which the best is kept)
set -euo pipefail
cd "$(dirname "$0")/.."
flags=("$@")
if [ ${#flags[@]} -eq 0 ]; then
	flags=(-count 3)
fi
out=$(go test -run '^$' -bench 'ThreadSpawnJoin|FutexPingPong' "${flags[@]}" ./host)
echo "$out" | grep '^Benchmark'
echo
echo "$out" | awk '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	for (i = 4; i <= NF; i++) {
		if ($(i) == "ns/op") { v = $(i-1) + 0; if (!(name in best) || v < best[name]) best[name] = v }
	}
}
END {
	printf "%-18s %12s %12s %8s %s\n", "", "guest", "native", "ratio", "goal"
	g = best["BenchmarkThreadSpawnJoin/guest"]; n = best["BenchmarkThreadSpawnJoin/native"]
	printf "%-18s %9.1f us %9.1f us %7.2fx %s\n", "spawn+join", g / 1000, n / 1000, g / n, "guest < 100 us"
	g = best["BenchmarkFutexPingPong/guest"]; n = best["BenchmarkFutexPingPong/native"]
	printf "%-18s %9.2f us %9.2f us %7.2fx %s\n", "futex ping-pong", g / 1000, n / 1000, g / n, "(ratio)"
}'
