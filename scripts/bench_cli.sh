#!/usr/bin/env bash
# Measures the cold start of the CLI with a warm compile cache: a whole
# `wasix run FILE.wasm` process against `wazero run` (the wazero CLI,
# v1.12.0, installed into a temporary directory with the same Go) on the
# same preview1 programs: a small C program (wasi-libc) and a Go program.
# The two are started in turns (BenchmarkColdStart); each round gives the
# median per start of wall time, CPU time (user+system of the process,
# which a loaded machine disturbs less), peak RSS (the child's rusage) and
# minor page faults. Prints, for each figure, the median over the rounds
# and the ratio wasix / wazero: the median and the range of the rounds'
# ratios. Goals: <= 1.1x in time, <= 1.2x in RSS.
#
#   scripts/bench_cli.sh [flags]   (flags go to go test; default
#                                   -count 5 -benchtime 20x)
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
echo "$out" | grep -E '^(Benchmark|--- )' | cut -c1-150 || true
echo
echo "$out" | awk '
function sort(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t } }
function med(name,   n, i, a) { n = cnt[name]; for (i = 1; i <= n; i++) a[i] = v[name, i]; sort(a, n); return a[int((n + 1) / 2)] }
function lo(name,   n, i, m) { n = cnt[name]; m = v[name, 1]; for (i = 2; i <= n; i++) if (v[name, i] < m) m = v[name, i]; return m }
function hi(name,   n, i, m) { n = cnt[name]; m = v[name, 1]; for (i = 2; i <= n; i++) if (v[name, i] > m) m = v[name, i]; return m }
/^BenchmarkColdStart\// {
	p = $1; sub(/-[0-9]+$/, "", p); sub(/^BenchmarkColdStart\//, "", p)
	for (i = 4; i <= NF; i++) { k = p SUBSEP $(i); v[k, ++cnt[k]] = $(i-1) + 0 }
}
END {
	label["probe_p1"] = "C hello (wasi-libc, 35 KB)"
	label["probe_go"] = "Go hello (2.8 MB)"
	split("probe_p1 probe_go", progs, " ")
	split("wall-ns cpu-ns rss-KiB minflt", figs, " ")
	title["wall-ns"] = "wall"; title["cpu-ns"] = "CPU"; title["rss-KiB"] = "peak RSS"; title["minflt"] = "page faults"
	scale["wall-ns"] = 1e6; scale["cpu-ns"] = 1e6; scale["rss-KiB"] = 1024; scale["minflt"] = 1
	unit["wall-ns"] = "ms"; unit["cpu-ns"] = "ms"; unit["rss-KiB"] = "MiB"; unit["minflt"] = ""
	goal["wall-ns"] = "<= 1.1"; goal["cpu-ns"] = "<= 1.1"; goal["rss-KiB"] = "<= 1.2"; goal["minflt"] = ""
	printf "%-28s %-12s %12s %12s %7s %13s  %s\n", "warm cache, median per start", "", "wasix", "wazero", "ratio", "(range)", "goal"
	for (i = 1; i <= 2; i++) {
		p = progs[i]
		for (j = 1; j <= 4; j++) {
			f = figs[j]; r = p SUBSEP f "-ratio"
			if (!cnt[r]) continue
			printf "%-28s %-12s %9.2f %-3s%9.2f %-3s%6.2fx %5.2f-%5.2fx  %s\n", (j == 1 ? label[p] : ""), title[f],
				med(p SUBSEP "wasix-" f) / scale[f], unit[f], med(p SUBSEP "wazero-" f) / scale[f], unit[f],
				med(r), lo(r), hi(r), goal[f]
		}
	}
}'
