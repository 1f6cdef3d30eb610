#!/usr/bin/env bash
# Runs the atomic-wait benchmark once and prints the cost of rewriting the
# program's memory.atomic.wait32/notify into host calls (which every end of
# a process reaches) against wazero's own wait and notify (which only a
# notify ends): one round trip of a token between two threads, and the
# futex host-call ping-pong beside it.
# ratio = rewritten / wazero time (lower is better).
#
#   scripts/bench_atomics.sh [-count N]   (default -count 5, best kept)
set -euo pipefail
cd "$(dirname "$0")/.."
flags=("$@")
if [ ${#flags[@]} -eq 0 ]; then
	flags=(-count 5)
fi
out=$(go test -run '^$' -bench 'AtomicPingPong|FutexPingPong/guest' "${flags[@]}" ./host)
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
	h = best["BenchmarkAtomicPingPong/host"]; w = best["BenchmarkAtomicPingPong/wazero"]
	f = best["BenchmarkFutexPingPong/guest"]
	printf "atomic ping-pong: rewritten %.2f us, wazero %.2f us, ratio %.2fx\n", h / 1000, w / 1000, h / w
	printf "futex_wait ping-pong (host calls): %.2f us\n", f / 1000
}'
