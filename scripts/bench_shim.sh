#!/usr/bin/env bash
# Runs the containerd shim's benchmarks and prints:
#   start-to-exit of a hello program (examples/hello/hello.wasm) through
#     containerd and the shim (`ctr run --rm`) against `wasix run` of the
#     same file: the shim's overhead in ms and the ratio; and, for scale,
#     `ctr run --rm` of a native (static Go) hello with runc, containerd's
#     default runtime: what the same path costs a Linux container;
#   the memory of a running container: the resident set of a shim process
#     serving one container, and what each further container of a pod adds
#     to the one shim serving the pod, against the resident set of `wasix run`
#     of the same program.
# Needs root and containerd (apt-get install containerd runc): the
# benchmarks start a private containerd, as the end-to-end test does.
#
#   scripts/bench_shim.sh [-count N]   (extra flags go to go test; default
#                                       -count 3, of which the best run is kept)
set -euo pipefail
cd "$(dirname "$0")/.."
flags=("$@")
if [ ${#flags[@]} -eq 0 ]; then
	flags=(-count 3)
fi
out=$(go test -run '^$' -bench 'StartToExit' -benchtime 10x "${flags[@]}" ./internal/shime2e)
mem=$(go test -run '^$' -bench 'ShimMemory' -benchtime 1x "${flags[@]}" ./internal/shime2e)
if ! echo "$out$mem" | grep -q '^Benchmark'; then
	echo "$out$mem" | grep -i skip >&2 || echo "$out$mem" >&2
	echo "no benchmark ran (the benchmarks need root and containerd)" >&2
	exit 1
fi
printf '%s\n%s\n\n' "$(echo "$out" | grep '^Benchmark')" "$(echo "$mem" | grep '^Benchmark')"
printf '%s\n%s\n' "$out" "$mem" | awk '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	ns = $3 + 0
	if (name ~ /StartToExit/ && (!(name in best) || ns < best[name])) best[name] = ns
	for (i = 4; i <= NF; i++) {
		if ($(i) == "KiB-RSS/shim-with-1-container") { v = $(i-1) + 0; if (!single || v < single) single = v }
		if ($(i) == "KiB-RSS/extra-container-in-pod") { v = $(i-1) + 0; if (!pod || v < pod) pod = v }
		if ($(i) == "KiB-RSS/wasix-run") { v = $(i-1) + 0; if (!cli || v < cli) cli = v }
	}
}
END {
	shim = best["BenchmarkStartToExit/shim"] / 1e6; run = best["BenchmarkStartToExit/wasix-run"] / 1e6
	printf "%-44s %10.1f ms\n", "hello, start to exit, ctr run (shim)", shim
	printf "%-44s %10.1f ms\n", "hello, start to exit, wasix run", run
	printf "%-44s %10.1f ms  (%.2fx)\n", "shim overhead", shim - run, shim / run
	if ("BenchmarkStartToExit/runc-native" in best)
		printf "%-44s %10.1f ms\n", "native hello, ctr run with runc (reference)", best["BenchmarkStartToExit/runc-native"] / 1e6
	printf "%-44s %10.1f MiB\n", "memory: a shim serving one container", single / 1024
	printf "%-44s %10.1f MiB\n", "memory: each further container of a pod", pod / 1024
	printf "%-44s %10.1f MiB\n", "memory: wasix run of the same program", cli / 1024
}'
