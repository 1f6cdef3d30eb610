#!/usr/bin/env bash
# Runs the process benchmarks once and prints each figure against the
# host's own calls, from a small C program built here with gcc:
#   fork+join of a program of about 1 MiB and of 64 MiB of memory (the goal
#     for 1 MiB is < 2 ms), vfork+exit+join, and spawn+join of a small
#     program, each against native fork / vfork / posix_spawn + waitpid
#     (ratio = wasix / native; lower is better).
#
#   scripts/bench_proc.sh [-count N]   (extra flags go to go test; default
#                                       -count 3, of which the best is kept)
set -euo pipefail
cd "$(dirname "$0")/.."
flags=("$@")
if [ ${#flags[@]} -eq 0 ]; then
	flags=(-count 3)
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -O2 -o "$tmp/forkbench" testdata/guests/proc/native/forkbench.c
native() { # MODE COUNT MIB -> ns/op, best of three
	for _ in 1 2 3; do "$tmp/forkbench" "$1" "$2" "$3"; done | awk '{ if (!best || $3 < best) best = $3 } END { print best }'
}
n_fork1=$(native fork 500 1)
n_fork64=$(native fork 100 64)
n_vfork=$(native vfork 500 1)
n_spawn=$(native spawn 500 1)

out=$(go test -run '^$' -bench 'Fork1MiB|Fork64MiB|Vfork1MiB|Spawn$' -benchtime 200x "${flags[@]}" ./host)
echo "$out" | grep '^Benchmark'
echo
echo "$out" | awk -v f1="$n_fork1" -v f64="$n_fork64" -v vf="$n_vfork" -v sp="$n_spawn" '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name); sub(/^Benchmark/, "", name)
	ns = $3 + 0
	if (!(name in best) || ns < best[name]) best[name] = ns
}
function row(label, ours, ref, goal) {
	printf "%-26s %10.1f µs %10.1f µs %8.1fx %s\n", label, ours / 1000, ref / 1000, ours / ref, goal
}
END {
	printf "%-26s %13s %13s %9s %s\n", "", "wasix", "native", "ratio", "goal"
	row("fork+join, 1 MiB", best["Fork1MiB"], f1, "< 2 ms absolute")
	row("fork+join, 64 MiB", best["Fork64MiB"], f64, "")
	row("vfork+exit+join, 1 MiB", best["Vfork1MiB"], vf, "")
	row("spawn+join (true)", best["Spawn"], sp, "")
}'
