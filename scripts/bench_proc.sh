#!/usr/bin/env bash
# Runs the process benchmarks and prints each figure against the host's
# own calls, from a small C program built here with gcc:
#   fork+join of a program of about 1, 64 and 256 MiB of touched memory,
#     and of one importing a shared memory (max 64 MiB, about 1 MiB used),
#     against native fork+waitpid of the same amount (goals: 256 MiB
#     within 1.5x native, 1 MiB under 0.5 ms);
#   vfork+exit+join and spawn+join of a small program, against native
#     vfork / posix_spawn + waitpid.
# Both sides time their loop from inside the program, so that neither
# counts its start (the guest's ballast is touched before the clock starts).
# ratio = wasix / native time (lower is better). The machine may be shared:
# the rounds interleave the native and the guest runs, and each figure is
# the best of the rounds, with the range of the ratios over the rounds.
#
#   scripts/bench_proc.sh [ROUNDS]   (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -O2 -o "$tmp/forkbench" testdata/guests/proc/native/forkbench.c
# guest_ns prints "wasix NAME NS" for each benchmark line: the guest's own
# time per round (guest-ns/op), timed inside the program as the native
# forkbench times itself; ns/op would add the program's start and exit.
guest_ns() {
	awk '/^Benchmark/ {
		n = $1; sub(/-[0-9]+$/, "", n); sub(/^Benchmark/, "", n)
		for (i = 3; i < NF; i++) if ($(i + 1) == "guest-ns/op") print "wasix", n, $i
	}'
}
go test -c -o "$tmp/host.test" ./host
for r in $(seq "$rounds"); do
	{
		echo "native fork1 $("$tmp/forkbench" fork 200 1 | awk '{print $3}')"
		echo "native fork64 $("$tmp/forkbench" fork 20 64 | awk '{print $3}')"
		echo "native fork256 $("$tmp/forkbench" fork 20 256 | awk '{print $3}')"
		echo "native vfork $("$tmp/forkbench" vfork 200 1 | awk '{print $3}')"
		echo "native spawn $("$tmp/forkbench" spawn 200 1 | awk '{print $3}')"
		(cd host && "$tmp/host.test" -test.run '^$' -test.bench 'Fork1MiB|ForkShared1MiB|Vfork1MiB|Spawn$' -test.benchtime 200x) |
			guest_ns
		(cd host && "$tmp/host.test" -test.run '^$' -test.bench 'Fork64MiB|Fork256MiB' -test.benchtime 20x) |
			guest_ns
	} | sed "s/^/$r /"
done >"$tmp/all"
awk '
{ v[$2 " " $3 " " $1] = $4 + 0; seen[$1] = 1 }
function row(label, ours, ref, goal,   r, best_o, best_n, lo, hi, x) {
	best_o = 0; best_n = 0; lo = 0; hi = 0
	for (r in seen) {
		o = v["wasix " ours " " r]; n = v["native " ref " " r]
		if (!o || !n) continue
		if (!best_o || o < best_o) best_o = o
		if (!best_n || n < best_n) best_n = n
		x = o / n
		if (!lo || x < lo) lo = x
		if (x > hi) hi = x
	}
	printf "%-30s %10.1f µs %10.1f µs %7.2fx  %5.2f-%.2fx  %s\n", label, best_o / 1000, best_n / 1000, best_o / best_n, lo, hi, goal
}
END {
	printf "%-30s %13s %13s %8s  %11s  %s\n", "", "wasix", "native", "ratio", "range", "goal"
	row("fork+join, 1 MiB", "Fork1MiB", "fork1", "< 500 µs absolute")
	row("fork+join, shared mem, 1 MiB", "ForkShared1MiB", "fork1", "< 500 µs absolute")
	row("fork+join, 64 MiB", "Fork64MiB", "fork64", "")
	row("fork+join, 256 MiB", "Fork256MiB", "fork256", "<= 1.5x")
	row("vfork+exit+join, 1 MiB", "Vfork1MiB", "vfork", "")
	row("spawn+join (true)", "Spawn", "spawn", "")
}' "$tmp/all"
