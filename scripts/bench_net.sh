#!/usr/bin/env bash
# Runs the networking benchmarks once and prints each guest's figure
# against the same program run natively, on loopback:
#   TCP echo throughput (MB/s one way, 64 KiB writes streamed through the
#     echo server) over 1 connection: the Go guest (wasixnet) and the C
#     guest against a native Go echo (ratio = guest / native; the goal is
#     >= 0.8); over 16 connections at once: the Go guest (one goroutine per
#     connection) against the native echo (the goal is >= 0.9);
#   net/http requests per second, sequential keep-alive requests to the
#     same handler in a Go guest and natively (ratio = guest / native).
#
#   scripts/bench_net.sh [-count N]   (extra flags go to go test; default
#                                      -count 3, of which the best is kept)
set -euo pipefail
cd "$(dirname "$0")/.."
flags=("$@")
if [ ${#flags[@]} -eq 0 ]; then
	flags=(-count 3)
fi
out=$(go test -run '^$' -bench 'NetTCPEcho|NetHTTP' "${flags[@]}" ./internal/abi)
echo "$out" | grep '^Benchmark'
echo
echo "$out" | awk '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	for (i = 4; i <= NF; i++) {
		if ($(i) == "MB/s" || $(i) == "req/s") { v = $(i-1) + 0; if (v > best[name]) best[name] = v }
	}
}
END {
	printf "%-26s %12s %12s %8s %s\n", "", "guest", "native", "ratio", "goal"
	n = best["BenchmarkNetTCPEcho/conns=1/native"]
	printf "%-26s %7.0f MB/s %7.0f MB/s %7.2fx %s\n", "TCP echo, Go guest", best["BenchmarkNetTCPEcho/conns=1/guest-go"], n, best["BenchmarkNetTCPEcho/conns=1/guest-go"] / n, ">= 0.8"
	printf "%-26s %7.0f MB/s %7.0f MB/s %7.2fx %s\n", "TCP echo, C guest", best["BenchmarkNetTCPEcho/conns=1/guest-c"], n, best["BenchmarkNetTCPEcho/conns=1/guest-c"] / n, ">= 0.8"
	n = best["BenchmarkNetTCPEcho/conns=16/native"]
	printf "%-26s %7.0f MB/s %7.0f MB/s %7.2fx %s\n", "TCP echo x16, Go guest", best["BenchmarkNetTCPEcho/conns=16/guest-go"], n, best["BenchmarkNetTCPEcho/conns=16/guest-go"] / n, ">= 0.9"
	n = best["BenchmarkNetHTTP/native"]
	printf "%-26s %6.0f req/s %6.0f req/s %7.2fx %s\n", "net/http, Go guest", best["BenchmarkNetHTTP/guest-go"], n, best["BenchmarkNetHTTP/guest-go"] / n, "(ratio)"
}'
