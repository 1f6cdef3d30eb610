#!/usr/bin/env bash
# Runs the exception and dynamic-linking benchmarks once and prints:
#   exceptions on/off: compile and run of a compute-bound program built
#     without exceptions, with wazero's exception handling on (as always)
#     and off (goal: 1.0x, the feature costs nothing);
#   start-up of a -pie main needing three side modules against the same
#     program linked statically (goal: at most 1.5x), in wall and in CPU
#     time (every thread's: the collector's too), the libraries read from
#     host.DirFS as the CLI does, and (CPU) from os.DirFS;
#   a call of a side module's function through a dlsym'd pointer, and
#     dlsym+call, against a direct call (ns/call, the run's start taken off).
# Each figure is the best of the runs (-count, default 3). The start-up
# ratios that count are the alternating benchmark's (both programs in one
# process, 50 starts of each in turn): their range over the runs and
# median; the separate benchmarks' best-of figures swing with what ran
# before them in the process.
#
#   scripts/bench_eh.sh [go test flags]
set -euo pipefail
cd "$(dirname "$0")/.."
flags=("$@")
if [ ${#flags[@]} -eq 0 ]; then
	flags=(-count 3)
fi
out=$(go test -run '^$' -bench 'ExceptionsFeature' -benchtime 20x "${flags[@]}" ./host)
# A start is about a millisecond: 500 of them, so that one descheduling on
# a loaded machine does not make the figure.
out1=$(go test -run '^$' -bench 'DylinkStartup' -benchtime 500x "${flags[@]}" ./host)
out2=$(go test -run '^$' -bench 'DylinkCall' "${flags[@]}" ./host)
printf '%s\n%s\n%s\n' "$out" "$out1" "$out2" | grep '^Benchmark'
echo
printf '%s\n%s\n%s\n' "$out" "$out1" "$out2" | awk '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	for (i = 4; i <= NF; i++) {
		unit = $(i); v = $(i-1) + 0
		if (unit == "ns/op" || unit == "ns/call" || unit == "cpu-ns/op") {
			k = name " " unit
			if (!(k in best) || v < best[k]) best[k] = v
		}
		if (name == "BenchmarkDylinkStartup/alternating" && unit == "x-cpu") xc[++nc] = v
		if (name == "BenchmarkDylinkStartup/alternating" && unit == "x-wall") xw[++nw] = v
	}
}
function ratio(a, b) { return b > 0 ? a / b : 0 }
function sort(a, n,   i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
}
END {
	on = best["BenchmarkExceptionsFeature/compile/on ns/op"]; off = best["BenchmarkExceptionsFeature/compile/off ns/op"]
	printf "%-34s %10.2f ms %10.2f ms %7.2fx  goal 1.0x\n", "EH on/off: compile", on / 1e6, off / 1e6, ratio(on, off)
	on = best["BenchmarkExceptionsFeature/run/on ns/op"]; off = best["BenchmarkExceptionsFeature/run/off ns/op"]
	printf "%-34s %10.2f ms %10.2f ms %7.2fx  goal 1.0x\n", "EH on/off: run", on / 1e6, off / 1e6, ratio(on, off)
	p = best["BenchmarkDylinkStartup/pie ns/op"]; s = best["BenchmarkDylinkStartup/static ns/op"]
	printf "%-34s %10.2f ms %10.2f ms %7.2fx  goal <= 1.5x\n", "start-up: pie+3 libs / static", p / 1e6, s / 1e6, ratio(p, s)
	p = best["BenchmarkDylinkStartup/pie cpu-ns/op"]; s = best["BenchmarkDylinkStartup/static cpu-ns/op"]
	printf "%-34s %10.2f ms %10.2f ms %7.2fx  goal <= 1.5x\n", "start-up CPU: pie+3 libs / static", p / 1e6, s / 1e6, ratio(p, s)
	p = best["BenchmarkDylinkStartup/pie_osdirfs cpu-ns/op"]
	printf "%-34s %10.2f ms %10.2f ms %7.2fx\n", "  the same, libs read via os.DirFS", p / 1e6, s / 1e6, ratio(p, s)
	if (nc > 0) {
		sort(xc, nc); sort(xw, nw)
		printf "%-34s CPU %.2f-%.2fx (median %.2fx), wall %.2f-%.2fx (median %.2fx) over %d runs  goal <= 1.5x\n", \
			"start-up alternating: pie / static", xc[1], xc[nc], xc[int((nc + 1) / 2)], xw[1], xw[nw], xw[int((nw + 1) / 2)], nc
	}
	d = best["BenchmarkDylinkCall/direct ns/call"]
	p = best["BenchmarkDylinkCall/pointer ns/call"]; q = best["BenchmarkDylinkCall/dlsym ns/call"]
	printf "%-34s %10.1f ns %10.1f ns %7.2fx\n", "call: dlsym pointer / direct", p, d, ratio(p, d)
	printf "%-34s %10.1f ns %10.1f ns %7.2fx\n", "call: dlsym+call / direct", q, d, ratio(q, d)
}'
