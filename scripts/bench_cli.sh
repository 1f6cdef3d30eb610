#!/usr/bin/env bash
# Measures the cold start of the CLI with a warm compile cache: a whole
# `wasix run FILE.wasm` process against `wazero run` (the wazero CLI,
# v1.12.0, installed into a temporary directory) on the same preview1
# programs: a small C program (wasi-libc) and a Go program. Prints ms per
# run and the ratio wasix / wazero (goal: <= 1.1).
#
#   scripts/bench_cli.sh [-count N]   (extra flags go to go test; default
#                                      -count 5 -benchtime 20x, best kept)
set -euo pipefail
cd "$(dirname "$0")/.."
flags=("$@")
if [ ${#flags[@]} -eq 0 ]; then
	flags=(-count 5 -benchtime 20x)
fi
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
GOBIN="$bin" go install github.com/tetratelabs/wazero/cmd/wazero@v1.12.0
out=$(WAZERO="$bin/wazero" go test -run '^$' -bench 'ColdStart' "${flags[@]}" ./cmd/wasix)
echo "$out" | grep '^Benchmark'
echo
echo "$out" | awk '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name); sub(/^BenchmarkColdStart\//, "", name)
	ns = $3 + 0
	if (!(name in best) || ns < best[name]) best[name] = ns
}
END {
	printf "%-34s %10s %10s %8s %s\n", "cold start, warm cache", "wasix", "wazero", "ratio", "goal"
	split("probe_p1 probe_go", progs, " ")
	label["probe_p1"] = "C hello (wasi-libc, 35 KB)"
	label["probe_go"] = "Go hello (2.8 MB)"
	for (i = 1; i <= 2; i++) {
		p = progs[i]
		w = best[p "/wasix"]; z = best[p "/wazero"]
		if (z == 0) continue
		printf "%-34s %7.1f ms %7.1f ms %7.2fx %s\n", label[p], w / 1e6, z / 1e6, w / z, "<= 1.1"
	}
}'
