#!/usr/bin/env bash
# Runs the host-call benchmarks and prints, per benchmark, this runtime's
# figure against its reference:
#   clock_time_get, and fd_write / fd_read of one byte to / from the same
#     host file: ns per call and allocations per call, against wazero's own
#     wasi_snapshot_preview1 on the same guest doing the same work (ratio =
#     ours / wazero; the goals are <= 1.0 and 0 allocs);
#   64 MiB file write and read: MB/s, against plain Go (ratio = ours /
#     native; the goal is >= 0.9).
# The benchmarks of each pair alternate (-count), and each figure is the
# best run, with the range of the ratios of the runs taken in order.
#
#   scripts/bench.sh [-count N]   (extra flags go to go test; default -count 5)
set -euo pipefail
cd "$(dirname "$0")/.."
flags=("$@")
if [ ${#flags[@]} -eq 0 ]; then
	flags=(-count 5)
fi
out=$(go test -run '^$' -bench 'ClockTimeGet|FdWriteFile|FdReadFile|File64MiB' "${flags[@]}" ./host)
echo "$out" | grep '^Benchmark'
echo
echo "$out" | awk '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	k = ++count[name]
	for (i = 4; i <= NF; i++) {
		if ($(i) == "ns/op") { ns[name, k] = $(i-1) + 0; if (!(name in best) || $(i-1) + 0 < best[name]) best[name] = $(i-1) + 0 }
		if ($(i) == "MB/s") { mb[name, k] = $(i-1) + 0; if ($(i-1) + 0 > rate[name]) rate[name] = $(i-1) + 0 }
		if ($(i) == "allocs/op") { if (!(name in allocs) || $(i-1) + 0 > allocs[name]) allocs[name] = $(i-1) + 0 }
	}
}
function range(a, b, inverse,   k, x, lo, hi) {
	lo = 0; hi = 0
	for (k = 1; k <= count[a] && k <= count[b]; k++) {
		x = inverse ? mb[a, k] / mb[b, k] : ns[a, k] / ns[b, k]
		if (!lo || x < lo) lo = x
		if (x > hi) hi = x
	}
	return sprintf("%.2f-%.2fx", lo, hi)
}
function call(label, bench) {
	a = "Benchmark" bench "/wasix"; b = "Benchmark" bench "/wazero"
	printf "%-26s %8.1f ns %3d al %8.1f ns %3d al %7.2fx %12s  %s\n", label, best[a], allocs[a], best[b], allocs[b], best[a] / best[b], range(a, b, 0), "<= 1.0, 0 allocs (vs wazero)"
}
function file(label, bench) {
	a = "Benchmark" bench "/wasix"; b = "Benchmark" bench "/native"
	printf "%-26s %8.0f MB/s       %8.0f MB/s       %7.2fx %12s  %s\n", label, rate[a], rate[b], rate[a] / rate[b], range(a, b, 1), ">= 0.9 (vs native Go)"
}
END {
	printf "%-26s %18s %18s %8s %12s  %s\n", "", "wasix", "reference", "ratio", "range", "goal"
	call("clock_time_get per call", "ClockTimeGet")
	call("fd_write host file", "FdWriteFile")
	call("fd_read host file", "FdReadFile")
	file("64 MiB file write", "File64MiB/write")
	file("64 MiB file read", "File64MiB/read")
}'
