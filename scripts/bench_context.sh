#!/usr/bin/env bash
# Runs the context_switch benchmark once and prints the guest's time per
# switch (half a round trip between the main context and another one, in a
# program built with today's wasix-libc) against the native reference: the
# same handoff between two goroutines over channels. Goal: under 1 µs per
# switch in the guest. ratio = guest / native (lower is better).
#
#   scripts/bench_context.sh [-count N]   (extra flags go to go test; default
#                                          -count 3 -benchtime 1000000x, best kept)
set -euo pipefail
cd "$(dirname "$0")/.."
flags=("$@")
if [ ${#flags[@]} -eq 0 ]; then
	flags=(-count 3 -benchtime 1000000x)
fi
out=$(go test -run '^$' -bench 'ContextSwitch' "${flags[@]}" ./host)
echo "$out" | grep '^Benchmark'
echo
echo "$out" | awk '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	for (i = 3; i <= NF; i++) {
		if ($(i) == "ns/switch") { v = $(i-1) + 0; if (!(name in best) || v < best[name]) best[name] = v }
	}
}
END {
	g = best["BenchmarkContextSwitch/guest"]; n = best["BenchmarkContextSwitch/native"]
	printf "%-16s %12s %12s %8s %s\n", "", "guest", "native", "ratio", "goal"
	printf "%-16s %9.0f ns %9.0f ns %7.2fx %s\n", "context_switch", g, n, g / n, "guest < 1000 ns"
}'
