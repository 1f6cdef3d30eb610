#!/usr/bin/env bash
# Measures the cold start of the CLI with a warm compile cache: a whole
# `wasix run FILE.wasm` process against `wazero run` (the wazero CLI,
# v1.12.0, installed into a temporary directory) on the same preview1
# programs: a small C program (wasi-libc) and a Go program. Prints ms per
# run (wall, and the CPU time of the process, which a loaded machine
# disturbs less) and the ratios wasix / wazero (goal: <= 1.1).
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
	for (i = 4; i <= NF; i++) if ($(i) == "cpu-ns/op") { c = $(i-1) + 0; if (!(name in cpu) || c < cpu[name]) cpu[name] = c }
}
END {
	printf "%-30s %10s %10s %7s  %10s %10s %7s  %s\n", "cold start, warm cache", "wasix", "wazero", "ratio", "wasix cpu", "wazero cpu", "ratio", "goal"
	split("probe_p1 probe_go", progs, " ")
	label["probe_p1"] = "C hello (wasi-libc, 35 KB)"
	label["probe_go"] = "Go hello (2.8 MB)"
	for (i = 1; i <= 2; i++) {
		p = progs[i]
		w = best[p "/wasix"]; z = best[p "/wazero"]
		if (z == 0) continue
		printf "%-30s %7.1f ms %7.1f ms %6.2fx  %7.1f ms %7.1f ms %6.2fx  %s\n", label[p], w / 1e6, z / 1e6, w / z,
			cpu[p "/wasix"] / 1e6, cpu[p "/wazero"] / 1e6, cpu[p "/wasix"] / cpu[p "/wazero"], "<= 1.1 (wall)"
	}
}'
