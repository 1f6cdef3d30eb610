#!/usr/bin/env bash
# Start-up: runs a C hello (wasi-libc) with a warm compilation cache under
# `wasix run` and under wazero's CLI (built here from the same wazero
# module, with the same Go and flags), ROUNDS times each, alternating, and
# prints wall time, CPU time (user+system) and peak RSS against wazero's
# (ratio = wasix / wazero; the goals are <= 1.1x in time and <= 1.2x in
# RSS). Wall time is the best of the rounds and CPU time the median; on a
# loaded machine wall time mostly measures the others.
#
#   scripts/bench_start.sh [ROUNDS]   (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-30}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/wasix" ./cmd/wasix
go build -o "$tmp/wazero" github.com/tetratelabs/wazero/cmd/wazero
hello=testdata/guests/proc/bin/hello.wasm
wasix=("$tmp/wasix" run --cache-dir "$tmp/c1" "$hello")
wazero=("$tmp/wazero" run -cachedir "$tmp/c2" "$hello")
"${wasix[@]}" >/dev/null
"${wazero[@]}" >/dev/null
for _ in $(seq "$rounds"); do
	/usr/bin/time -f "wasix %e %U %S %M" "${wasix[@]}" 2>>"$tmp/t" >/dev/null
	/usr/bin/time -f "wazero %e %U %S %M" "${wazero[@]}" 2>>"$tmp/t" >/dev/null
done
sort -k1,1 -k2,2n "$tmp/t" | awk '
{ n[$1]++; wall[$1, n[$1]] = $2; cpu[$1, n[$1]] = $3 + $4; if (!($1 in rss) || $5 < rss[$1]) rss[$1] = $5 }
function median(name,   k, i, j, t, a) {
	k = n[name]
	for (i = 1; i <= k; i++) a[i] = cpu[name, i]
	for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return a[int((k + 1) / 2)]
}
END {
	printf "%-24s %10s %10s %8s %s\n", "warm-cache C hello", "wasix", "wazero", "ratio", "goal"
	printf "%-24s %7.0f ms %7.0f ms %7.2fx %s\n", "wall (best)", wall["wasix", 1] * 1000, wall["wazero", 1] * 1000, wall["wasix", 1] / wall["wazero", 1], "<= 1.1"
	a = median("wasix"); b = median("wazero")
	printf "%-24s %7.0f ms %7.0f ms %7.2fx %s\n", "CPU (median)", a * 1000, b * 1000, (b ? a / b : 0), "(10 ms resolution)"
	printf "%-24s %7.1f MB %7.1f MB %7.2fx %s\n", "peak RSS (least)", rss["wasix"] / 1024, rss["wazero"] / 1024, rss["wasix"] / rss["wazero"], "<= 1.2"
}'
