#!/usr/bin/env bash
# Runs the host benchmarks once and prints, per benchmark, this runtime's
# figure against its reference:
#   clock_time_get, fd_write to /dev/null: ns per call, against wazero's own
#     wasi_snapshot_preview1 on the same guest (ratio = ours / wazero; the
#     goal is <= 1.0);
#   64 MiB file write and read: MB/s, against plain Go (ratio = ours /
#     native; the goal is >= 0.9).
#
#   scripts/bench.sh [-count N]   (extra flags go to go test; default -count 5,
#                                  of which the best run is kept)
set -euo pipefail
cd "$(dirname "$0")/.."
flags=("$@")
if [ ${#flags[@]} -eq 0 ]; then
	flags=(-count 5)
fi
out=$(go test -run '^$' -bench 'ClockTimeGet|FdWriteDevNull|File64MiB' "${flags[@]}" ./host)
echo "$out" | grep '^Benchmark'
echo
echo "$out" | awk '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	ns = $3 + 0
	if (!(name in best) || ns < best[name]) best[name] = ns
	for (i = 4; i <= NF; i++) if ($(i) == "MB/s") { mbs = $(i-1) + 0; if (mbs > rate[name]) rate[name] = mbs }
}
END {
	printf "%-28s %14s %14s %8s %s\n", "", "wasix", "reference", "ratio", "goal"
	r = best["BenchmarkClockTimeGet/wasix"] / best["BenchmarkClockTimeGet/wazero"]
	printf "%-28s %11.1f ns %11.1f ns %7.2fx %s\n", "clock_time_get per call", best["BenchmarkClockTimeGet/wasix"], best["BenchmarkClockTimeGet/wazero"], r, "<= 1.0 (vs wazero)"
	r = best["BenchmarkFdWriteDevNull/wasix"] / best["BenchmarkFdWriteDevNull/wazero"]
	printf "%-28s %11.1f ns %11.1f ns %7.2fx %s\n", "fd_write /dev/null per call", best["BenchmarkFdWriteDevNull/wasix"], best["BenchmarkFdWriteDevNull/wazero"], r, "<= 1.0 (vs wazero)"
	r = rate["BenchmarkFile64MiB/write/wasix"] / rate["BenchmarkFile64MiB/write/native"]
	printf "%-28s %9.0f MB/s %9.0f MB/s %7.2fx %s\n", "64 MiB file write", rate["BenchmarkFile64MiB/write/wasix"], rate["BenchmarkFile64MiB/write/native"], r, ">= 0.9 (vs native Go)"
	r = rate["BenchmarkFile64MiB/read/wasix"] / rate["BenchmarkFile64MiB/read/native"]
	printf "%-28s %9.0f MB/s %9.0f MB/s %7.2fx %s\n", "64 MiB file read", rate["BenchmarkFile64MiB/read/wasix"], rate["BenchmarkFile64MiB/read/native"], r, ">= 0.9 (vs native Go)"
}'
