#!/usr/bin/env bash
# vfork+exec+join of a small program ("true") from a parent whose shared
# memory may grow to 4 GiB (what wasixcc gives every program), against the
# same from a parent limited to 64 MiB. Goal: the same time and the same
# peak RSS (ratio 1). Each benchmark runs in a go test process of its own,
# so that its peak RSS is its own.
#
#   scripts/bench_vforkexec.sh [go test flags]   (default -benchtime 200x -count 3; best kept)
set -euo pipefail
cd "$(dirname "$0")/.."
flags=("$@")
if [ ${#flags[@]} -eq 0 ]; then
	flags=(-benchtime 200x -count 3)
fi
run() { go test -run '^$' -bench "^Benchmark$1\$" "${flags[@]}" ./host | grep '^Benchmark'; }
out=$( { run VforkExec4GiB; run VforkExec64MiB; } )
echo "$out"
echo
echo "$out" | awk '
{
	name = $1; sub(/-[0-9]+$/, "", name); sub(/^BenchmarkVforkExec/, "", name)
	for (i = 3; i < NF; i++) {
		if ($(i+1) == "ns/op" && (!(name in ns) || $i < ns[name])) ns[name] = $i
		if ($(i+1) == "peak-RSS-MiB" && (!(name in rss) || $i < rss[name])) rss[name] = $i
	}
}
END {
	printf "%-28s %12s %12s %8s\n", "", "4 GiB max", "64 MiB max", "ratio"
	printf "%-28s %9.1f µs %9.1f µs %7.2fx\n", "vfork+exec+join (wall)", ns["4GiB"] / 1000, ns["64MiB"] / 1000, ns["4GiB"] / ns["64MiB"]
	printf "%-28s %8.1f MiB %8.1f MiB %7.2fx\n", "peak RSS of the host", rss["4GiB"], rss["64MiB"], rss["4GiB"] / rss["64MiB"]
	print "goal: both ratios about 1"
}'
